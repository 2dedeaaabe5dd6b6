"""The scorecard's inputs as DataFrames, read with one query per table.

Nothing here reads a child's words: comments come with their tags only. The computations in
this package take a ``ScorecardData`` so that the benchmark (and tests) can build one directly.
"""

from __future__ import annotations

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
    """Plain SQL through the DBAPI cursor of a SQLAlchemy connection.

    The scorecard reads a million responses and nine million answers at national scale: building
    a SQLAlchemy Row per answer, and then a DataFrame from Rows, cost minutes and gigabytes. Here
    rows come from the driver in chunks and go straight into NumPy arrays.
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

    def columns(self, sql: str, params: dict[str, Any], kinds: list[str]) -> list[np.ndarray]:
        """Run ``sql`` (``:name`` parameters) and return one array per column.

        kinds: "int" (no NULLs), "bool", or "object".
        """
        if self.postgres:
            sql = re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", sql)
        cursor = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, params)
            parts: list[list[np.ndarray]] = [[] for _ in kinds]
            while rows := cursor.fetchmany(self.CHUNK):
                for k, (kind, values) in enumerate(zip(kinds, zip(*rows, strict=True), strict=True)):
                    parts[k].append(_array(values, kind))
        finally:
            cursor.close()
        return [np.concatenate(p) if p else _array((), kind) for p, kind in zip(parts, kinds, strict=True)]


def _array(values: Any, kind: str) -> np.ndarray:
    if kind == "int":
        return np.fromiter(values, dtype=np.int64, count=len(values))
    if kind == "bool":
        return np.fromiter(values, dtype=bool, count=len(values))
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _categorical(values: np.ndarray, categories: list[str] | None = None) -> pd.Categorical:
    return pd.Categorical(values, categories=categories) if categories is not None else pd.Categorical(values)


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

    response_id, quarter, version_id, slug, language, channel, child_key = driver.columns(
        f"SELECT r.id, {_quarter_sql('r', len(bounds))}, r.survey_version_id, r.survey_slug, r.language, r.channel, "  # noqa: S608 - fixed SQL, values bound
        f"r.child_key FROM responses r WHERE {_in_period_sql('r')}",
        params, ["int", "int", "int", "object", "object", "object", "object"],
    )
    cohort = pd.Series(version_id).map(audience).fillna("unknown").to_numpy(dtype=object)
    responses = pd.DataFrame({
        "quarter": pd.Categorical.from_codes(quarter, categories=period.quarters),
        "survey": _categorical(slug),
        "cohort": _categorical(cohort),
        "language": _categorical(language),
        "channel": _categorical(channel),
        "child_key": child_key,
    }, index=pd.Index(response_id, name="response_id"))

    promises = {row.id: row.label for row in conn.execute(
        sa.select(Promise.id, Promise.label).where(Promise.active.is_(True)).order_by(Promise.sort_order, Promise.id))}
    answer_response, answer_promise, kept = driver.columns(
        f"SELECT a.response_id, a.promise_id, a.kept FROM answers a JOIN responses r ON r.id = a.response_id "  # noqa: S608 - fixed SQL, values bound
        f"WHERE {_in_period_sql('r')} AND a.promise_id IS NOT NULL AND a.kept IS NOT NULL",
        params, ["int", "object", "bool"],
    )
    known = list(promises) + sorted(set(pd.unique(answer_promise)) - set(promises)) if len(answer_promise) else list(promises)
    answers = pd.DataFrame({
        "response_id": answer_response,
        "promise_id": _categorical(answer_promise, known),
        "kept": kept,
    })

    comment_id, comment_response, comment_promise, created_at, themes, sentiment = driver.columns(
        f"SELECT c.id, c.response_id, c.promise_id, c.created_at, t.themes, t.sentiment FROM comments c "  # noqa: S608 - fixed SQL, values bound
        f"JOIN responses r ON r.id = c.response_id LEFT OUTER JOIN comment_tags t ON t.comment_id = c.id "
        f"WHERE {_in_period_sql('r')}",
        params, ["int", "int", "object", "object", "object", "object"],
    )
    comments = pd.DataFrame({
        "comment_id": comment_id,
        "response_id": comment_response,
        "promise_id": comment_promise,
        "created_at": _utc_times(created_at),
        "themes": _json_lists(themes),
        "sentiment": sentiment,
    })
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


def _json_lists(values: np.ndarray) -> np.ndarray:
    """JSON list columns (text on SQLite, already decoded by psycopg) as Python lists; NULL stays None."""
    result = np.empty(len(values), dtype=object)
    result[:] = [None if v is None else _json_list(v) for v in values]
    return result


def _apply_reviews(conn: sa.Connection, driver: _Driver, comments: pd.DataFrame, params: dict[str, Any]) -> pd.DataFrame:
    """A person's latest review replaces the tagger's themes; the first review is the triage time."""
    comments["triaged_at"] = pd.Series(pd.NaT, index=comments.index, dtype="datetime64[ns, UTC]")
    columns = _table_columns(conn, "tag_reviews")
    if not columns or comments.empty:
        return comments
    comment_id, themes, sentiment, reviewed_at = driver.columns(
        f"SELECT v.comment_id, v.themes, v.sentiment, v.reviewed_at FROM tag_reviews v "  # noqa: S608 - fixed SQL, values bound
        f"JOIN comments c ON c.id = v.comment_id JOIN responses r ON r.id = c.response_id "
        f"WHERE {_in_period_sql('r')} ORDER BY v.reviewed_at, v.id",
        params, ["int", "object", "object", "object"],
    )
    if not len(comment_id):
        return comments
    reviews = pd.DataFrame({"comment_id": comment_id, "themes": _json_lists(themes), "sentiment": sentiment,
                            "reviewed_at": _utc_times(reviewed_at)})
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
