"""What people add to the scorecard: targets and RAG thresholds, story notes, approved quotes.

Imported only from feedback_app.scorecard (not from models/__init__) until the lead adds the
Alembic revision for these tables. Staff ids are plain integers (no foreign key) so these tables
can be created whether or not the staff tables are registered yet.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from feedback_app.models.base import Base, TimestampMixin, utcnow
from feedback_app.models.encrypted import EncryptedText

PENDING = "pending"
APPROVED = "approved"
WITHDRAWN = "withdrawn"
QUOTE_STATUSES = (PENDING, APPROVED, WITHDRAWN)


class ScorecardTarget(TimestampMixin, Base):
    """An admin's target for a promise's kept share, and how far below it still counts as amber."""

    __tablename__ = "scorecard_targets"

    promise_id: Mapped[str] = mapped_column(ForeignKey("promises.id"), primary_key=True)
    target: Mapped[float]  # 0.0 to 1.0
    # Green at or above the target; amber within this many points below it; red further below.
    amber_margin: Mapped[float] = mapped_column(default=0.05)
    set_by: Mapped[int | None] = mapped_column()


class StoryNote(TimestampMixin, Base):
    """The "story behind the curve" for a promise in a quarter, written by staff for the Board.

    Staff write it about the service, not about a child; it is shown to board members as written.
    """

    __tablename__ = "scorecard_story_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    promise_id: Mapped[str] = mapped_column(ForeignKey("promises.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(6), index=True)  # e.g. 2024Q3
    text: Mapped[str] = mapped_column(Text)
    written_by: Mapped[int | None] = mapped_column()


class ApprovedQuote(Base):
    """A child's words chosen for the Board, with names, places and schools removed by a person.

    Only ``redacted_text`` ever reaches a board member, and only once ``status`` is approved
    (requirement 31). It is encrypted at rest like the comment it came from.
    """

    __tablename__ = "scorecard_quotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), unique=True)
    promise_id: Mapped[str | None] = mapped_column(ForeignKey("promises.id"), index=True)
    theme_id: Mapped[str | None] = mapped_column(String(40))
    redacted_text: Mapped[str] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    proposed_by: Mapped[int | None] = mapped_column()
    approved_by: Mapped[int | None] = mapped_column()
    approved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


SCORECARD_TABLES = [ScorecardTarget.__table__, StoryNote.__table__, ApprovedQuote.__table__]
