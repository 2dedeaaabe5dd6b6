"""Rates, intervals, quarters and the curve, against figures worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from feedback_app.scorecard.periods import (
    baseline,
    forecast,
    quarter_label,
    trend_per_quarter,
    whole_quarters,
)
from feedback_app.scorecard.rates import kept_share, wilson_interval


def test_wilson_interval_matches_hand_calculation() -> None:
    # 8 of 10, z = 1.96: centre (0.8 + 0.19208) / 1.38416 = 0.71675,
    # half 1.96 * sqrt(0.016 + 0.0096040) / 1.38416 = 0.22659 -> 0.4902 .. 0.9433.
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)


def test_wilson_interval_stays_inside_zero_and_one_at_the_extremes() -> None:
    # 0 of 20: lower bound 0, upper z^2/(n+z^2) = 3.8415/23.8415 = 0.1611.
    low, high = wilson_interval(0, 20)
    assert low == 0.0
    assert high == pytest.approx(0.1611, abs=1e-4)
    low, high = wilson_interval(20, 20)
    assert high == 1.0
    assert low == pytest.approx(1 - 0.1611, abs=1e-4)


def test_no_answers_has_no_rate_or_interval() -> None:
    assert kept_share(0, 0) is None
    assert wilson_interval(0, 0) is None
    assert kept_share(3, 4) == 0.75


def test_periods_are_widened_to_whole_calendar_quarters() -> None:
    period = whole_quarters(date(2024, 2, 14), date(2024, 8, 1))
    assert (period.start, period.end) == (date(2024, 1, 1), date(2024, 9, 30))
    assert period.quarters == ["2024Q1", "2024Q2", "2024Q3"]
    assert quarter_label(date(2024, 12, 31)) == "2024Q4"
    with pytest.raises(ValueError):
        whole_quarters(date(2024, 5, 1), date(2024, 1, 1))


def test_curve_skips_suppressed_quarters() -> None:
    # Published rates 0.50, 0.60, 0.70 at quarters 1, 2, 3 (quarter 0 hidden):
    # slope 0.10 per quarter, baseline the first published one, forecast 0.80 then 0.90.
    rates = [None, 0.5, 0.6, 0.7]
    assert baseline(rates) == 0.5
    assert trend_per_quarter(rates) == pytest.approx(0.10)
    assert forecast(rates, 2) == pytest.approx([0.8, 0.9])


def test_forecast_needs_three_published_quarters_and_stays_a_share() -> None:
    assert trend_per_quarter([0.5, None, 0.6]) is None
    assert forecast([0.8, 0.9, 1.0], 2) == pytest.approx([1.0, 1.0])
