"""Retention of free text (requirement 7): comments older than the configured period are deleted.

The answer rows stay (they are counts, not words), so the scorecard's history is unchanged; the
tagger's themes go with the text. Run daily: `flask --app feedback_app retention apply`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import delete, select

from feedback_app.extensions import db
from feedback_app.models import Comment, Response


def delete_expired_free_text(now: datetime | None = None) -> int:
    """Delete comments of responses submitted before the retention cut-off; returns how many."""
    moment = now or datetime.now(UTC)
    cutoff = moment - timedelta(days=int(current_app.config["FREE_TEXT_RETENTION_DAYS"]))
    old = select(Response.id).where(Response.submitted_at.is_not(None), Response.submitted_at < cutoff)
    ids = list(db.session.scalars(select(Comment.id).where(Comment.response_id.in_(old))))
    if ids:
        db.session.execute(delete(Comment).where(Comment.id.in_(ids)))
    db.session.commit()
    return len(ids)


@click.group("retention")
def retention_cli() -> None:
    """Keeping children's words no longer than needed."""


@retention_cli.command("apply")
@with_appcontext
def apply_command() -> None:
    """Delete free text older than FREE_TEXT_RETENTION_DAYS (and unsent drafts past expiry)."""
    from feedback_app.survey_flow.drafts import purge_expired_drafts

    comments = delete_expired_free_text()
    drafts = purge_expired_drafts()
    click.echo(f"Deleted {comments} comment(s) past retention and {drafts} expired draft(s)")
