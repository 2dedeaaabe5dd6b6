"""`flask --app feedback_app safeguarding ...`: jobs a scheduler runs every minute."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("safeguarding")
def safeguarding_cli() -> None:
    """Safeguarding alerts and their e-mail."""


@safeguarding_cli.command("escalate")
@with_appcontext
def escalate_command() -> None:
    """Escalate New alerts past their deadline (e-mails lead, deputy and escalation address)."""
    from feedback_app.safeguarding.alerts import escalate_overdue

    ids = escalate_overdue()
    click.echo(f"Escalated {len(ids)} alert(s){': ' + ', '.join(f'#{i}' for i in ids) if ids else ''}")


@safeguarding_cli.command("send-notifications")
@with_appcontext
def send_command() -> None:
    """Send queued e-mails and retry failed ones whose wait is over."""
    from feedback_app.safeguarding.mail import send_due

    sent, failed = send_due()
    click.echo(f"Sent {sent}; {failed} failed (kept for retry)")
