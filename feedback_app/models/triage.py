"""People's reviews of the tagger's output: confirmed or corrected themes, linked promises.

Every review is kept (a later review supersedes an earlier one, the history stays), and the
latest review of each comment is exported as labelled data for ``python -m nlp train``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.models.base import Base, utcnow

SENTIMENTS = ("positive", "negative", "mixed", "neutral")


class TagReview(Base):
    """One person's verdict on one comment's themes, sentiment, safeguarding flag and promises."""

    __tablename__ = "tag_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    sentiment: Mapped[str | None] = mapped_column(String(16))
    safeguarding: Mapped[bool] = mapped_column(default=False)
    promise_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    # What the tagger said at the time, so a correction is a labelled (before, after) pair.
    tagger_themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    tagger_sentiment: Mapped[str | None] = mapped_column(String(16))
    model_version: Mapped[str | None] = mapped_column(String(64))
    changed: Mapped[bool] = mapped_column(default=False)
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    comment = relationship("Comment")
