"""What the theme tagger said about each comment (written after the response commits)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.models.base import Base, utcnow

PENDING = "pending"
TAGGED = "tagged"
FAILED = "failed"


class CommentTags(Base):
    """The tagger's themes, sentiment and safeguarding flag for one comment, with the model version."""

    __tablename__ = "comment_tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(16))
    lang_detected: Mapped[bool] = mapped_column(default=False)
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sentiment: Mapped[str | None] = mapped_column(String(16))
    safeguarding: Mapped[bool] = mapped_column(default=False, index=True)
    safeguarding_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    model_version: Mapped[str | None] = mapped_column(String(64))
    tagged_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    comment = relationship("Comment")
