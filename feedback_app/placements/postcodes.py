"""The council's postcode lookup (an ONS Postcode Directory extract) for placement distances.

Accepted columns (case-insensitive): a postcode column (``pcds``, ``pcd``, ``pcd2`` or
``postcode``) and ``oseast1m``/``osnrth1m`` (the ONSPD names) or ``easting``/``northing``.
Rows without coordinates (terminated or non-geographic postcodes) are skipped. Importing
replaces the whole lookup.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, cast

import numpy as np
import pandas as pd
import sqlalchemy as sa

from feedback_app.extensions import db
from feedback_app.models.placements import PlacementPostcode
from feedback_app.placements import store

POSTCODE_COLUMNS = ("PCDS", "PCD", "PCD2", "POSTCODE")
EASTING_COLUMNS = ("OSEAST1M", "EASTING")
NORTHING_COLUMNS = ("OSNRTH1M", "NORTHING")


class PostcodeFileError(ValueError):
    """The file lacks a postcode, easting or northing column."""


def _pick(columns: list[str], names: tuple[str, ...], what: str) -> str:
    for name in names:
        if name in columns:
            return name
    raise PostcodeFileError(f"No {what} column: expected one of {', '.join(names)}")


def import_postcodes(source: str | Path | IO[bytes]) -> int:
    """Replace the lookup with the rows of ``source``; returns how many postcodes were stored."""
    frame = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [c.strip().upper() for c in frame.columns]
    columns = list(frame.columns)
    postcode = frame[_pick(columns, POSTCODE_COLUMNS, "postcode")].str.replace(" ", "", regex=False).str.upper()
    easting = pd.to_numeric(frame[_pick(columns, EASTING_COLUMNS, "easting")], errors="coerce")
    northing = pd.to_numeric(frame[_pick(columns, NORTHING_COLUMNS, "northing")], errors="coerce")
    keep = postcode.str.len().between(1, 8) & easting.notna() & northing.notna()
    table = pd.DataFrame({"postcode": postcode[keep], "easting": easting[keep], "northing": northing[keep]})
    table = table.drop_duplicates("postcode", keep="last")
    with db.engine.begin() as conn:
        conn.execute(sa.delete(cast(sa.Table, PlacementPostcode.__table__)))
        return store.insert_rows(
            conn,
            PlacementPostcode.__tablename__,
            ["postcode", "easting", "northing"],
            [table["postcode"].to_numpy(dtype=object),
             table["easting"].round().astype(np.int64).astype(object).to_numpy(),
             table["northing"].round().astype(np.int64).astype(object).to_numpy()],
        )
