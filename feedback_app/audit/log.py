"""Writing and checking the audit log.

``record`` adds a row to the current database session; the caller's commit makes the row and
the change it describes durable together. Each row's hash covers its content and the previous
row's hash, so ``verify_chain`` notices a row edited or removed behind the application's back.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models.audit import AuditEntry

# What is audited; names are stable because admins filter on them.
SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_OUT = "sign_out"
SESSION_TIMED_OUT = "session_timed_out"
TWO_FACTOR_ENROLLED = "two_factor_enrolled"
VIEW_COMMENT_TEXT = "view_comment_text"
TAG_REVIEW = "tag_review"
ALERT_RAISED = "alert_raised"
ALERT_TRANSITION = "alert_transition"
ALERT_ESCALATED = "alert_escalated"
EXPORT = "export"
USER_CREATED = "user_created"
USER_CHANGED = "user_changed"
ACTION_CHANGED = "action_changed"
ADVOCATE_VISIT = "advocate_visit"


def _utc_naive(moment: datetime) -> datetime:
    # SQLite returns naive UTC, PostgreSQL aware: hash the same form either way.
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _content_hash(entry: AuditEntry) -> str:
    payload = json.dumps(
        [
            entry.prev_hash,
            _utc_naive(entry.at).isoformat(timespec="microseconds"),
            entry.actor_id,
            entry.actor_email,
            entry.actor_role,
            entry.action,
            entry.target_type,
            entry.target_id,
            entry.detail,
        ],
        sort_keys=True,
        ensure_ascii=True,
        default=str,
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def _actor() -> tuple[int | None, str, str]:
    from flask import g, has_request_context

    user = getattr(g, "staff_user", None) if has_request_context() else None
    if user is None:
        return None, "", "system" if not has_request_context() else "anonymous"
    return user.id, user.email, user.role


def record(
    action: str,
    *,
    target_type: str = "",
    target_id: object = "",
    detail: dict[str, Any] | None = None,
    actor: Any = None,
    commit: bool = False,
) -> AuditEntry:
    """Add one audit row for ``action`` by the signed-in person (or ``actor``); never any free text."""
    if actor is not None:
        actor_id, email, role = actor.id, actor.email, actor.role
    else:
        actor_id, email, role = _actor()
    previous = db.session.scalar(select(AuditEntry.row_hash).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(
        at=datetime.now(UTC),
        actor_id=actor_id,
        actor_email=email,
        actor_role=role,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        detail=detail or {},
        prev_hash=previous or "",
    )
    entry.row_hash = _content_hash(entry)
    db.session.add(entry)
    if commit:
        db.session.commit()
    return entry


def verify_chain() -> list[int]:
    """Ids of rows whose content no longer matches their hash or whose predecessor is missing."""
    broken = []
    seen = {""}
    for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        if _content_hash(entry) != entry.row_hash or entry.prev_hash not in seen:
            broken.append(entry.id)
        seen.add(entry.row_hash)
    return broken
