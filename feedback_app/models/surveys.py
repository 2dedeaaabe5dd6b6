"""Survey definitions as stored versions: a response keeps the version it answered (requirement 27)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from feedback_app.models.base import Base, utcnow


class SurveyVersion(Base):
    """An immutable snapshot of one version of a survey definition file."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("slug", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int]
    checksum: Mapped[str] = mapped_column(String(64))
    # Deferred: hot paths use the cached Survey built from it (see surveys.registry.survey_by_version_id).
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    # Only the newest open version takes new responses; older ones stay for the answers they hold.
    open: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
