"""Placement history imported from the council's SSDA903 return (see feedback_app.placements).

A child is stored only under ``child_key``, a keyed hash (HMAC-SHA256) of the 903 CHILD id, so
these tables join to responses without holding the id the council's case system uses. Names,
UPNs and the mother fields of the Header are not stored: no measure needs them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from feedback_app.models.base import Base, utcnow
from feedback_app.models.encrypted import EncryptedText


class PlacementImport(Base):
    """One run of the importer: which files, how many rows, and the validation report."""

    __tablename__ = "placement_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # loaded | loaded_with_skips | rejected
    status: Mapped[str] = mapped_column(String(24))
    skip_invalid: Mapped[bool] = mapped_column(default=False)
    # [{"name": ..., "table": ..., "rows": N}] in the order given
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    rows_read: Mapped[int] = mapped_column(default=0)
    rows_loaded: Mapped[int] = mapped_column(default=0)
    rows_invalid: Mapped[int] = mapped_column(default=0)
    # Issues: [{"file", "table", "row", "child", "column", "value", "problem"}]; the raw CHILD
    # id is kept here because a data officer must find the row in the case system to fix it.
    report: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class PlacementChild(Base):
    """A child from the 903 Header, under the keyed hash of their CHILD id."""

    __tablename__ = "placement_children"

    child_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    sex: Mapped[str | None] = mapped_column(String(1))
    dob: Mapped[date | None] = mapped_column(Date)
    ethnic: Mapped[str | None] = mapped_column(String(4))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("placement_imports.id", ondelete="SET NULL"))


class PlacementEpisode(Base):
    """One 903 episode; a later import of the same child and DECOM replaces it."""

    __tablename__ = "placement_episodes"
    __table_args__ = (UniqueConstraint("child_key", "decom", name="uq_placement_episodes_child_decom"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_key: Mapped[str] = mapped_column(String(64))
    decom: Mapped[date] = mapped_column(Date)
    rne: Mapped[str] = mapped_column(String(1))
    ls: Mapped[str] = mapped_column(String(2))
    cin: Mapped[str] = mapped_column(String(2))
    place: Mapped[str] = mapped_column(String(2))
    place_provider: Mapped[str | None] = mapped_column(String(3))
    dec: Mapped[date | None] = mapped_column(Date)
    rec: Mapped[str | None] = mapped_column(String(3))
    reason_place_change: Mapped[str | None] = mapped_column(String(6))
    home_post: Mapped[str | None] = mapped_column(String(10))
    pl_post: Mapped[str | None] = mapped_column(String(10))
    urn: Mapped[str | None] = mapped_column(String(16))
    # Order within the files of the run that stored it: breaks DECOM ties, as the design asks.
    seq: Mapped[int] = mapped_column(default=0)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("placement_imports.id", ondelete="SET NULL"))


class PlacementCareLeaver(Base):
    """One OC3 row (a care leaver's situation around their birthday) for a collection year."""

    __tablename__ = "placement_care_leavers"
    __table_args__ = (UniqueConstraint("child_key", "year_ending", name="uq_placement_care_leavers_child_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_key: Mapped[str] = mapped_column(String(64), index=True)
    # 31 March that ends the collection year the OC3 file belongs to (OC3 rows carry no date).
    year_ending: Mapped[date] = mapped_column(Date)
    dob: Mapped[date | None] = mapped_column(Date)
    in_touch: Mapped[str | None] = mapped_column(String(4))
    activ: Mapped[str | None] = mapped_column(String(2))
    accom: Mapped[str | None] = mapped_column(String(2))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("placement_imports.id", ondelete="SET NULL"))


class PlacementUasc(Base):
    """A child recorded as an unaccompanied asylum-seeking child (903 UASC table)."""

    __tablename__ = "placement_uasc"

    child_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    dob: Mapped[date | None] = mapped_column(Date)
    duc: Mapped[date | None] = mapped_column(Date)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("placement_imports.id", ondelete="SET NULL"))


class PlacementPostcode(Base):
    """The council's postcode lookup (ONS Postcode Directory extract): centroid in metres."""

    __tablename__ = "placement_postcodes"

    # Upper case without spaces, so "LS1 1UR" and "ls11ur" find the same centroid.
    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)
    easting: Mapped[int]
    northing: Mapped[int]


class PlacementInvitation(Base):
    """A personal invitation link for one child; responses through it link by ``child_key``."""

    __tablename__ = "placement_invitations"
    __table_args__ = (Index("ix_placement_invitations_batch", "batch"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch: Mapped[str] = mapped_column(String(32))
    token: Mapped[str] = mapped_column(String(43), unique=True)
    child_key: Mapped[str] = mapped_column(String(64), index=True)
    # The CHILD id, encrypted, so that staff can print the batch again with each child's id beside
    # the link; it is never copied to a response.
    child_ref: Mapped[str] = mapped_column(EncryptedText)
    survey_slug: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]

