"""Responses, answers and free-text comments.

No IP address, user agent, date of birth or postcode is ever stored here (requirement 2). A
response is anonymous unless ``child_key`` is set, and that is only a keyed hash (see placements).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.models.base import Base, utcnow
from feedback_app.models.encrypted import EncryptedText

DRAFT = "draft"
SUBMITTED = "submitted"


class Response(Base):
    """One person's answers to one version of a survey."""

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # A random secret carried in each page's form, so an expired session can still find its draft.
    draft_token: Mapped[str] = mapped_column(String(48), unique=True)
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"), index=True)
    survey_slug: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default=DRAFT, index=True)
    channel: Mapped[str] = mapped_column(String(16), default="self")  # self | advocate | invite
    language: Mapped[str] = mapped_column(String(16))
    easy_read: Mapped[bool] = mapped_column(default=False)
    child_key: Mapped[str | None] = mapped_column(String(64), index=True)
    # HMAC of the "save and come back later" code; the code itself is shown once and never stored.
    resume_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    expires_at: Mapped[datetime | None]

    survey_version = relationship("SurveyVersion")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="Answer.id"
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="Comment.id"
    )

    @property
    def definition(self) -> dict[str, Any]:
        """The survey definition this response answered."""
        return self.survey_version.definition


class Answer(Base):
    """The answer to one question; free text lives in Comment, encrypted."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(64))
    # A list of option values (one for single choice); ["prefer_not"] for "I'd rather not say";
    # ["text"] when the answer is a comment.
    values: Mapped[list[str]] = mapped_column(JSON)
    promise_id: Mapped[str | None] = mapped_column(ForeignKey("promises.id"), index=True)
    # True/False when the answer says the promise is kept or not; None when it says neither
    # ("I'd rather not say", free text).
    kept: Mapped[bool | None]
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    response: Mapped[Response] = relationship(back_populates="answers")


class Comment(Base):
    """Free text a respondent wrote, encrypted at rest."""

    __tablename__ = "comments"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(64))
    promise_id: Mapped[str | None] = mapped_column(ForeignKey("promises.id"))
    text: Mapped[str] = mapped_column(EncryptedText)
    language: Mapped[str] = mapped_column(String(16))  # the page's language; the tagger adds a detected one
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    response: Mapped[Response] = relationship(back_populates="comments")
