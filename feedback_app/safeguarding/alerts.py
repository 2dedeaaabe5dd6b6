"""Raising, moving and escalating safeguarding alerts.

``raise_alert`` is the one entry point other capabilities call (the tagger when it flags or cannot
read a comment, the "I feel unsafe" button). It commits the alert first, so nothing after it
(e-mail, the audit) can lose it, and it never lets a mail failure reach the caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from feedback_app.audit.log import ALERT_ESCALATED, ALERT_RAISED, ALERT_TRANSITION, record
from feedback_app.extensions import db
from feedback_app.models.alerts import (
    ACKNOWLEDGED,
    ACTION_TAKEN,
    CLOSED,
    HIGH,
    NEW,
    NEXT_STATUS,
    OUTCOMES,
    SEVERITIES,
    SOURCES,
    Alert,
    AlertEvent,
)
from feedback_app.safeguarding import mail
from feedback_app.safeguarding.deadlines import deadline_for, local_time

SOURCE_LABELS = {
    "tagger": "The tagger flagged a comment as a possible disclosure",
    "unreadable": "The tagger could not read a comment (unknown language)",
    "tagger_error": "The tagger failed on a comment",
    "unsafe_button": "A child pressed “I feel unsafe”",
    "reviewer": "A person reviewing comments marked one as a safeguarding concern",
}
STATUS_LABELS = {NEW: "New", ACKNOWLEDGED: "Acknowledged", ACTION_TAKEN: "Action taken", CLOSED: "Closed"}


class AlertTransitionError(ValueError):
    """A status change that the life cycle does not allow, or that lacks what it needs."""


def _now() -> datetime:
    return datetime.now(UTC)


def _alert_url(alert_id: int) -> str:
    base = str(current_app.config.get("STAFF_BASE_URL", "http://127.0.0.1:5000")).rstrip("/")
    return f"{base}/safeguarding/alerts/{alert_id}"


def _notify(alert: Alert, *, escalation: bool = False) -> None:
    """Queue (and try to send) the e-mails about ``alert``; log but never raise on failure."""
    try:
        extra = [current_app.config.get("SAFEGUARDING_ESCALATION_EMAIL")] if escalation else []
        to = mail.recipients([e for e in extra if e])
        if not to:
            current_app.logger.error("No SAFEGUARDING_LEAD_EMAIL or SAFEGUARDING_DEPUTY_EMAIL set: alert %s e-mails nobody", alert.id)
            return
        prefix = "OVERDUE – not acknowledged" if escalation else ("HIGH" if alert.severity == HIGH else "Normal")
        subject = f"[Safeguarding] {prefix}: alert #{alert.id}"
        # On purpose no child's words, names or answers: e-mail leaves our systems.
        body = "\n".join(
            [
                "A safeguarding alert needs a person to look at it." if not escalation else
                "This safeguarding alert has passed its deadline without being acknowledged.",
                "",
                f"Alert: #{alert.id}",
                f"Severity: {alert.severity}",
                f"Why: {SOURCE_LABELS.get(alert.source, alert.source)}",
                f"Raised: {local_time(alert.created_at)}",
                f"Acknowledge by: {local_time(alert.deadline_at)}",
                "",
                f"Open it (sign-in needed): {_alert_url(alert.id)}",
                "",
                "This e-mail holds no child's words on purpose. Do not forward it outside the safeguarding team.",
            ]
        )
        rows = mail.queue(to, subject, body, alert_id=alert.id)
        if current_app.config.get("MAIL_SEND_INLINE", True):
            for row in rows:
                mail.send_one(row)
    except Exception:  # requirement 21: the alert stands even if e-mail cannot be queued
        db.session.rollback()
        current_app.logger.exception("Could not queue e-mail for safeguarding alert %s", alert.id)


def raise_alert(
    *,
    source: str,
    severity: str,
    reasons: Iterable[str],
    response_id: int | None = None,
    comment_id: int | None = None,
) -> Alert:
    """Create a New alert (committed) and notify the named lead and deputy.

    ``source`` is one of tagger, unreadable, tagger_error, unsafe_button; ``severity`` is high or
    normal. Notification failures are recorded in the outbox and retried, never raised.
    """
    if source not in SOURCES:
        raise ValueError(f"Unknown alert source {source!r}")
    if severity not in SEVERITIES:
        raise ValueError(f"Unknown severity {severity!r}")
    now = _now()
    alert = Alert(
        source=source,
        severity=severity,
        reasons=[str(r) for r in reasons],
        response_id=response_id,
        comment_id=comment_id,
        status=NEW,
        created_at=now,
        deadline_at=deadline_for(severity, now),
    )
    alert.events.append(AlertEvent(at=now, from_status=None, to_status=NEW, kind="raised"))
    db.session.add(alert)
    db.session.flush()
    record(ALERT_RAISED, target_type="alert", target_id=alert.id,
           detail={"source": source, "severity": severity})
    db.session.commit()
    _notify(alert)
    return alert


def open_alert_for_response(response_id: int, source: str) -> Alert | None:
    """An alert from ``source`` about this response that is not closed yet (to avoid duplicates)."""
    return db.session.scalar(
        select(Alert).where(Alert.response_id == response_id, Alert.source == source, Alert.status != CLOSED)
    )


def transition(alert: Alert, to_status: str, actor: Any, *, note: str = "", outcome: str = "") -> None:
    """Move ``alert`` one step on; Action taken needs a note, Closed an outcome and a note."""
    expected = NEXT_STATUS.get(alert.status)
    if to_status != expected:
        raise AlertTransitionError(f"An alert that is {STATUS_LABELS.get(alert.status)} cannot become {STATUS_LABELS.get(to_status, to_status)}.")
    note = note.strip()
    now = _now()
    if to_status == ACKNOWLEDGED:
        alert.acknowledged_at, alert.acknowledged_by = now, actor.id
    elif to_status == ACTION_TAKEN:
        if not note:
            raise AlertTransitionError("Say what action was taken.")
        alert.action_at, alert.action_by, alert.action_note = now, actor.id, note
    elif to_status == CLOSED:
        if outcome not in OUTCOMES:
            raise AlertTransitionError("Choose the outcome.")
        if not note:
            raise AlertTransitionError("Write a closing note.")
        alert.closed_at, alert.closed_by, alert.outcome, alert.close_note = now, actor.id, outcome, note
    alert.events.append(AlertEvent(at=now, actor_id=actor.id, from_status=alert.status, to_status=to_status))
    record(ALERT_TRANSITION, target_type="alert", target_id=alert.id,
           detail={"from": alert.status, "to": to_status, **({"outcome": outcome} if outcome else {})}, actor=actor)
    alert.status = to_status
    db.session.commit()


def escalate_overdue(now: datetime | None = None) -> list[int]:
    """Escalate every New alert past its deadline (once each); returns their ids."""
    moment = now or _now()
    overdue = list(db.session.scalars(
        select(Alert).where(Alert.status == NEW, Alert.escalated_at.is_(None), Alert.deadline_at < moment)
    ))
    for alert in overdue:
        alert.escalated_at = moment
        alert.events.append(AlertEvent(at=moment, from_status=NEW, to_status=NEW, kind="escalated"))
        record(ALERT_ESCALATED, target_type="alert", target_id=alert.id, detail={"deadline": str(alert.deadline_at)})
        db.session.commit()
        _notify(alert, escalation=True)
    return [a.id for a in overdue]


def is_overdue(alert: Alert, now: datetime | None = None) -> bool:
    """Unacknowledged and past the deadline."""
    deadline = alert.deadline_at if alert.deadline_at.tzinfo else alert.deadline_at.replace(tzinfo=UTC)
    return alert.status == NEW and deadline < (now or _now())
