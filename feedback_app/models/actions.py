""""You said, we did": what the council changed because of what children said.

Action text is written by staff for children to read and must hold no personal data; the public
page shows ``ActionText`` in the reader's language, falling back to English.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.models.base import Base, TimestampMixin, utcnow

PLANNED = "planned"
IN_PROGRESS = "in_progress"
DONE = "done"
ACTION_STATUSES = (PLANNED, IN_PROGRESS, DONE)


class Action(TimestampMixin, Base):
    """Something the council will do or did, linked to promises and themes."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(120))  # a team or job title, not a child
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default=PLANNED, index=True)
    promise_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    theme_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    published: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    texts: Mapped[list[ActionText]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionText.lang"
    )

    def text_for(self, lang: str) -> ActionText | None:
        """The wording in ``lang``, else English, else any."""
        by_lang = {t.lang: t for t in self.texts}
        return by_lang.get(lang) or by_lang.get("en") or next(iter(by_lang.values()), None)


class ActionText(Base):
    """What children said and what changed, in one language."""

    __tablename__ = "action_texts"
    __table_args__ = (UniqueConstraint("action_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(16))
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    action: Mapped[Action] = relationship(back_populates="texts")
