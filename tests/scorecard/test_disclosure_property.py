"""Property test for requirement 30: no hidden figure can be worked out from published ones.

Random counts are put in a small universe of cells (3 quarters x 3 surveys in 2 cohorts x
5 link states x kept / not kept). The scorecard is computed under every period (contiguous
quarters) and every survey and cohort filter, and each published or hidden number is written
as a 0/1 vector over the cells it adds up. A hidden number can be derived exactly from the
published ones (by any sums and differences, across filters and periods) exactly when its
vector lies in the row space of the published vectors: the test checks it never does, that
no published count is between 1 and threshold-1, and that published counts are true.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback_app.scorecard.better_off import Filters
from feedback_app.scorecard.build import compute_scorecard
from feedback_app.scorecard.frames import ScorecardData
from feedback_app.scorecard.periods import Period

LIMIT = 10
QUARTERS = ["2024Q1", "2024Q2", "2024Q3"]
SURVEYS = {"young-people": "young_person", "children-8-11": "young_person", "care-leavers": "care_leaver"}
# Link states: not linked, or a child whose UASC status and moves are (u, m).
LINKS = [None, ("UASC", 0), ("UASC", 3), ("not UASC", 0), ("not UASC", 3)]
CELLS = list(itertools.product(range(len(QUARTERS)), list(SURVEYS), range(len(LINKS)), (True, False)))
FILTERS = [
    Filters(),
    *(Filters(surveys=frozenset({s})) for s in SURVEYS),
    Filters(surveys=frozenset({"young-people", "care-leavers"})),
    *(Filters(cohorts=frozenset({c})) for c in set(SURVEYS.values())),
]
PERIODS = [(a, b) for a in range(len(QUARTERS)) for b in range(a, len(QUARTERS))]

counts_strategy = st.lists(
    st.one_of(st.just(0), st.integers(1, LIMIT - 1), st.integers(LIMIT, 3 * LIMIT)),
    min_size=len(CELLS), max_size=len(CELLS),
)


def _data(counts: list[int], first: int, last: int) -> ScorecardData:
    responses, answers = [], []
    n = 0
    for (q, survey, link, kept), how_many in zip(CELLS, counts, strict=True):
        if not first <= q <= last:
            continue
        child = None if LINKS[link] is None else f"child-{link}"
        for _ in range(how_many):
            n += 1
            responses.append((n, QUARTERS[q], survey, SURVEYS[survey], "en", "self", child))
            answers.append((n, "P1", kept))
    features = pd.DataFrame(
        [{"placement_type_group": "children's homes", "moves_last_12_months": m, "carer_spell_days": 100,
          "distance_band": "not known", "uasc": u == "UASC", "age_band": "10-15"} for u, m in LINKS[1:]],
        index=pd.Index([f"child-{i}" for i in range(1, len(LINKS))], name="child_key"),
    )
    start = pd.Period(QUARTERS[first], freq="Q").start_time.date()
    end = pd.Period(QUARTERS[last], freq="Q").end_time.date()
    return ScorecardData(
        period=Period(start, end),
        responses=pd.DataFrame(responses, columns=["response_id", "quarter", "survey", "cohort", "language", "channel", "child_key"]).set_index("response_id"),
        answers=pd.DataFrame(answers, columns=["response_id", "promise_id", "kept"]),
        comments=pd.DataFrame(columns=["comment_id", "response_id", "promise_id", "created_at", "themes", "sentiment", "triaged_at"]),
        features=features, theme_promises={}, promises={"P1": "Stay safe"}, surveys=dict(SURVEYS),
    )


def _vector(quarters: set[int], surveys: set[str], links: set[int], kept_only: bool) -> np.ndarray:
    return np.array([
        1.0 if q in quarters and s in surveys and link in links and (kept or not kept_only) else 0.0
        for q, s, link, kept in CELLS
    ])


def _group_links(dimension: str, group: str) -> set[int]:
    if dimension == "uasc":
        return {i for i, link in enumerate(LINKS) if link and link[0] == group}
    if dimension == "moves_last_12_months":
        return {i for i, link in enumerate(LINKS) if link and ("3+" if link[1] >= 3 else "0-1") == group}
    return {i for i, link in enumerate(LINKS) if link}  # one group holds every linked child


def _figures(card: dict, period: tuple[int, int], surveys: set[str]) -> list[tuple[np.ndarray, int | str]]:
    """Every count in the card as (cells vector, published value)."""
    quarters = set(range(period[0], period[1] + 1))
    every_link = set(range(len(LINKS)))
    p1 = card["promises"][0]
    figures = []

    def add(cell: dict, q: set[int], links: set[int]) -> None:
        figures.append((_vector(q, surveys, links, kept_only=False), cell["answered"]))
        figures.append((_vector(q, surveys, links, kept_only=True), cell["kept"]))

    add(p1["better_off"], quarters, every_link)
    for row in p1["by_quarter"]:
        add(row, {QUARTERS.index(row["quarter"])}, every_link)
    for row in p1["linked"]:
        add(row, quarters, {0} if row["group"] == "not linked" else every_link - {0})
    for dimension, rows in p1["breakdowns"].items():
        for row in rows:
            add(row, quarters, _group_links(dimension, row["group"]))
    how_much = card["how_much"]
    figures.append((_vector(quarters, surveys, every_link, False), how_much["responses"]))
    for row in how_much["by_quarter"]:
        figures.append((_vector({QUARTERS.index(row["quarter"])}, surveys, every_link, False), row["responses"]))
    for row in how_much["by_survey"]:
        figures.append((_vector(quarters, {row["survey"]}, every_link, False), row["responses"]))
    for row in how_much["by_cohort"]:
        chosen = {s for s in surveys if SURVEYS[s] == row["cohort"]}
        figures.append((_vector(quarters, chosen, every_link, False), row["responses"]))
    return figures


def _surveys_of(filters: Filters) -> set[str]:
    return {s for s, c in SURVEYS.items()
            if (filters.surveys is None or s in filters.surveys) and (filters.cohorts is None or c in filters.cohorts)}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts_strategy)
def test_no_hidden_figure_can_be_derived_under_any_filter_or_period(counts: list[int]) -> None:
    truth = np.array(counts, dtype=float)
    published, hidden = [], []
    for first, last in PERIODS:
        data = _data(counts, first, last)
        for filters in FILTERS:
            card = compute_scorecard(data, filters, LIMIT)
            for vector, value in _figures(card, (first, last), _surveys_of(filters)):
                if value == "c":
                    hidden.append(vector)
                else:
                    assert value == int(vector @ truth), "a published count is not the true count"
                    assert value == 0 or value >= LIMIT, f"published count {value} is below the threshold"
                    published.append(vector)
    if not hidden:
        return
    basis = np.array(published) if published else np.zeros((1, len(CELLS)))
    _, singular, vt = np.linalg.svd(basis, full_matrices=False)
    rows = vt[singular > 1e-9]
    for vector in hidden:
        residual = vector - rows.T @ (rows @ vector)
        assert np.linalg.norm(residual) > 1e-6, (
            "a hidden figure can be worked out from published ones: cells "
            f"{[CELLS[i] for i in np.flatnonzero(vector)][:6]}"
        )


def test_a_single_small_quarter_is_not_revealed_by_the_half_year_total() -> None:
    # Worked example: 30 answers in Q1 and 4 in Q2 for one survey. The half-year total (34) minus
    # Q1 (30) would reveal the 4, so both Q2 and the total are hidden.
    counts = [0] * len(CELLS)
    counts[CELLS.index((0, "young-people", 0, True))] = 15
    counts[CELLS.index((0, "young-people", 0, False))] = 15
    counts[CELLS.index((1, "young-people", 0, True))] = 4
    card = compute_scorecard(_data(counts, 0, 1), Filters(surveys=frozenset({"young-people"})), LIMIT)
    p1 = card["promises"][0]
    assert [row["answered"] for row in p1["by_quarter"]] == [30, "c"]
    assert p1["better_off"]["answered"] == "c"
