"""The scorecard's inputs as DataFrames, read with one query per table.

Nothing here reads a child's words: comments come with their tags only. The computations in
this package take a ``ScorecardData`` so that the benchmark (and tests) can build one directly.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import sqlalchemy as sa

from feedback_app.scorecard.periods import Period

LOCAL_TZ = "Europe/London"
SQLITE_ID_WINDOW = 250_000  # response ids per answers query on SQLite: about 2 million answers of text
INT8_OID = 20  # PostgreSQL's type id for bigint, as binary COPY names an array's element type


@dataclass
class ScorecardData:
    """Everything the scorecard computes from, for one period.

    responses: index response_id; columns quarter, survey, cohort, language, channel, child_key
        (None when not linked).
    answers: response_id, promise_id, kept (bool): closed answers saying kept or not kept.
    comments: comment_id, response_id, promise_id, themes (list of ids), sentiment, created_at,
        triaged_at (first human review, or NaT).
    features: child_features(as_of) from the placements package, or an empty frame.
    theme_promises: theme id -> promise ids (taxonomy).
    promises: promise id -> label, in board order.
    """

    period: Period
    responses: pd.DataFrame
    answers: pd.DataFrame
    comments: pd.DataFrame
    features: pd.DataFrame
    theme_promises: dict[str, list[str]]
    promises: dict[str, str]
    surveys: dict[str, str] = field(default_factory=dict)  # slug -> cohort
    alerts: pd.DataFrame | None = None  # created_at, deadline_at, acknowledged_at
    actions: pd.DataFrame | None = None  # due_date, done, completed_on
    looked_after: int | None = None
    placement_measures: dict[str, Any] | None = None


def local_quarters(times: pd.Series) -> pd.Series:
    """UTC timestamps (naive or aware) to quarter labels in UK local time."""
    stamps = pd.to_datetime(times, utc=True).dt.tz_convert(LOCAL_TZ)
    return stamps.dt.tz_localize(None).dt.to_period("Q").astype(str)


def _utc_bounds(period: Period) -> tuple[datetime, datetime]:
    # A day either side of the local quarter bounds, for the small tables still trimmed in pandas.
    start = datetime.combine(period.start - timedelta(days=1), time.min)
    end = datetime.combine(period.end + timedelta(days=2), time.min)
    return start, end


def quarter_starts_utc(period: Period) -> list[datetime]:
    """The UTC instants at which each of the period's quarters starts in UK local time, and the
    instant the period ends: ``len(period.quarters) + 1`` bounds, as aware datetimes."""
    zone = ZoneInfo(LOCAL_TZ)
    days = [pd.Period(q, freq="Q").start_time.date() for q in period.quarters]
    days.append(period.end + timedelta(days=1))
    # Local midnight always exists and is unambiguous in the UK (clocks change at 01:00 and 02:00).
    return [datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC) for day in days]


def _table_columns(conn: sa.Connection, table: str) -> set[str]:
    inspector = sa.inspect(conn)
    if not inspector.has_table(table):
        return set()
    return {c["name"] for c in inspector.get_columns(table)}


class _Driver:
    """Plain SQL through the DBAPI connection under a SQLAlchemy connection.

    The scorecard reads a million responses and nine million answers at national scale: building
    a SQLAlchemy Row per answer, and then a DataFrame from Rows, cost minutes and gigabytes. Here
    PostgreSQL sends each result as CSV through COPY, parsed by pandas' C reader; SQLite's rows come
    in chunks of plain tuples.
    """

    CHUNK = 250_000

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"

    def stamp(self, moment: datetime) -> Any:
        """A UTC instant as a bound parameter comparable with stored DateTime(timezone=True)."""
        if self.postgres:
            return moment.astimezone(UTC)
        # SQLAlchemy stores SQLite datetimes as UTC text in this form, so text order is time order.
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def utc_text(self, column: str) -> str:
        """SQL for a DateTime(timezone=True) column as UTC text, the form SQLite stores."""
        if self.postgres:
            return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
        return column

    def _cursor(self) -> Any:
        return self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]

    def _copy_csv(self, sql: str, params: dict[str, Any], names: list[str], dtypes: dict[str, Any]) -> pd.DataFrame:
        """PostgreSQL: the result as CSV through COPY, parsed by pandas (empty text: NULL)."""
        buffer = io.BytesIO()
        with self._cursor() as cursor, cursor.copy(f"COPY ({_pyformat(sql)}) TO STDOUT (FORMAT csv)", params) as copy:
            for block in copy:
                buffer.write(block)
        if not buffer.tell():
            return pd.DataFrame(columns=names)
        buffer.seek(0)
        return pd.read_csv(buffer, header=None, names=names, dtype=dtypes, keep_default_na=False,
                           na_values={n: [""] for n in names})

    def frame(self, sql: str, params: dict[str, Any], kinds: dict[str, str]) -> pd.DataFrame:
        """Run ``sql`` (``:name`` parameters); one column per entry of ``kinds``, in order.

        kinds: "int" (never NULL), "text" (None for NULL), "category", "time" (UTC text to
        datetime64 UTC), "json" (JSON text to Python lists; None for NULL).
        """
        names = list(kinds)
        if self.postgres:
            dtypes = {n: "int64" if k == "int" else "category" if k == "category" else object for n, k in kinds.items()}
            raw = self._copy_csv(sql, params, names, dtypes)
        else:
            cursor = self._cursor()
            try:
                cursor.execute(sql, params)
                chunks = []
                while rows := cursor.fetchmany(self.CHUNK):
                    chunks.append(pd.DataFrame.from_records(rows, columns=names, coerce_float=False))
            finally:
                cursor.close()
            raw = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(columns=names)
        result = pd.DataFrame(index=pd.RangeIndex(len(raw)))
        for name, kind in kinds.items():
            column = raw[name]
            if kind == "int":
                result[name] = column.to_numpy(dtype=np.int64)
            elif kind == "category":
                result[name] = column.astype("category")
            elif kind == "time":
                result[name] = _utc_times(column.to_numpy(dtype=object))
            elif kind == "json":
                result[name] = _json_lists(column.to_numpy(dtype=object))
            else:
                values = column.to_numpy(dtype=object, copy=True)
                values[pd.isna(values)] = None
                result[name] = values
        return result

    def integers(self, sql: str, params: dict[str, Any]) -> np.ndarray:
        """A one-column integer result named ``v`` (never NULL) as an int64 array.

        Neither driver is fast at handing Python millions of one-integer rows (about 0.5 us a
        row on SQLite, 2 us through COPY): the database aggregates them into one value instead,
        a bigint[] on PostgreSQL and comma-separated text on SQLite. Callers keep each call to a
        few million rows on SQLite (the text is parsed in memory).
        """
        if self.postgres:
            return self._pg_integers(sql, params)
        cursor = self._cursor()
        try:
            text = cursor.execute(f"SELECT group_concat(v) FROM ({sql})", params).fetchone()[0]  # noqa: S608
        finally:
            cursor.close()
        return np.array(text.split(","), dtype=np.int64) if text else np.zeros(0, dtype=np.int64)

    def _pg_integers(self, sql: str, params: dict[str, Any]) -> np.ndarray:
        # COPY hands Python one message per row (about 2 us each: 20 s for nine million answers);
        # one bigint[] in binary COPY format is a single message that NumPy reads in place.
        # (A PostgreSQL array is limited to 1 GB: some 90 million values.)
        buffer = io.BytesIO()
        statement = f"COPY (SELECT array_agg(CAST(v AS BIGINT)) FROM ({_pyformat(sql)}) AS q(v)) TO STDOUT (FORMAT binary)"  # noqa: S608
        with self._cursor() as cursor, cursor.copy(statement, params) as copy:
            for block in copy:
                buffer.write(block)
        data = buffer.getvalue()
        if data[:11] != b"PGCOPY\n\xff\r\n\x00":
            raise ValueError("unexpected COPY BINARY header")
        offset = 19 + int.from_bytes(data[15:19], "big")  # signature, flags, header extension
        offset += 2  # the field count of the one row
        length = int.from_bytes(data[offset:offset + 4], "big", signed=True)
        offset += 4
        if length < 0:  # array_agg over no rows is NULL
            return np.zeros(0, dtype=np.int64)
        dimensions, has_nulls, element_type = np.frombuffer(data, ">i4", 3, offset)
        if dimensions == 0:
            return np.zeros(0, dtype=np.int64)
        if dimensions != 1 or has_nulls or element_type != INT8_OID:
            raise ValueError("unexpected array in COPY BINARY")
        count = int(np.frombuffer(data, ">i4", 1, offset + 12)[0])
        items = np.frombuffer(data, np.dtype([("length", ">i4"), ("value", ">i8")]), count, offset + 20)
        return items["value"].astype(np.int64)


def _pyformat(sql: str) -> str:
    # ``:name`` -> psycopg's ``%(name)s`` (the SQL here has no other colons or percent signs).
    return re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", sql)


def _utc_times(values: np.ndarray) -> pd.Series:
    """Stored datetimes (SQLite: UTC text; PostgreSQL: aware datetimes) as UTC timestamps."""
    if not len(values):
        return pd.Series(pd.to_datetime([], utc=True))
    return pd.Series(pd.to_datetime(values, utc=True, format="ISO8601"))


def _in_period_sql(alias: str) -> str:
    return f"{alias}.status = :status AND {alias}.submitted_at >= :start AND {alias}.submitted_at < :end"


def _quarter_sql(alias: str, bounds: int) -> str:
    # Quarter number from the UTC instants at which local quarters start: the same as converting
    # each timestamp to UK time in pandas, but done by the database and exact to the microsecond.
    cases = " ".join(f"WHEN {alias}.submitted_at < :q{k} THEN {k - 1}" for k in range(1, bounds))
    return f"CASE {cases} ELSE -1 END"


def load_scorecard_data(period: Period, conn: sa.Connection | None = None, with_features: bool = True) -> ScorecardData:
    """Read the period's responses, answers, comment tags and service records from the database.

    One query per table, only the columns the scorecard uses, the period (in UK local quarters)
    filtered by the database, read through the driver's cursor into NumPy arrays.
    """
    from feedback_app.extensions import db

    if conn is None:
        with db.engine.connect() as own:
            return load_scorecard_data(period, own, with_features)
    from feedback_app.models import Promise, SurveyVersion, Theme
    from feedback_app.models.responses import SUBMITTED

    driver = _Driver(conn)
    bounds = quarter_starts_utc(period)
    params: dict[str, Any] = {"status": SUBMITTED, "start": driver.stamp(bounds[0]), "end": driver.stamp(bounds[-1])}
    params.update({f"q{k}": driver.stamp(moment) for k, moment in enumerate(bounds)})
    start, _end = _utc_bounds(period)

    versions = conn.execute(sa.select(SurveyVersion.id, SurveyVersion.slug, SurveyVersion.definition)).all()
    audience = {row.id: str((row.definition or {}).get("audience", "unknown")) for row in versions}
    surveys = {row.slug: audience[row.id] for row in versions}

    responses = driver.frame(
        f"SELECT r.id, {_quarter_sql('r', len(bounds))}, r.survey_version_id, r.survey_slug, r.language, r.channel, "  # noqa: S608 - fixed SQL, values bound
        f"r.child_key FROM responses r WHERE {_in_period_sql('r')}",
        params, {"response_id": "int", "quarter": "int", "version_id": "int", "survey": "category",
                 "language": "category", "channel": "category", "child_key": "text"},
    )
    responses["quarter"] = pd.Categorical.from_codes(responses["quarter"].to_numpy(), categories=period.quarters)
    responses["cohort"] = responses["version_id"].map(audience).fillna("unknown").astype("category")
    responses = responses.set_index("response_id")[["quarter", "survey", "cohort", "language", "channel", "child_key"]]

    promises = {row.id: row.label for row in conn.execute(
        sa.select(Promise.id, Promise.label).where(Promise.active.is_(True)).order_by(Promise.sort_order, Promise.id))}
    answers = _load_answers(driver, list(promises), responses.index)

    comments = driver.frame(
        f"SELECT c.id, c.response_id, c.promise_id, {driver.utc_text('c.created_at')}, t.themes, t.sentiment "  # noqa: S608 - fixed SQL, values bound
        f"FROM comments c JOIN responses r ON r.id = c.response_id LEFT OUTER JOIN comment_tags t ON t.comment_id = c.id "
        f"WHERE {_in_period_sql('r')}",
        params, {"comment_id": "int", "response_id": "int", "promise_id": "text", "created_at": "time",
                 "themes": "json", "sentiment": "text"},
    )
    comments = _apply_reviews(conn, driver, comments, params)

    theme_promises = {row.id: list(row.promise_ids or []) for row in conn.execute(sa.select(Theme.id, Theme.promise_ids))}

    data = ScorecardData(
        period=period, responses=responses, answers=answers, comments=comments,
        features=pd.DataFrame(), theme_promises=theme_promises, promises=promises, surveys=surveys,
    )
    data.alerts = _load_alerts(conn, start, _end)
    data.actions = _load_actions(conn, period)
    if with_features:
        _attach_placements(data, conn)
    return data


def _load_answers(driver: _Driver, promises: list[str], response_ids: pd.Index) -> pd.DataFrame:
    """Answers saying a promise is kept or not, to the responses already read.

    Each row comes back as one integer, response_id * stride + promise code * 2 + kept, so a
    national year (about nine million answers) crosses the driver as one column of integers.
    The database reads the answers in the range of those responses' ids, with no join (the join
    with a million responses was most of the database's time), and NumPy keeps the answers to
    responses in the period. Answers about a promise that is not active are not counted, so
    they are not read.
    """
    empty = pd.DataFrame({"response_id": np.zeros(0, dtype=np.int64),
                          "promise_id": pd.Categorical([], categories=promises), "kept": np.zeros(0, dtype=bool)})
    if not promises or not len(response_ids):
        return empty
    from feedback_app.scorecard.better_off import positions_of

    stride = 2 * len(promises)
    codes = " ".join(f"WHEN :p{k} THEN {2 * k}" for k in range(len(promises)))
    chosen = ", ".join(f":p{k}" for k in range(len(promises)))
    # SQLite: "+" keeps the planner off the promise index (nine range scans then a random read
    # per answer took twice as long as the range of response ids).
    promise_column = "a.promise_id" if driver.postgres else "+a.promise_id"
    sql = (
        f"SELECT CAST(a.response_id AS BIGINT) * {stride} + CASE a.promise_id {codes} END "  # noqa: S608 - fixed SQL, values bound
        f"+ CASE WHEN a.kept THEN 1 ELSE 0 END AS v FROM answers a "
        f"WHERE a.response_id >= :low AND a.response_id <= :high AND {promise_column} IN ({chosen}) AND a.kept IS NOT NULL"
    )
    promise_params = {f"p{k}": promise for k, promise in enumerate(promises)}
    low, high = int(response_ids.min()), int(response_ids.max())
    window = high - low + 1 if driver.postgres else SQLITE_ID_WINDOW
    values = np.concatenate([
        driver.integers(sql, {"low": start, "high": min(start + window - 1, high), **promise_params})
        for start in range(low, high + 1, window)
    ])
    response_id = values // stride
    values = values[positions_of(response_ids, response_id) >= 0]
    remainder = values % stride
    return pd.DataFrame({
        "response_id": values // stride,
        "promise_id": pd.Categorical.from_codes(remainder // 2, categories=promises),
        "kept": (remainder % 2).astype(bool),
    })


def _json_lists(values: np.ndarray) -> np.ndarray:
    """JSON list text as Python lists (NULL stays None), each distinct text decoded once."""
    result = np.empty(len(values), dtype=object)
    if not len(values):
        return result
    present = ~pd.isna(values)
    inverse, distinct = pd.factorize(values[present])
    decoded = np.empty(len(distinct), dtype=object)
    decoded[:] = [_json_list(text) for text in distinct]
    # Every row gets its own list: callers may change one comment's themes without touching others.
    result[present] = [list(decoded[i]) for i in inverse]
    result[~present] = None
    return result


def _apply_reviews(conn: sa.Connection, driver: _Driver, comments: pd.DataFrame, params: dict[str, Any]) -> pd.DataFrame:
    """A person's latest review replaces the tagger's themes; the first review is the triage time."""
    comments["triaged_at"] = pd.Series(pd.NaT, index=comments.index, dtype="datetime64[ns, UTC]")
    columns = _table_columns(conn, "tag_reviews")
    if not columns or comments.empty:
        return comments
    reviews = driver.frame(
        f"SELECT v.comment_id, v.themes, v.sentiment, {driver.utc_text('v.reviewed_at')} FROM tag_reviews v "  # noqa: S608 - fixed SQL, values bound
        f"JOIN comments c ON c.id = v.comment_id JOIN responses r ON r.id = c.response_id "
        f"WHERE {_in_period_sql('r')} ORDER BY v.reviewed_at, v.id",
        params, {"comment_id": "int", "themes": "json", "sentiment": "text", "reviewed_at": "time"},
    )
    if reviews.empty:
        return comments
    first = reviews.groupby("comment_id")["reviewed_at"].min()
    latest = reviews.groupby("comment_id").last()
    comments = comments.set_index("comment_id")
    comments["triaged_at"] = first.reindex(comments.index)
    has_review = comments.index.isin(latest.index)
    comments.loc[has_review, "themes"] = latest.loc[comments.index[has_review], "themes"].to_numpy()
    comments.loc[has_review, "sentiment"] = latest.loc[comments.index[has_review], "sentiment"].to_numpy()
    return comments.reset_index()


def _json_list(value: Any) -> list[str]:
    if isinstance(value, str):
        import json

        value = json.loads(value)
    return list(value or [])


def _load_alerts(conn: sa.Connection, start: datetime, end: datetime) -> pd.DataFrame | None:
    if not {"created_at", "deadline_at", "acknowledged_at"} <= _table_columns(conn, "safeguarding_alerts"):
        return None
    return pd.DataFrame(
        conn.execute(
            sa.text("SELECT created_at, deadline_at, acknowledged_at FROM safeguarding_alerts "
                    "WHERE created_at >= :start AND created_at < :end"),
            {"start": start, "end": end},
        ).all(),
        columns=["created_at", "deadline_at", "acknowledged_at"],
    )


def _load_actions(conn: sa.Connection, period: Period) -> pd.DataFrame | None:
    columns = _table_columns(conn, "actions")
    if not {"due_date", "status"} <= columns:
        return None
    # Prefer an explicit completion date when the actions table has one; else the last edit.
    completed = "completed_at" if "completed_at" in columns else "updated_at"
    return pd.DataFrame(
        conn.execute(
            sa.text(f"SELECT due_date, status, {completed} FROM actions "  # noqa: S608 - column name from the schema
                    "WHERE due_date >= :start AND due_date <= :end"),
            {"start": period.start, "end": period.end},
        ).all(),
        columns=["due_date", "status", "completed_at"],
    )


def _attach_placements(data: ScorecardData, conn: sa.Connection) -> None:
    """Per-child features at the period's end and the placement measures for the year ending 31 March."""
    if not _table_columns(conn, "placement_episodes"):
        return
    try:
        from feedback_app.placements.features import child_features
        from feedback_app.placements.measures import compute_measures
    except ImportError:  # the placements package is not installed in this build
        return
    data.features = child_features(data.period.end)
    year_ending = measures_year_ending(data.period.end)
    data.placement_measures = compute_measures(year_ending, conn)
    data.looked_after = int(data.placement_measures.get("looked_after") or 0)


def measures_year_ending(day: date) -> date:
    """The last 31 March on or before ``day``: the latest complete placement year in the period."""
    this_year = date(day.year, 3, 31)
    return this_year if day >= this_year else date(day.year - 1, 3, 31)
