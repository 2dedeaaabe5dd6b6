"""Server-side staff sessions (requirement 11).

The browser's signed session cookie holds only a random token (through Flask-Login); the
``staff_sessions`` row it names says who is signed in, whether the second factor was given, and
when the session was last used. Signing out ends the row, so a copied or replayed cookie is
refused afterwards. Idle and absolute time-outs are checked on every request.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app, g
from sqlalchemy import select, update

from feedback_app.extensions import db
from feedback_app.models.staff import StaffSession, StaffUser

# Writing last_seen_at on every click would be a write per request; a minute is precise enough.
_TOUCH_EVERY = timedelta(seconds=60)


def _now() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes for UTC columns; make them aware."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def idle_timeout() -> timedelta:
    return timedelta(minutes=int(current_app.config.get("STAFF_IDLE_TIMEOUT_MINUTES", 30)))


def absolute_timeout() -> timedelta:
    return timedelta(hours=float(current_app.config.get("STAFF_ABSOLUTE_TIMEOUT_HOURS", 8)))


def start_session(user: StaffUser) -> str:
    """Create a session row for ``user`` (second factor still to come); return the cookie token."""
    token = secrets.token_urlsafe(32)
    db.session.add(StaffSession(token_hash=token_hash(token), user_id=user.id, second_factor_done=False))
    db.session.commit()
    user.session_token = token  # type: ignore[assignment]
    return token


def end_session(token: str | None, reason: str) -> None:
    """End the session named by ``token`` (sign-out, time-out, account change)."""
    if not token:
        return
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.token_hash == token_hash(token), StaffSession.ended_at.is_(None))
        .values(ended_at=_now(), end_reason=reason)
    )
    db.session.commit()


def end_all_sessions(user_id: int, reason: str) -> None:
    """End every open session of a person (deactivated, second factor reset, password changed)."""
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user_id, StaffSession.ended_at.is_(None))
        .values(ended_at=_now(), end_reason=reason)
    )
    db.session.commit()


def load_session(token: str) -> StaffUser | None:
    """The signed-in person for ``token``, or None if the session ended, timed out or is unknown.

    Sets ``g.staff_session`` and ``g.staff_user``; ``g.staff_timed_out`` says why a session just
    ended so the sign-in page can explain.
    """
    row = db.session.scalar(select(StaffSession).filter_by(token_hash=token_hash(token)))
    if row is None or row.ended_at is not None:
        return None
    user = row.user
    now = _now()
    created, seen = aware(row.created_at), aware(row.last_seen_at)
    reason = None
    if not user.active:
        reason = "deactivated"
    elif created is not None and now - created > absolute_timeout():
        reason = "absolute_timeout"
    elif seen is not None and now - seen > idle_timeout():
        reason = "idle_timeout"
    if reason is not None:
        row.ended_at, row.end_reason = now, reason
        from feedback_app.audit.log import SESSION_TIMED_OUT, record

        record(SESSION_TIMED_OUT, target_type="staff_session", target_id=row.id, detail={"reason": reason}, actor=user)
        db.session.commit()
        g.staff_timed_out = reason
        return None
    if seen is None or now - seen > _TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    user.session_token = token  # type: ignore[assignment]
    g.staff_session = row
    g.staff_user = user
    return user


def second_factor_done() -> bool:
    row = getattr(g, "staff_session", None)
    return bool(row is not None and row.second_factor_done)


def mark_second_factor_done() -> None:
    row: StaffSession = g.staff_session
    row.second_factor_done = True
    row.last_seen_at = _now()
    db.session.commit()
