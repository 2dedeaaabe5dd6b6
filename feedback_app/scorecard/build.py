"""Assemble the scorecard JSON (design: /work/shared/design/scorecard.md; those names stay)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from feedback_app.scorecard import disclosure
from feedback_app.scorecard.annotations import Annotations, rag_rating
from feedback_app.scorecard.better_off import Filters, answer_codes, promise_atoms, promise_tables
from feedback_app.scorecard.breakdowns import response_groupings
from feedback_app.scorecard.frames import ScorecardData, load_scorecard_data
from feedback_app.scorecard.periods import (
    baseline,
    forecast,
    next_quarters,
    trend_per_quarter,
    whole_quarters,
)
from feedback_app.scorecard.placement_measures import published_placement_measures
from feedback_app.scorecard.service import how_much, how_well
from feedback_app.scorecard.themes import promise_themes, theme_atoms, theme_tables

FORECAST_QUARTERS = 2
DEFAULT_TRIAGE_TARGET_DAYS = 5


def build_scorecard(start: date, end: date, filters: Filters | None = None) -> dict[str, Any]:
    """The scorecard for whole quarters covering ``start``..``end`` from the database (app context)."""
    from flask import current_app

    from feedback_app.extensions import db
    from feedback_app.scorecard.annotations import load_annotations

    period = whole_quarters(start, end)
    with db.engine.connect() as conn:
        data = load_scorecard_data(period, conn)
        annotations = load_annotations(conn, period.quarters)
    return compute_scorecard(
        data, filters or Filters(), disclosure.threshold(), annotations,
        triage_target_days=int(current_app.config.get("TRIAGE_TARGET_DAYS", DEFAULT_TRIAGE_TARGET_DAYS)),
    )


def _rate(cell: dict[str, Any]) -> float | None:
    rate = cell["rate"]
    return None if rate is None or isinstance(rate, str) else float(rate)


def compute_scorecard(data: ScorecardData, filters: Filters, limit: int, annotations: Annotations | None = None,
                      triage_target_days: int = DEFAULT_TRIAGE_TARGET_DAYS) -> dict[str, Any]:
    """Every figure for one filter, from data already in DataFrames."""
    annotations = annotations or Annotations()
    quarters = data.period.quarters
    if len(data.responses) and not data.responses["quarter"].isin(quarters).all():
        data = replace(data, responses=data.responses[data.responses["quarter"].isin(quarters)])
    promises = list(data.promises)
    codes = answer_codes(data.responses, data.answers, promises, quarters)
    surveys = codes.surveys
    mask = filters.survey_mask(surveys, data.surveys)
    linked = data.responses["child_key"].notna().to_numpy()
    groupings = response_groupings(data.responses["child_key"], data.features)
    atoms = promise_atoms(codes, linked, groupings)
    tables = promise_tables(atoms, mask, limit)

    theme_ids = list(data.theme_promises)
    counts, negatives = theme_atoms(data.comments, data.responses, theme_ids, quarters, surveys)
    themes = theme_tables(counts, negatives, theme_ids, quarters, mask, limit)
    themes_of = promise_themes(data.theme_promises)
    in_view = _responses_in_view(data, mask, surveys)

    for entry in tables:
        promise_id = entry["id"]
        entry["label"] = data.promises[promise_id]
        target, margin = annotations.targets.get(promise_id, (None, 0.05))
        better = entry["better_off"]
        better["target"] = target
        better["rag"] = rag_rating(better["rate"], target, margin)
        rates = [_rate(row) for row in entry["by_quarter"]]
        projected = forecast(rates, FORECAST_QUARTERS)
        trend = trend_per_quarter(rates)
        entry["curve"] = {
            "baseline": baseline(rates),
            "baseline_quarter": next((q for q, r in zip(quarters, rates, strict=True) if r is not None), None),
            "trend_per_quarter": None if trend is None else round(trend, 4),
            "forecast": None if projected is None else [
                {"quarter": label, "rate": round(value, 4)}
                for label, value in zip(next_quarters(quarters[-1], FORECAST_QUARTERS), projected, strict=True)
            ],
        }
        entry["themes"] = [themes[t] for t in themes_of.get(promise_id, [])]
        entry["story"] = annotations.notes.get(promise_id, [])
        entry["quotes"] = [
            {"theme": q["theme_id"], "text": q["text"]}
            for q in annotations.quotes
            if q["promise_id"] == promise_id and q["response_id"] in in_view
        ]

    responses_in_filter = data.responses[np.isin(data.responses["survey"].to_numpy(dtype=object), [s for s, k in zip(surveys, mask, strict=True) if k])]
    comments_in_filter = data.comments[data.comments["response_id"].isin(responses_in_filter.index)] if len(data.comments) else data.comments
    return {
        "from": data.period.start.isoformat(),
        "to": data.period.end.isoformat(),
        "quarters": quarters,
        "filters": {
            "surveys": sorted(filters.surveys) if filters.surveys else None,
            "cohorts": sorted(filters.cohorts) if filters.cohorts else None,
        },
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "suppression": {"threshold": limit, "symbol": disclosure.SYMBOL},
        "promises": tables,
        "other_themes": [themes[t] for t in theme_ids if not data.theme_promises.get(t)],
        "how_much": how_much(data.responses, data.comments, quarters, surveys, data.surveys, mask, data.looked_after, limit),
        "how_well": how_well(responses_in_filter, comments_in_filter, data.alerts, data.actions, quarters, surveys,
                             mask, triage_target_days, limit),
        "placements": published_placement_measures(data.placement_measures, limit),
    }


def _responses_in_view(data: ScorecardData, mask: np.ndarray, surveys: list[str]) -> set[int]:
    chosen = [s for s, keep in zip(surveys, mask, strict=True) if keep]
    frame = data.responses
    return set(frame.index[np.isin(frame["survey"].to_numpy(dtype=object), chosen)].tolist())
