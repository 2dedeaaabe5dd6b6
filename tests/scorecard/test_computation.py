"""The scorecard's figures against examples worked out by hand (threshold 10)."""

from __future__ import annotations

import pytest

from feedback_app.scorecard.annotations import Annotations, rag_rating
from feedback_app.scorecard.better_off import Filters
from feedback_app.scorecard.build import compute_scorecard
from tests.scorecard.frames_helpers import features_frame, make_data

ROWS = [
    # P1: young people 12 kept + 10 not in Q1, 15 + 15 in Q2; care leavers 10 + 10 in Q1.
    ("2024Q1", "young-people", "P1", True, 12), ("2024Q1", "young-people", "P1", False, 10),
    ("2024Q2", "young-people", "P1", True, 15), ("2024Q2", "young-people", "P1", False, 15),
    ("2024Q1", "care-leavers", "P1", True, 10), ("2024Q1", "care-leavers", "P1", False, 10),
    # P2: only 3 kept of 23 in Q1 (small), 20 + 20 in Q2.
    ("2024Q1", "young-people", "P2", True, 3), ("2024Q1", "young-people", "P2", False, 20),
    ("2024Q2", "young-people", "P2", True, 20), ("2024Q2", "young-people", "P2", False, 20),
]


def promise(card: dict, promise_id: str) -> dict:
    return next(p for p in card["promises"] if p["id"] == promise_id)


def test_kept_share_interval_and_quarters_for_all_surveys() -> None:
    card = compute_scorecard(make_data(ROWS), Filters(), 10)
    p1 = promise(card, "P1")
    # 37 kept of 72: 0.5139. Wilson 95%, z^2 = 3.84146: denominator 1 + 3.84146/72 = 1.05335,
    # centre (0.51389 + 0.02668)/1.05335 = 0.51319, half 1.95996*sqrt(0.0034695 + 0.00018525)
    # /1.05335 = 0.11249 -> 0.4007 .. 0.6257.
    assert p1["better_off"]["kept"] == 37
    assert p1["better_off"]["answered"] == 72
    assert p1["better_off"]["rate"] == pytest.approx(0.5139, abs=1e-4)
    assert p1["better_off"]["ci"] == pytest.approx([0.4007, 0.6257], abs=2e-4)
    assert [(q["quarter"], q["kept"], q["answered"]) for q in p1["by_quarter"]] == [("2024Q1", 22, 42), ("2024Q2", 15, 30)]
    assert card["from"] == "2024-01-01" and card["to"] == "2024-06-30"


def test_small_kept_count_hides_it_and_everything_built_on_it() -> None:
    card = compute_scorecard(make_data(ROWS), Filters(), 10)
    p2 = promise(card, "P2")
    # Q1 holds only 3 kept: Q1's kept, rate and interval are "c", and so is the half-year
    # figure that contains Q1 (else 23 kept minus Q2's 20 would give 3). n stays visible.
    assert p2["by_quarter"][0] == {"quarter": "2024Q1", "kept": "c", "answered": 23, "rate": "c", "ci": "c"}
    assert p2["by_quarter"][1]["kept"] == 20
    assert p2["by_quarter"][1]["rate"] == 0.5
    assert p2["better_off"]["kept"] == "c"
    assert p2["better_off"]["rate"] == "c"
    assert p2["better_off"]["answered"] == 63


def test_survey_and_cohort_filters_count_only_those_responses() -> None:
    data = make_data(ROWS)
    by_survey = compute_scorecard(data, Filters(surveys=frozenset({"care-leavers"})), 10)
    by_cohort = compute_scorecard(data, Filters(cohorts=frozenset({"care_leaver"})), 10)
    for card in (by_survey, by_cohort):
        p1 = promise(card, "P1")
        assert (p1["better_off"]["kept"], p1["better_off"]["answered"], p1["better_off"]["rate"]) == (10, 20, 0.5)
        assert promise(card, "P2")["better_off"]["answered"] == 0
        assert promise(card, "P2")["better_off"]["rate"] is None
        assert card["how_much"]["responses"] == 20


