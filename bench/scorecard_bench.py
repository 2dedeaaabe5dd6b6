"""Scorecard speed and memory for one year at Leeds and national scale.

Builds synthetic DataFrames (no database) shaped like ``load_scorecard_data`` returns, then
times ``compute_scorecard`` for all surveys and for one cohort, and reports peak memory (RSS) of
this process. Leeds: 1,600 children, 20,000 responses; national: 85,000 children, 1,000,000
responses. Every response answers about 9 promise questions and a third leave a tagged comment;
half the children's responses are linked to a child.

    .venv/bin/python bench/scorecard_bench.py [leeds|national|both]
"""

from __future__ import annotations

import resource
import sys
import time
from datetime import date

import numpy as np
import pandas as pd

from feedback_app.scorecard.better_off import Filters
from feedback_app.scorecard.build import compute_scorecard
from feedback_app.scorecard.frames import ScorecardData
from feedback_app.scorecard.periods import whole_quarters

SURVEYS = {"little-voices": "child_4_7", "children-8-11": "child_8_11", "young-people": "young_person",
           "care-leavers": "care_leaver", "foster-carers": "carer"}
PROMISES = {f"P{i}": f"Promise {i}" for i in range(1, 10)}
THEMES = {"safety": ["P1"], "health": ["P1"], "emotional_wellbeing": ["P1"], "being_heard": ["P2", "P6"],
          "understanding_plans": ["P6"], "placement_stability": ["P2"], "carers": ["P5"], "social_worker": ["P5", "P6"],
          "family_contact": ["P5"], "friendships": ["P5", "P7"], "education": ["P9"], "future_independence": ["P9"],
          "aspirations": ["P3"], "achievements": ["P4"], "activities": ["P7"], "belongings": ["P8"], "identity": [],
          "money": ["P9"]}
ANSWERS_PER_RESPONSE = 9


def synthetic(children: int, responses: int, seed: int = 7) -> ScorecardData:
    """One year of responses, answers, comments and child features."""
    rng = np.random.default_rng(seed)
    period = whole_quarters(date(2024, 4, 1), date(2025, 3, 31))
    quarters = np.array(period.quarters, dtype=object)
    slugs = np.array(list(SURVEYS), dtype=object)
    survey = slugs[rng.integers(0, len(slugs), responses)]
    keys = np.array([f"{k:064x}" for k in range(children)], dtype=object)
    linked = (rng.random(responses) < 0.5) & (survey != "foster-carers")
    child_key = np.where(linked, keys[rng.integers(0, children, responses)], None)
    frame = pd.DataFrame({
        "quarter": pd.Categorical(quarters[rng.integers(0, 4, responses)]),
        "survey": pd.Categorical(survey),
        "cohort": pd.Categorical(pd.Series(survey).map(SURVEYS)),
        "language": pd.Categorical(rng.choice(["en", "ar", "pl", "ur", "ro"], responses, p=[0.8, 0.08, 0.06, 0.03, 0.03])),
        "channel": pd.Categorical(np.full(responses, "self")),
        "child_key": child_key,
    }, index=pd.RangeIndex(1, responses + 1, name="response_id"))
    answer_count = responses * ANSWERS_PER_RESPONSE
    answers = pd.DataFrame({
        "response_id": np.repeat(frame.index.to_numpy(), ANSWERS_PER_RESPONSE),
        "promise_id": pd.Categorical.from_codes(np.tile(np.arange(9), responses), categories=list(PROMISES)),
        "kept": rng.random(answer_count) < 0.7,
    })
    comment_count = responses // 3
    theme_ids = list(THEMES)
    comments = pd.DataFrame({
        "comment_id": np.arange(comment_count),
        "response_id": rng.choice(frame.index.to_numpy(), comment_count, replace=False),
        "promise_id": None,
        "created_at": pd.Timestamp("2024-06-01", tz="UTC"),
        "themes": [[theme_ids[i]] for i in rng.integers(0, len(theme_ids), comment_count)],
        "sentiment": rng.choice(["positive", "negative", "mixed", "neutral"], comment_count),
        "triaged_at": pd.Timestamp("2024-06-03", tz="UTC"),
    })
    features = pd.DataFrame({
        "placement_type_group": rng.choice(["foster with relative or friend", "other foster: own council", "other foster: agency",
                                            "children's homes", "supported or independent living"], children),
        "moves_last_12_months": rng.choice([0, 1, 2, 3, 4], children, p=[0.6, 0.2, 0.1, 0.06, 0.04]),
        "carer_spell_days": rng.integers(1, 3000, children),
        "distance_band": rng.choice(["20 miles or less", "over 20 miles", "not known"], children, p=[0.7, 0.2, 0.1]),
        "uasc": rng.random(children) < 0.07,
        "age_band": rng.choice(["under 10", "10-15", "16-17", "18+"], children),
    }, index=pd.Index(keys, name="child_key"))
    return ScorecardData(period=period, responses=frame, answers=answers, comments=comments, features=features,
                         theme_promises=THEMES, promises=PROMISES, surveys=dict(SURVEYS), looked_after=children)


def peak_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(name: str, children: int, responses: int) -> None:
    started = time.perf_counter()
    data = synthetic(children, responses)
    built = time.perf_counter() - started
    timings = []
    for filters in (Filters(), Filters(cohorts=frozenset({"young_person"}))):
        started = time.perf_counter()
        card = compute_scorecard(data, filters, 10)
        timings.append(time.perf_counter() - started)
    hidden = sum(1 for p in card["promises"] for row in p["by_quarter"] if row["rate"] == "c")
    print(f"{name}: {children:,} children, {responses:,} responses, {len(data.answers):,} answers, {len(data.comments):,} comments")
    print(f"  data built in {built:.2f} s (not part of the scorecard)")
    print(f"  scorecard, all surveys: {timings[0]:.2f} s; one cohort: {timings[1]:.2f} s")
    print(f"  peak memory (RSS, whole process): {peak_mib():,.0f} MiB; hidden quarterly rates in the cohort view: {hidden}")


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "both"
    if which in ("leeds", "both"):
        run("Leeds", 1_600, 20_000)
    if which in ("national", "both"):
        run("National", 85_000, 1_000_000)
