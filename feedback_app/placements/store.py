"""Bulk reads and writes of the placement tables, fast on SQLite and PostgreSQL.

Writes use one multi-row statement per chunk (SQLite) or COPY (PostgreSQL); reads fetch a whole
table in one query, dates as day numbers, straight into pandas. No per-row ORM objects: the
national-size history is 1.2 million episodes.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

CHUNK = 50_000


def is_postgres(conn: sa.Connection) -> bool:
    """True on PostgreSQL (COPY available)."""
    return conn.dialect.name == "postgresql"


def days_sql(conn: sa.Connection, column: str) -> str:
    """SQL for a date column as whole days since 1970-01-01, so pandas converts it in one step."""
    if is_postgres(conn):
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def date_literal(value: date) -> str:
    """A date literal both databases compare correctly with a DATE column (ISO text)."""
    return f"'{value.isoformat()}'"


def column_values(series: pd.Series) -> np.ndarray:
    """A column as an object array with None for missing values (what DB drivers expect)."""
    values = series.astype(object).to_numpy()
    missing = pd.isna(series).to_numpy()
    if missing.any():
        values = values.copy()
        values[missing] = None
    return values


def iso_dates(dates: pd.Series) -> np.ndarray:
    """datetime64 column to ISO text (None when missing), formatted once per distinct date."""
    as_days = dates.to_numpy(dtype="datetime64[D]")
    unique, inverse = np.unique(as_days, return_inverse=True)
    text = np.array([None if np.isnat(d) else str(d) for d in unique], dtype=object)
    return text[inverse.reshape(-1)] if len(unique) else np.array([], dtype=object)


def insert_rows(conn: sa.Connection, table: str, columns: Sequence[str], arrays: Sequence[np.ndarray]) -> int:
    """Insert column arrays into ``table``; returns the number of rows written."""
    count = len(arrays[0]) if arrays else 0
    if count == 0:
        return 0
    names = ", ".join(columns)
    if is_postgres(conn):
        raw = conn.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[union-attr]
            for start in range(0, count, CHUNK):
                for row in zip(*(a[start:start + CHUNK] for a in arrays), strict=True):
                    copy.write_row(row)
        return count
    marks = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - names are ours
    for start in range(0, count, CHUNK):
        conn.exec_driver_sql(statement, list(zip(*(a[start:start + CHUNK] for a in arrays), strict=True)))
    return count


KEYS_TABLE = "placement_wanted_keys"


def load_keys(conn: sa.Connection, keys: Sequence[str], since: Sequence[str | None] | None = None) -> Callable[[str], str]:
    """Put ``keys`` in a temporary table of this connection, for reads limited to those children.

    Returns a function giving the JOIN clause for a table alias. A join uses the tables' child_key
    indexes, where an IN list of tens of thousands of keys would need chunking on SQLite.
    ``since`` (ISO dates or None, one per key) is stored beside each key for ``episodes_since``.
    """
    date_type = "date" if is_postgres(conn) else "TEXT"
    key_type = "varchar(64)" if is_postgres(conn) else "TEXT"
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {KEYS_TABLE} (child_key {key_type} PRIMARY KEY, since {date_type})"
    )
    conn.exec_driver_sql(f"DELETE FROM {KEYS_TABLE}")  # noqa: S608 - our own table
    key_values = np.asarray(list(keys), dtype=object)
    since_values = np.asarray(list(since), dtype=object) if since is not None else np.full(len(key_values), None)
    insert_rows(conn, KEYS_TABLE, ["child_key", "since"], [key_values, since_values])
    return lambda alias: f"JOIN {KEYS_TABLE} wanted ON wanted.child_key = {alias}.child_key"


def episodes_since(alias: str) -> str:
    """SQL condition: the episode can touch a run's episodes of its child (after ``load_keys``).

    An episode that ended before the child's earliest incoming DECOM can neither overlap nor be
    replaced by them (stored episodes never overlap one another: every run is checked against
    them), so re-importing one year does not read each child's whole history.
    """
    return (
        f"(wanted.since IS NULL OR {alias}.dec IS NULL OR {alias}.dec >= wanted.since"
        f" OR {alias}.decom >= wanted.since)"
    )


def delete_where_in(conn: sa.Connection, table: str, column: str, values: Sequence[Any]) -> None:
    """DELETE rows whose ``column`` is in ``values``, in chunks that fit every driver's limit."""
    table_obj = sa.table(table, sa.column(column))
    step = 5_000
    for start in range(0, len(values), step):
        chunk = list(values[start:start + step])
        conn.execute(sa.delete(table_obj).where(table_obj.c[column].in_(chunk)))


def read_frame(conn: sa.Connection, sql: str, columns: Sequence[str], categorical: Sequence[str] = ()) -> pd.DataFrame:
    """Run ``sql`` and return its rows as a DataFrame (one query; COPY on PostgreSQL).

    Columns named in ``categorical`` come back as pandas categories (codes, keys, postcodes).
    """
    if is_postgres(conn):
        raw = conn.connection.driver_connection
        buffer = io.BytesIO()
        with raw.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:  # type: ignore[union-attr]
            for block in copy:
                buffer.write(block)
        buffer.seek(0)
        if buffer.getbuffer().nbytes == 0:
            return _typed(pd.DataFrame({c: [] for c in columns}), categorical)
        dtypes = {c: "category" for c in categorical}
        frame = pd.read_csv(buffer, header=None, names=list(columns), dtype=dtypes, keep_default_na=False, na_values=[""])
        return _typed(frame, categorical)
    # The driver's own cursor: plain tuples, without SQLAlchemy's Row objects (1M rows).
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if not rows:
        return _typed(pd.DataFrame({c: [] for c in columns}), categorical)
    # One 2-D object array built in compiled code: 3x faster than from_records, 4x than zip(*rows).
    table = np.array(rows, dtype=object)
    del rows
    data: dict[str, Any] = {}
    for position, name in enumerate(columns):
        values = table[:, position]
        if name in categorical:
            # factorize without sorting the categories: a sort of a million keys costs seconds.
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
            data[name] = pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object), validate=False)
        else:
            data[name] = values
    frame = pd.DataFrame(data).infer_objects()
    return _typed(frame, categorical)


def _typed(frame: pd.DataFrame, categorical: Sequence[str]) -> pd.DataFrame:
    for column in categorical:
        if not isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype("category")
    return frame


def days_to_dates(series: pd.Series) -> pd.Series:
    """Day numbers since 1970-01-01 (None when missing) to datetime64."""
    numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64")
    result = np.full(len(numbers), np.datetime64("NaT"), dtype="datetime64[ns]")
    present = ~np.isnan(numbers)
    result[present] = numbers[present].astype("int64").astype("datetime64[D]").astype("datetime64[ns]")
    return pd.Series(result, index=series.index)
