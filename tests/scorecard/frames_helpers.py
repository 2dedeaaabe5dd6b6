"""Build ScorecardData by hand, so expected figures can be worked out on paper."""

from __future__ import annotations

from datetime import date

import pandas as pd

from feedback_app.scorecard.frames import ScorecardData
from feedback_app.scorecard.periods import whole_quarters

COHORTS = {"young-people": "young_person", "care-leavers": "care_leaver", "foster-carers": "carer"}
PROMISES = {"P1": "Stay safe", "P2": "Involve you"}


def make_data(rows: list[tuple], start: date = date(2024, 1, 1), end: date = date(2024, 6, 30),
              features: pd.DataFrame | None = None, comments: list[tuple] | None = None) -> ScorecardData:
    """rows: (quarter, survey, promise, kept, how_many[, child_key]) -> one response per answer.

    comments: (quarter, survey, themes, sentiment, how_many) -> one response per comment.
    """
    responses, answers, comment_rows = [], [], []
    next_id = 1
    for row in rows:
        quarter, survey, promise, kept, how_many = row[:5]
        child = row[5] if len(row) > 5 else None
        for _ in range(how_many):
            responses.append((next_id, quarter, survey, COHORTS[survey], "en", "self", child))
            answers.append((next_id, promise, kept))
            next_id += 1
    for n, (quarter, survey, themes, sentiment, how_many) in enumerate(comments or []):
        for k in range(how_many):
            responses.append((next_id, quarter, survey, COHORTS[survey], "en", "self", None))
            comment_rows.append((n * 1000 + k, next_id, None, pd.Timestamp("2024-01-02", tz="UTC"), list(themes), sentiment, pd.NaT))
            next_id += 1
    frame = pd.DataFrame(responses, columns=["response_id", "quarter", "survey", "cohort", "language", "channel", "child_key"]).set_index("response_id")
    return ScorecardData(
        period=whole_quarters(start, end),
        responses=frame,
        answers=pd.DataFrame(answers, columns=["response_id", "promise_id", "kept"]),
        comments=pd.DataFrame(comment_rows, columns=["comment_id", "response_id", "promise_id", "created_at", "themes", "sentiment", "triaged_at"]),
        features=features if features is not None else pd.DataFrame(),
        theme_promises={"safety": ["P1"], "being_heard": ["P2"], "identity": []},
        promises=dict(PROMISES),
        surveys=dict(COHORTS),
    )


def features_frame(children: dict[str, dict]) -> pd.DataFrame:
    """child_features()-shaped frame from {child_key: {column: value}}."""
    columns = ["placement_type_group", "moves_last_12_months", "carer_spell_days", "distance_band", "uasc", "age_band"]
    frame = pd.DataFrame.from_dict(children, orient="index").reindex(columns=columns)
    frame.index.name = "child_key"
    return frame