def test_rag_against_target_and_none_when_rate_hidden() -> None:
    annotations = Annotations(targets={"P1": (0.55, 0.05), "P2": (0.5, 0.05)})
    card = compute_scorecard(make_data(ROWS), Filters(), 10, annotations)
    # P1 0.5139 is within 5 points below 0.55: amber. P2's rate is hidden: no rating.
    assert promise(card, "P1")["better_off"]["rag"] == "amber"
    assert promise(card, "P1")["better_off"]["target"] == 0.55
    assert promise(card, "P2")["better_off"]["rag"] is None
    assert rag_rating(0.7, 0.7, 0.05) == "green"
    assert rag_rating(0.64, 0.7, 0.05) == "red"


LINKED_ROWS = [
    # Child a (no moves, not UASC, 10-15): 10 kept + 10 not. Child b (3 moves, UASC, 16-17): 12 + 8.
    ("2024Q1", "young-people", "P1", True, 10, "a"), ("2024Q1", "young-people", "P1", False, 10, "a"),
    ("2024Q1", "young-people", "P1", True, 12, "b"), ("2024Q1", "young-people", "P1", False, 8, "b"),
]
CHILDREN = {
    "a": {"placement_type_group": "children's homes", "moves_last_12_months": 0, "distance_band": "20 miles or less", "uasc": False, "age_band": "10-15"},
    "b": {"placement_type_group": "other foster: agency", "moves_last_12_months": 3, "distance_band": "over 20 miles", "uasc": True, "age_band": "16-17"},
}


def test_breakdowns_by_placement_features() -> None:
    rows = [*LINKED_ROWS[:2], ("2024Q1", "young-people", "P1", True, 10, "b"), ("2024Q1", "young-people", "P1", False, 10, "b")]
    card = compute_scorecard(make_data(rows, features=features_frame(CHILDREN)), Filters(), 10)
    breakdowns = promise(card, "P1")["breakdowns"]
    assert [(r["group"], r["kept"], r["answered"], r["rate"]) for r in breakdowns["moves_last_12_months"]] == [
        ("0-1", 10, 20, 0.5), ("3+", 10, 20, 0.5)]
    assert [r["group"] for r in breakdowns["uasc"]] == ["UASC", "not UASC"]
    assert [r["group"] for r in breakdowns["age_band"]] == ["10-15", "16-17"]
    assert {r["group"] for r in breakdowns["placement_type"]} == {"children's homes", "other foster: agency"}
    assert [(r["group"], r["answered"]) for r in promise(card, "P1")["linked"]] == [("linked", 40), ("not linked", 0)]


def test_one_small_group_hides_the_shares_of_the_whole_breakdown() -> None:
    card = compute_scorecard(make_data(LINKED_ROWS, features=features_frame(CHILDREN)), Filters(), 10)
    rows = promise(card, "P1")["breakdowns"]["moves_last_12_months"]
    # Child b's group has only 8 "not kept": its share is hidden, and so is child a's group,
    # because the linked total (22 of 40) minus one group would give the other.
    assert [(r["group"], r["kept"], r["answered"], r["rate"]) for r in rows] == [("0-1", "c", 20, "c"), ("3+", "c", 20, "c")]
    assert promise(card, "P1")["better_off"]["kept"] == 22


def test_themes_count_share_negative_and_hide_small_counts() -> None:
    comments = [
        ("2024Q1", "young-people", ["safety"], "negative", 12), ("2024Q1", "young-people", ["safety"], "positive", 13),
        ("2024Q2", "young-people", ["being_heard", "identity"], "negative", 4),
    ]
    card = compute_scorecard(make_data(ROWS, comments=comments), Filters(), 10)
    safety = promise(card, "P1")["themes"][0]
    assert (safety["id"], safety["count"], safety["negative_share"]) == ("safety", 25, 0.48)
    heard = promise(card, "P2")["themes"][0]
    assert (heard["count"], heard["negative_share"]) == ("c", "c")
    assert card["other_themes"][0]["id"] == "identity"
    # 25 comments in Q1 but only 4 in Q2: the half-year total would give the 4 away.
    assert card["how_much"]["comments"] == "c"
