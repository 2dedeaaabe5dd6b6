"""The placement measures for the period, with disclosure control, beside national benchmarks.

Benchmarks: DfE, England, as listed in /work/shared/design/placement-measures.md.
"""

from __future__ import annotations

from typing import Any

from feedback_app.scorecard import disclosure

# year ending 31 March -> England figure; the nearest earlier year is used when a year is missing.
NATIONAL_BENCHMARKS: dict[str, dict[int, float]] = {
    "looked_after": {2024: 83630, 2025: 81770},
    "long_term_stability": {2024: 0.68, 2025: 0.69},
    # DfE: 3 or more placements in the previous two years (our measure counts one year).
    "short_term_stability": {2024: 0.23, 2025: 0.23},
    # New placements over 20 miles from home, 2022-23.
    "over_20_miles": {2023: 0.21},
    "care_leavers_suitable_accommodation": {2024: 0.85},
    "care_leavers_eet": {2024: 0.50},
}

BENCHMARK_NOTES = {
    "short_term_stability": "England measures 3 or more placements over two years; ours counts one year.",
    "over_20_miles": "England figure is for new placements in 2022-23; ours is all children at 31 March.",
    "care_leavers_suitable_accommodation": "England: care leavers aged 19-21, about 85%.",
    "care_leavers_eet": "England: care leavers aged 19-21, about half.",
}


def benchmark(name: str, year: int) -> dict[str, Any] | None:
    """The England figure for ``name`` in ``year`` or the latest year before it."""
    years = NATIONAL_BENCHMARKS.get(name, {})
    usable = [y for y in years if y <= year] or sorted(years)[:1]
    if not usable:
        return None
    chosen = max(usable)
    return {"value": years[chosen], "year_ending": f"{chosen}-03-31", "note": BENCHMARK_NOTES.get(name)}


def _fraction(entry: dict[str, Any] | None, limit: int) -> dict[str, Any] | None:
    if not entry:
        return None
    return disclosure.fraction_cell(int(entry["numerator"]), int(entry["denominator"]), limit)


def _care_leaver(entry: dict[str, Any], limit: int) -> dict[str, Any]:
    result = _fraction(entry, limit) or {}
    by_age = entry.get("by_age") or {}
    cells = {age: _fraction(cell, limit) for age, cell in by_age.items()}
    # Ages add up to the overall figure: shown whole or not at all.
    hidden = any(
        disclosure.SYMBOL in (cell["numerator"], cell["denominator"]) for cell in cells.values() if cell
    )
    result["by_age"] = disclosure.SYMBOL if hidden else cells
    return result


def published_placement_measures(measures: dict[str, Any] | None, limit: int) -> dict[str, Any] | None:
    """The placements package's measures with small numbers hidden, plus England benchmarks."""
    if not measures:
        return None
    year = int(str(measures["year_ending"])[:4])
    looked_after = int(measures["looked_after"])
    looked_after_hidden = 0 < looked_after < limit
    unplanned = int(measures["unplanned_endings"]["count"])
    unplanned_hidden = looked_after_hidden or 0 < unplanned < limit
    distance = {k: int(v) for k, v in measures["distance"].items()}
    types = {k: int(v) for k, v in measures["placement_types"].items()}
    result: dict[str, Any] = {
        "year_ending": measures["year_ending"],
        "looked_after": disclosure.count_cell(looked_after, looked_after_hidden),
        "short_term_stability": _fraction(measures.get("short_term_stability"), limit),
        "long_term_stability": _fraction(measures.get("long_term_stability"), limit),
        "distance": disclosure.suppress_partition(distance, limit, not looked_after_hidden),
        "placement_types": disclosure.suppress_partition(types, limit, not looked_after_hidden),
        "unplanned_endings": {
            "count": disclosure.count_cell(unplanned, unplanned_hidden),
            "per_child": disclosure.SYMBOL if unplanned_hidden else measures["unplanned_endings"].get("per_child"),
        },
        "care_leavers": {name: _care_leaver(entry, limit) for name, entry in (measures.get("care_leavers") or {}).items()},
    }
    if looked_after_hidden or disclosure.partition_hides_total(distance, limit) or disclosure.partition_hides_total(types, limit):
        result["looked_after"] = disclosure.SYMBOL
    over_20 = distance.get("over_20", 0)
    known = over_20 + distance.get("20_or_less", 0)
    result["distance"]["over_20_share"] = (
        disclosure.SYMBOL if disclosure.SYMBOL in (result["distance"].get("over_20"), result["distance"].get("20_or_less"))
        else (round(over_20 / known, 4) if known else None)
    )
    result["benchmarks"] = {
        "looked_after": benchmark("looked_after", year),
        "short_term_stability": benchmark("short_term_stability", year),
        "long_term_stability": benchmark("long_term_stability", year),
        "over_20_miles": benchmark("over_20_miles", year),
        "care_leavers_suitable_accommodation": benchmark("care_leavers_suitable_accommodation", year),
        "care_leavers_eet": benchmark("care_leavers_eet", year),
    }
    return result
