"""Reading 903 CSV files into pandas, memory-lean enough for a national-size history.

Every cell is read as text into a categorical column: 903 columns repeat a few codes and a few
thousand dates, so categories keep 1.2 million episode rows in a few hundred megabytes and let
date parsing and hashing run once per distinct value instead of once per row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from feedback_app.placements.tables import recognise, spec_for

DATE_FORMAT = "%d/%m/%Y"
# Column names used internally for where a row came from.
FILE = "_file"
LINE = "_line"
ORDER = "_order"


@dataclass
class SourceFile:
    """One uploaded or named file: a display name and its bytes or path."""

    name: str
    source: str | Path | IO[bytes]


@dataclass
class ParsedFile:
    """A file after recognition: the table it is, and its rows when it is a table we load."""

    name: str
    table: str | None
    rows: int = 0
    frame: pd.DataFrame | None = field(default=None, repr=False)


def _open_text(source: str | Path | IO[bytes]) -> IO[str]:
    if isinstance(source, str | Path):
        return open(source, encoding="utf-8-sig", newline="")
    return io.TextIOWrapper(source, encoding="utf-8-sig", newline="")


def read_columns(source: str | Path | IO[bytes]) -> list[str]:
    """The header line of a CSV file, upper case and stripped."""
    if isinstance(source, str | Path):
        with open(source, encoding="utf-8-sig", newline="") as handle:
            first = next(csv.reader(handle), [])
    else:
        position = source.tell()
        first_line = source.readline().decode("utf-8-sig", errors="replace")
        source.seek(position)
        first = next(csv.reader([first_line]), [])
    return [c.strip().upper() for c in first]


def _clean_categorical(series: pd.Series) -> pd.Series:
    """Strip spaces and upper-case every distinct value once; blank becomes missing."""
    if not isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype("category")
    categories = series.cat.categories
    cleaned = pd.Index(categories.astype(str)).str.strip().str.upper()
    if cleaned.equals(pd.Index(categories)) and "" not in set(cleaned):
        return series
    mapping = {old: (new if new else np.nan) for old, new in zip(categories, cleaned, strict=True)}
    return series.map(mapping).astype("category")


def parse_file(source: SourceFile, file_index: int) -> ParsedFile:
    """Recognise ``source`` by its columns and, for a loaded table, read its rows.

    ``_line`` is the line number a spreadsheet shows (the column names are line 1), and
    ``_order`` orders rows across every file of a run: file position first, then line.
    """
    columns = read_columns(source.source)
    table = recognise(columns)
    spec = spec_for(table) if table else None
    if spec is None:
        return ParsedFile(source.name, table)
    wanted = [c for c in columns if c in spec.required | spec.optional]
    handle = _open_text(source.source)
    try:
        frame = pd.read_csv(
            handle,
            dtype="category",
            keep_default_na=False,
            na_values=[""],
            skipinitialspace=True,
        )
    finally:
        if isinstance(source.source, str | Path):
            handle.close()
        else:
            cast(io.TextIOWrapper, handle).detach()  # leave the caller's binary stream open
    frame.columns = [str(c).strip().upper() for c in frame.columns]
    frame = frame[wanted]
    for column in frame.columns:
        frame[column] = _clean_categorical(frame[column])
    for column in spec.optional - set(frame.columns):
        frame[column] = pd.Series(pd.Categorical([None] * len(frame)), index=frame.index)
    frame[FILE] = pd.Categorical([source.name] * len(frame))
    frame[LINE] = np.arange(2, len(frame) + 2, dtype=np.int64)
    frame[ORDER] = frame[LINE] + np.int64(file_index) * 10_000_000_000
    return ParsedFile(source.name, table, len(frame), frame)


def concat_frames(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Stack frames of one table, keeping categorical columns categorical (union of categories)."""
    frames = [f for f in frames if f is not None]
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    result = {}
    for column in frames[0].columns:
        parts = [f[column] for f in frames]
        if all(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
            # An all-blank column has float categories; text categories combine with the rest.
            parts = [_object_categories(p) for p in parts]
            result[column] = pd.Series(union_categoricals(parts, ignore_order=True))
        else:
            result[column] = pd.concat(parts, ignore_index=True)
    return pd.DataFrame(result)


def _object_categories(series: pd.Series) -> pd.Series:
    """The same values with object-dtype text categories, so any two files' columns combine."""
    categories = pd.Index([str(c) for c in series.cat.categories], dtype=object)
    return pd.Series(
        pd.Categorical.from_codes(series.cat.codes.to_numpy(), categories=categories), index=series.index
    )


def parse_dates(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """dd/mm/YYYY text to datetime64, parsed once per distinct value.

    Returns (dates, bad) where ``bad`` marks cells that are present but not such a date.
    """
    if not isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype("category")
    categories = pd.Index(series.cat.categories.astype(str))
    parsed = pd.to_datetime(categories, format=DATE_FORMAT, errors="coerce")
    codes = series.cat.codes.to_numpy()
    values = np.where(codes >= 0, parsed.to_numpy()[np.clip(codes, 0, None)] if len(parsed) else np.datetime64("NaT"),
                      np.datetime64("NaT"))
    dates = pd.Series(values.astype("datetime64[ns]"), index=series.index)
    bad = dates.isna() & series.notna()
    return dates, bad
