"""Safeguarding alerts, their history, and the e-mail outbox that tells the named leads.

An alert is never dismissed automatically (requirement 19): it moves New -> Acknowledged ->
Action taken -> Closed by people, and closing needs an outcome and a note (requirement 20).
Notification e-mails carry no child's words, only a link to the alert.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.models.base import Base, utcnow
from feedback_app.models.encrypted import EncryptedText

NEW = "new"
ACKNOWLEDGED = "acknowledged"
ACTION_TAKEN = "action_taken"
CLOSED = "closed"
STATUSES = (NEW, ACKNOWLEDGED, ACTION_TAKEN, CLOSED)
NEXT_STATUS = {NEW: ACKNOWLEDGED, ACKNOWLEDGED: ACTION_TAKEN, ACTION_TAKEN: CLOSED}

HIGH = "high"
NORMAL = "normal"
SEVERITIES = (HIGH, NORMAL)
# "reviewer": a person in triage marked a comment as a safeguarding concern.
SOURCES = ("tagger", "unreadable", "tagger_error", "unsafe_button", "reviewer")

OUTCOMES = {
    "referred_social_care": "Referred to children's social care (front door)",
    "police": "Police contacted",
    "social_worker_informed": "Child's social worker or personal adviser informed",
    "advice_given": "Advice or support given, no referral needed",
    "no_concern": "Read by a person: no safeguarding concern",
    "not_identifiable": "Child could not be identified; concern recorded",
}

QUEUED = "queued"
SENT = "sent"
FAILED = "failed"  # still retried until MAIL_MAX_ATTEMPTS; shown to admins
GAVE_UP = "gave_up"


class Alert(Base):
    """Something a person must look at now."""

    __tablename__ = "safeguarding_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(24))
    severity: Mapped[str] = mapped_column(String(16), index=True)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=NEW, index=True)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id", ondelete="SET NULL"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    deadline_at: Mapped[datetime]
    escalated_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    action_at: Mapped[datetime | None]
    action_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # What staff wrote about the child is as sensitive as what the child wrote: encrypted too.
    action_note: Mapped[str | None] = mapped_column(EncryptedText)
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    outcome: Mapped[str | None] = mapped_column(String(32))
    close_note: Mapped[str | None] = mapped_column(EncryptedText)

    events: Mapped[list[AlertEvent]] = relationship(
        back_populates="alert", cascade="all, delete-orphan", order_by="AlertEvent.id"
    )
    response = relationship("Response")
    comment = relationship("Comment")


class AlertEvent(Base):
    """One step in an alert's life: raised, a status change, an escalation."""

    __tablename__ = "safeguarding_alert_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("safeguarding_alerts.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="transition")  # raised|transition|escalated

    alert: Mapped[Alert] = relationship(back_populates="events")


class Notification(Base):
    """An e-mail waiting to be sent, sent, or failing (the outbox)."""

    __tablename__ = "notification_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("safeguarding_alerts.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
