"""Placement measures for a year ending 31 March, exactly as /work/shared/design/placement-measures.md.

Counting choices where the design is silent (each is also stated where it is applied):
- Short breaks: a child whose episode on 31 March has LS V3/V4 is left out of every 31 March
  measure; an ending is left out when the placement's last episode has LS V3/V4.
- Short-term stability counts placements that started on or before 31/03/Y and were open
  after 01/04/(Y-1): a placement whose DEC is 01/04/(Y-1) ended on the year's first day and
  is not counted.
- Long-term stability: age is completed years on 31 March from the Header DOB (children with
  no DOB are left out); "31/03/Y minus 2.5 years" is 30/09/(Y-3); the carer spell must have
  started on or before 31/03/(Y-2).
- Unplanned endings: placements whose last episode has DEC from 01/04/(Y-1) to 31/03/Y
  inclusive and a REASON_PLACE_CHANGE of CREQB, CREQO, CLOSE, ALLEG, STAND or APPRR, for any
  child (looked after on 31 March or not); per_child divides by the looked-after count.
- Care leavers: OC3 rows of the collection year ending 31/03/Y whose age on 31 March (OC3 DOB)
  is 17 to 21; those who died (IN_TOUCH DIED) are left out of every denominator.
- Rates are rounded to 4 decimal places and are null when the denominator is 0.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa

from feedback_app.placements import codes, store
from feedback_app.placements.history import (
    DISTANCE_20_OR_LESS,
    DISTANCE_NOT_KNOWN,
    DISTANCE_OVER_20,
    age_on,
    at_date,
    build_history,
    dates_for,
    distance_bands,
    load_episodes,
    load_postcodes,
    period_starts,
    ts,
)


def year_bounds(year_ending: date) -> tuple[date, date]:
    """01/04/(Y-1) and 31/03/Y for a year ending 31 March Y."""
    if (year_ending.month, year_ending.day) != (3, 31):
        raise ValueError("A measures year ends on 31 March (give YYYY-03-31).")
    return date(year_ending.year - 1, 4, 1), year_ending


def rate(numerator: int, denominator: int) -> dict[str, Any]:
    """The numerator/denominator/rate shape of the JSON output."""
    return {
        "numerator": int(numerator),
        "denominator": int(denominator),
        "rate": round(numerator / denominator, 4) if denominator else None,
    }


def _load_children(conn: sa.Connection) -> pd.Series:
    frame = store.read_frame(
        conn, f"SELECT child_key, {store.days_sql(conn, 'dob')} FROM placement_children",  # noqa: S608
        ["child_key", "dob"],
    )
    return pd.Series(store.days_to_dates(frame["dob"]).to_numpy(), index=frame["child_key"].astype(object).to_numpy())


def _load_leavers(conn: sa.Connection, year_ending: date) -> pd.DataFrame:
    days = store.days_sql
    frame = store.read_frame(
        conn,
        f"SELECT child_key, {days(conn, 'dob')}, in_touch, activ, accom FROM placement_care_leavers"  # noqa: S608
        f" WHERE year_ending = {store.date_literal(year_ending)}",
        ["child_key", "dob", "in_touch", "activ", "accom"],
    )
    frame["dob"] = store.days_to_dates(frame["dob"])
    return frame


def compute_measures(year_ending: date, conn: sa.Connection | None = None) -> dict[str, Any]:
    """Every measure for the year ending ``year_ending`` (31 March), in the design's JSON shape."""
    from feedback_app.extensions import db

    if conn is None:
        with db.engine.connect() as own:
            return compute_measures(year_ending, own)
    year_start, year_end = year_bounds(year_ending)
    postcodes = load_postcodes(conn)
    # Postcodes are read only when there is a lookup to place them with.
    posts_on = year_end if not postcodes.empty else None
    history = build_history(load_episodes(conn, year_end, active_from=year_start, posts_on=posts_on))
    dob_by_key = _load_children(conn)
    leavers = _load_leavers(conn, year_end)

    state = at_date(history, year_end)
    short_breaks = int(state["short_break"].sum())
    looked_after = state.loc[~state["short_break"]].reset_index(drop=True)
    count = len(looked_after)
    in_care = set(looked_after["child_key"])

    # Short-term stability: 3 or more placements overlapping the year.
    placements = history.placements
    child_of = placements["child_key"].astype(object)
    in_year = (placements["start"] <= ts(year_end)) & (placements["end"].isna() | (placements["end"] > ts(year_start)))
    per_child = child_of[in_year & child_of.isin(in_care)].value_counts()
    short_term = rate(int((per_child >= 3).sum()), count)

    # Long-term stability.
    dob = dates_for(looked_after["child_key"], dob_by_key)
    age = age_on(dob, year_end)
    started = dates_for(looked_after["child_key"], period_starts(history, year_end))
    cutoff = ts(date(year_end.year - 3, 9, 30))
    eligible = (age < 16) & started.notna() & (started <= cutoff)
    settled_spell = looked_after["spell_start"].astype("datetime64[ns]") <= ts(date(year_end.year - 2, 3, 31))
    long_term = rate(int((eligible & settled_spell).sum()), int(eligible.sum()))

    bands = distance_bands(looked_after["home_post"], looked_after["pl_post"], postcodes)
    distance = {
        "20_or_less": int((bands == DISTANCE_20_OR_LESS).sum()),
        "over_20": int((bands == DISTANCE_OVER_20).sum()),
        "not_known": int((bands == DISTANCE_NOT_KNOWN).sum()),
    }

    groups = looked_after["group"].value_counts()
    placement_types = {group: int(groups.get(group, 0)) for group in codes.PLACEMENT_GROUPS}

    ended = placements["end"].between(ts(year_start), ts(year_end))
    unplanned = (
        ended
        & placements["last_reason"].isin(codes.UNPLANNED_REASONS)
        & ~placements["last_ls"].isin(codes.SHORT_BREAKS)
    )
    unplanned_count = int(unplanned.sum())

    return {
        "year_ending": year_end.isoformat(),
        "looked_after": count,
        "short_term_stability": short_term,
        "long_term_stability": long_term,
        "distance": distance,
        "placement_types": placement_types,
        "unplanned_endings": {
            "count": unplanned_count,
            "per_child": round(unplanned_count / count, 4) if count else None,
        },
        "care_leavers": care_leaver_measures(leavers, year_end),
        "short_breaks_excluded": short_breaks,
    }


def care_leaver_measures(leavers: pd.DataFrame, year_end: date) -> dict[str, Any]:
    """In touch, in education/employment/training, in suitable accommodation; overall and by age."""
    age = age_on(leavers["dob"], year_end)
    alive = ~leavers["in_touch"].astype(object).eq("DIED")
    scope = leavers.loc[age.between(17, 21) & alive].assign(age=age)
    tests = {
        "in_touch": scope["in_touch"].astype(object).eq("YES"),
        "eet": scope["activ"].astype(object).str.match(r"^[FP]").fillna(False).astype(bool),
        "suitable_accommodation": scope["accom"].astype(object).str.endswith("1").fillna(False).astype(bool),
    }
    result: dict[str, Any] = {}
    for name, passed in tests.items():
        entry = rate(int(passed.sum()), len(scope))
        entry["by_age"] = {
            str(years): rate(int(passed[scope["age"] == years].sum()), int((scope["age"] == years).sum()))
            for years in range(17, 22)
        }
        result[name] = entry
    return result

