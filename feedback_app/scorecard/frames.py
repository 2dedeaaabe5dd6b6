"""The scorecard's inputs as DataFrames, read with one query per table.

Nothing here reads a child's words: comments come with their tags only. The computations in
this package take a ``ScorecardData`` so that the benchmark (and tests) can build one directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

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
    # A day either side of the local quarter bounds; pandas then trims to local quarters exactly.
    start = datetime.combine(period.start - timedelta(days=1), time.min)
    end = datetime.combine(period.end + timedelta(days=2), time.min)
    return start, end


def _table_columns(conn: sa.Connection, table: str) -> set[str]:
    inspector = sa.inspect(conn)
    if not inspector.has_table(table):
        return set()
    return {c["name"] for c in inspector.get_columns(table)}


def _frame(conn: sa.Connection, statement: Any, columns: list[str]) -> pd.DataFrame:
    rows = conn.execute(statement).all()
    return pd.DataFrame.from_records(rows, columns=columns)


def load_scorecard_data(period: Period, conn: sa.Connection | None = None, with_features: bool = True) -> ScorecardData:
    """Read the period's responses, answers, comment tags and service records from the database."""
    from feedback_app.extensions import db

    if conn is None:
        with db.engine.connect() as own:
            return load_scorecard_data(period, own, with_features)
    from feedback_app.models import (
        Answer,
        Comment,
        CommentTags,
        Promise,
        Response,
        SurveyVersion,
        Theme,
    )
    from feedback_app.models.responses import SUBMITTED

    start, end = _utc_bounds(period)
    in_period = sa.and_(Response.status == SUBMITTED, Response.submitted_at >= start, Response.submitted_at < end)

    versions = conn.execute(sa.select(SurveyVersion.id, SurveyVersion.slug, SurveyVersion.definition)).all()
    audience = {row.id: str((row.definition or {}).get("audience", "unknown")) for row in versions}
    surveys = {row.slug: audience[row.id] for row in versions}

    responses = _frame(
        conn,
        sa.select(Response.id, Response.survey_version_id, Response.survey_slug, Response.language,
                  Response.channel, Response.child_key, Response.submitted_at).where(in_period),
        ["response_id", "version_id", "survey", "language", "channel", "child_key", "submitted_at"],
    )
    responses["quarter"] = local_quarters(responses["submitted_at"]) if len(responses) else pd.Series(dtype=str)
    responses = responses[responses["quarter"].isin(period.quarters)]
    responses["cohort"] = responses["version_id"].map(audience).fillna("unknown")
    responses = responses.set_index("response_id")[["quarter", "survey", "cohort", "language", "channel", "child_key", "submitted_at"]]

    answers = _frame(
        conn,
        sa.select(Answer.response_id, Answer.promise_id, Answer.kept)
        .join(Response, Response.id == Answer.response_id)
        .where(in_period, Answer.promise_id.is_not(None), Answer.kept.is_not(None)),
        ["response_id", "promise_id", "kept"],
    )
    answers["kept"] = answers["kept"].astype(bool)

    comments = _frame(
        conn,
        sa.select(Comment.id, Comment.response_id, Comment.promise_id, Comment.created_at,
                  CommentTags.themes, CommentTags.sentiment)
        .join(Response, Response.id == Comment.response_id)
        .outerjoin(CommentTags, CommentTags.comment_id == Comment.id)
        .where(in_period),
        ["comment_id", "response_id", "promise_id", "created_at", "themes", "sentiment"],
    )
    comments = _apply_reviews(conn, comments, start)

    promises = {row.id: row.label for row in conn.execute(
        sa.select(Promise.id, Promise.label).where(Promise.active.is_(True)).order_by(Promise.sort_order, Promise.id))}
    theme_promises = {row.id: list(row.promise_ids or []) for row in conn.execute(sa.select(Theme.id, Theme.promise_ids))}

    data = ScorecardData(
        period=period, responses=responses, answers=answers, comments=comments,
        features=pd.DataFrame(), theme_promises=theme_promises, promises=promises, surveys=surveys,
    )
    data.alerts = _load_alerts(conn, start, end)
    data.actions = _load_actions(conn, period)
    if with_features:
        _attach_placements(data, conn)
    return data


def _apply_reviews(conn: sa.Connection, comments: pd.DataFrame, since: datetime) -> pd.DataFrame:
    """A person's latest review replaces the tagger's themes; the first review is the triage time."""
    comments["triaged_at"] = pd.NaT
    columns = _table_columns(conn, "tag_reviews")
    if not columns or comments.empty:
        return comments
    reviews = pd.DataFrame(
        conn.execute(
            sa.text("SELECT r.comment_id, r.themes, r.sentiment, r.reviewed_at FROM tag_reviews r "
                    "JOIN comments c ON c.id = r.comment_id WHERE c.created_at >= :since ORDER BY r.reviewed_at, r.id"),
            {"since": since},
        ).all(),
        columns=["comment_id", "themes", "sentiment", "reviewed_at"],
    )
    if reviews.empty:
        return comments
    reviews["themes"] = reviews["themes"].map(_json_list)
    first = reviews.groupby("comment_id")["reviewed_at"].min()
    latest = reviews.groupby("comment_id").last()
    comments = comments.set_index("comment_id")
    comments["triaged_at"] = pd.to_datetime(first.reindex(comments.index), utc=True)
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
