"""Corporate Parenting promises and free-text themes (loaded from taxonomy.yaml, editable later)."""

from __future__ import annotations

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from feedback_app.models.base import Base, TimestampMixin


class Promise(TimestampMixin, Base):
    """One of the council's promises; ``id`` is the taxonomy ID (P1..P9), a contract."""

    __tablename__ = "promises"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    label: Mapped[str] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Theme(TimestampMixin, Base):
    """A theme free text is tagged with, and the promises it is evidence about."""

    __tablename__ = "themes"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(Text)
    promise_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
