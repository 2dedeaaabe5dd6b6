"""Each measure worked out by hand on the histories in histories.py (year ending 31/03/2024)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from flask import Flask

from feedback_app.placements.measures import compute_measures
from feedback_app.placements.postcodes import import_postcodes
from tests.placements.conftest import import_csv
from tests.placements.histories import FILES, POSTCODES

YEAR = date(2024, 3, 31)


@pytest.fixture
def loaded(ctx: Flask) -> Flask:
    result = import_csv(FILES, year_ending=YEAR)
    assert result.status == "loaded", result.issues
    return ctx


def test_looked_after_leaves_out_short_breaks_and_leavers(loaded: Flask) -> None:
    result = compute_measures(YEAR)
    # A, B, C, D, G, H, J; E is on short breaks, F left on 01/02/2024.
    assert result["looked_after"] == 7
    assert result["short_breaks_excluded"] == 1


def test_short_term_stability_counts_placements_not_temporary_breaks(loaded: Flask) -> None:
    # Only B had 3 placements in the year; J's temporary break does not make a third.
    assert compute_measures(YEAR)["short_term_stability"] == {"numerator": 1, "denominator": 7, "rate": 0.1429}


def test_long_term_stability(loaded: Flask) -> None:
    # Under 16 and in care since on or before 30/09/2021 at an RNE S: A, B, G, J (C and H
    # came in later, D is 16). Carer spell since 31/03/2022 or earlier: A and G.
    assert compute_measures(YEAR)["long_term_stability"] == {"numerator": 2, "denominator": 4, "rate": 0.5}


def test_distance_not_known_without_lookup(loaded: Flask) -> None:
    assert compute_measures(YEAR)["distance"] == {"20_or_less": 0, "over_20": 0, "not_known": 7}


def test_distance_bands_with_council_lookup(loaded: Flask) -> None:
    import_postcodes(io.BytesIO(POSTCODES.encode()))
    # A: LS1 1AA (written "ls11aa") to LS2 2BB, 0.88 miles; B: BD1 1AA to YO1 1AA, 29.8 miles.
    assert compute_measures(YEAR)["distance"] == {"20_or_less": 1, "over_20": 1, "not_known": 5}


def test_placement_type_mix(loaded: Flask) -> None:
    assert compute_measures(YEAR)["placement_types"] == {
        "foster with relative or friend": 1,  # C
        "other foster: own council": 2,  # A, H
        "other foster: agency": 3,  # B (U6 PR5), G (U4 PR4 before the T0), J (U4 PR4)
        "other foster: other provider": 0,
        "children's homes": 0,
        "supported or independent living": 1,  # D
        "placed for adoption": 0,
        "with parents": 0,
        "other": 0,
    }


def test_unplanned_endings(loaded: Flask) -> None:
    # B's K1 (CREQB), F's R1 (STAND), J's first U4 (CREQO); not B's ALLEG before a temporary
    # break, not B's CARPL, not H's ALLEG of 2022.
    assert compute_measures(YEAR)["unplanned_endings"] == {"count": 3, "per_child": 0.4286}


def test_care_leavers(loaded: Flask) -> None:
    leavers = compute_measures(YEAR)["care_leavers"]
    # L1 (17), L2 (19), L3 (20); L4 died, L5 is 22.
    assert {k: leavers["in_touch"][k] for k in ("numerator", "denominator", "rate")} == {
        "numerator": 2, "denominator": 3, "rate": 0.6667}
    assert leavers["eet"]["numerator"] == 2  # L1 F1, L3 P2
    assert leavers["suitable_accommodation"]["numerator"] == 2  # L1 B1, L3 K1
    assert leavers["in_touch"]["by_age"]["20"] == {"numerator": 0, "denominator": 1, "rate": 0.0}
    assert leavers["in_touch"]["by_age"]["21"] == {"numerator": 0, "denominator": 0, "rate": None}


def test_json_shape_matches_the_design(loaded: Flask) -> None:
    result = compute_measures(YEAR)
    assert list(result)[:9] == [
        "year_ending", "looked_after", "short_term_stability", "long_term_stability", "distance",
        "placement_types", "unplanned_endings", "care_leavers", "short_breaks_excluded",
    ]
    assert result["year_ending"] == "2024-03-31"
    assert set(result["care_leavers"]) == {"in_touch", "eet", "suitable_accommodation"}


def test_empty_year_has_null_rates(ctx: Flask) -> None:
    result = compute_measures(date(2010, 3, 31))
    assert result["looked_after"] == 0
    assert result["short_term_stability"]["rate"] is None
    assert result["unplanned_endings"]["per_child"] is None


def test_year_must_end_on_31_march(ctx: Flask) -> None:
    with pytest.raises(ValueError, match="31 March"):
        compute_measures(date(2024, 4, 30))
