"""Flask CLI commands: `flask --app feedback_app <command>`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext


def register_commands(app: Flask) -> None:
    """Attach every command group to the app."""
    from feedback_app.cli.demo import demo_command

    app.cli.add_command(surveys_cli)
    app.cli.add_command(drafts_cli)
    app.cli.add_command(demo_command)
    from feedback_app.survey_flow.retention import retention_cli

    app.cli.add_command(retention_cli)
    from feedback_app.subject_access import subject_access_cli

    app.cli.add_command(subject_access_cli)


@click.group("surveys")
def surveys_cli() -> None:
    """Survey definitions and reference data."""


@surveys_cli.command("sync")
@with_appcontext
def sync_command() -> None:
    """Load the taxonomy and store new survey definition versions."""
    from feedback_app.surveys.registry import sync_survey_definitions, sync_taxonomy

    sync_taxonomy()
    added = sync_survey_definitions()
    click.echo(f"Stored {len(added)} new survey version(s): {', '.join(added) or 'none'}")


@click.group("drafts")
def drafts_cli() -> None:
    """Unsent drafts."""


@drafts_cli.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete drafts not touched for DRAFT_RETENTION_DAYS (run daily from a scheduler)."""
    from feedback_app.survey_flow.drafts import purge_expired_drafts

    click.echo(f"Deleted {purge_expired_drafts()} expired draft(s)")
