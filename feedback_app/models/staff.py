"""Staff accounts, their server-side sign-in sessions, and advocates' visits with a child.

Passwords are Argon2id hashes; the TOTP secret is encrypted at rest like children's text. A
sign-in session lives in ``staff_sessions``: the browser holds only a random token whose hash is
stored here, so ending the row ends the session even if the cookie is replayed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.models.base import Base, TimestampMixin, utcnow
from feedback_app.models.encrypted import EncryptedText

ADVOCATE = "advocate"
PARTICIPATION_OFFICER = "participation_officer"
SAFEGUARDING_LEAD = "safeguarding_lead"
BOARD_MEMBER = "board_member"
ADMIN = "admin"
ROLES = (ADVOCATE, PARTICIPATION_OFFICER, SAFEGUARDING_LEAD, BOARD_MEMBER, ADMIN)
ROLE_LABELS = {
    ADVOCATE: "Advocate",
    PARTICIPATION_OFFICER: "Participation officer",
    SAFEGUARDING_LEAD: "Safeguarding lead",
    BOARD_MEMBER: "Corporate Parenting Board member",
    ADMIN: "Administrator",
}


class StaffUser(TimestampMixin, Base):
    """A member of staff who signs in. One role each; a person with two jobs has two accounts."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(32), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText)
    totp_confirmed: Mapped[bool] = mapped_column(default=False)
    # The last TOTP time step accepted: a code is single use (requirement 10).
    totp_last_step: Mapped[int] = mapped_column(default=0)
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_sign_in_at: Mapped[datetime | None]

    # Flask-Login protocol. ``session_token`` is set for the request by the session loader.
    session_token = None  # set per request by the session loader; not a column

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        """Flask-Login stores this in the cookie: the session token, never the user id."""
        return self.session_token

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


class StaffSession(Base):
    """One sign-in, from password to sign-out or time-out."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    # False until the second factor is given: such a session reaches only the TOTP pages.
    second_factor_done: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(32))

    user: Mapped[StaffUser] = relationship()


class AdvocateVisit(Base):
    """An advocate filling a survey with or for a child: consent and whose words they are."""

    __tablename__ = "advocate_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), unique=True)
    advocate_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    child_consented: Mapped[bool] = mapped_column(default=False)
    # "own": the child's own words; "with": written together; "for": the advocate's account for the child.
    words: Mapped[str] = mapped_column(String(16))
    linked_to_child: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    response = relationship("Response")
    advocate: Mapped[StaffUser] = relationship()
