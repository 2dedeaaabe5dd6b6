"""The notification outbox: e-mails are stored first, then sent by SMTP, and retried on failure.

Storing before sending means a broken mail server never loses a notification and never fails a
child's submission (requirement 21): the row stays, shown to admins as failed, and
``flask safeguarding send-notifications`` (run every minute by the scheduler) tries again with
growing waits. With no MAIL_SERVER outside production, e-mails go to the console (log) instead.
"""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import or_, select, update

from feedback_app.extensions import db
from feedback_app.models.alerts import FAILED, GAVE_UP, QUEUED, SENT, Notification

# Minutes to wait after the 1st, 2nd, ... failure; the last repeats until MAIL_MAX_ATTEMPTS.
BACKOFF_MINUTES = (1, 5, 15, 30, 60)
SENDING = "sending"


def _now() -> datetime:
    return datetime.now(UTC)


def recipients(extra: list[str] | None = None) -> list[str]:
    """The named safeguarding lead and deputy (and any extra), without blanks or repeats."""
    config = current_app.config
    wanted = [config.get("SAFEGUARDING_LEAD_EMAIL"), config.get("SAFEGUARDING_DEPUTY_EMAIL"), *(extra or [])]
    seen: list[str] = []
    for address in wanted:
        if address and str(address).strip() and str(address).strip() not in seen:
            seen.append(str(address).strip())
    return seen


def queue(to_addresses: list[str], subject: str, body: str, *, alert_id: int | None = None) -> list[Notification]:
    """Store one e-mail per recipient in the outbox (committed)."""
    rows = [Notification(alert_id=alert_id, to_address=a, subject=subject, body=body, status=QUEUED) for a in to_addresses]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def _smtp_send(message: EmailMessage) -> None:
    config = current_app.config
    host = str(config["MAIL_SERVER"])
    port = int(config.get("MAIL_PORT", 25))
    timeout = float(config.get("MAIL_TIMEOUT_SECONDS", 10))
    if config.get("MAIL_USE_SSL"):
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout)
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    with client:
        if config.get("MAIL_USE_TLS"):
            client.starttls()
        if config.get("MAIL_USERNAME"):
            client.login(str(config["MAIL_USERNAME"]), str(config.get("MAIL_PASSWORD", "")))
        client.send_message(message)


def _message(row: Notification) -> EmailMessage:
    message = EmailMessage()
    message["From"] = str(current_app.config.get("MAIL_FROM", "safeguarding-alerts@localhost"))
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Message-ID"] = make_msgid(domain="voice-of-the-child")
    message.set_content(row.body)
    return message


def _deliver(row: Notification) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        if config.get("ENV_NAME") == "production":
            raise RuntimeError("MAIL_SERVER is not set, so safeguarding e-mail cannot be sent")
        # Development: the outbox row plus the console is the whole delivery.
        current_app.logger.warning("E-MAIL (console, no MAIL_SERVER) to %s: %s\n%s", row.to_address, row.subject, row.body)
        row.meta = {**(row.meta or {}), "backend": "console"}
        return
    _smtp_send(_message(row))


def _claim(row_id: int) -> bool:
    """Mark a row as being sent by this process; False if another process got there first."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.id == row_id, Notification.status.in_((QUEUED, FAILED)))
        .values(status=SENDING)
    )
    db.session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def send_one(row: Notification) -> bool:
    """Try to send one e-mail now; True if sent. Never raises."""
    try:
        if not _claim(row.id):
            return False
        db.session.refresh(row)
        row.attempts = (row.attempts or 0) + 1
        try:
            _deliver(row)
        except Exception as exc:  # any failure is recorded and retried, never raised
            row.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            limit = int(current_app.config.get("MAIL_MAX_ATTEMPTS", 20))
            wait = BACKOFF_MINUTES[min(row.attempts, len(BACKOFF_MINUTES)) - 1]
            row.status = GAVE_UP if row.attempts >= limit else FAILED
            row.next_attempt_at = _now() + timedelta(minutes=wait)
            db.session.commit()
            current_app.logger.error("Safeguarding e-mail %s to %s failed: %s", row.id, row.to_address, row.last_error)
            return False
        row.status, row.sent_at, row.last_error = SENT, _now(), None
        db.session.commit()
        return True
    except Exception:
        db.session.rollback()
        current_app.logger.exception("Could not record the sending of e-mail %s", getattr(row, "id", "?"))
        return False


def send_due(*, now: datetime | None = None, include_waiting: bool = False) -> tuple[int, int]:
    """Send every queued e-mail and retry failed ones whose wait is over; returns (sent, failed)."""
    moment = now or _now()
    query = select(Notification).where(Notification.status.in_((QUEUED, FAILED)))
    if not include_waiting:
        query = query.where(or_(Notification.status == QUEUED, Notification.next_attempt_at <= moment))
    sent = failed = 0
    for row in list(db.session.scalars(query.order_by(Notification.id))):
        if send_one(row):
            sent += 1
        else:
            failed += 1
    return sent, failed
