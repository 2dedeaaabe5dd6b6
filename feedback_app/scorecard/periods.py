"""Quarters, and the "turn the curve" figures: baseline, trend and forecast if nothing changes.

The scorecard reports whole calendar quarters ("2024Q1" is January to March 2024). A period's
``from`` and ``to`` are widened to the quarters containing them, because disclosure control
works on whole quarters: a count for an arbitrary date range could be differenced against a
quarter to reveal a small number (requirement 30).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Period:
    """Whole quarters from ``start`` to ``end`` inclusive."""

    start: date
    end: date

    @property
    def quarters(self) -> list[str]:
        """Labels of the quarters in order, e.g. ["2024Q1", "2024Q2"]."""
        return [str(q) for q in pd.period_range(self.start, self.end, freq="Q")]


def quarter_label(day: date) -> str:
    """The quarter a date falls in, e.g. 2024-05-02 -> "2024Q2"."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(label: str) -> tuple[date, date]:
    """First and last day of a quarter label."""
    period = pd.Period(label, freq="Q")
    return period.start_time.date(), period.end_time.date()


def whole_quarters(start: date, end: date) -> Period:
    """The smallest run of whole quarters covering ``start``..``end``."""
    if end < start:
        raise ValueError("The period ends before it starts.")
    return Period(quarter_bounds(quarter_label(start))[0], quarter_bounds(quarter_label(end))[1])


def baseline(rates: list[float | None]) -> float | None:
    """The first published quarterly rate: the point the curve is measured from."""
    return next((r for r in rates if r is not None), None)


def trend_per_quarter(rates: list[float | None]) -> float | None:
    """Least-squares slope of the published rates against quarter number (change per quarter).

    Suppressed quarters are left out, never estimated: a trend fitted through a hidden value
    would let it be worked back out. Needs at least three published quarters.
    """
    points = [(i, r) for i, r in enumerate(rates) if r is not None]
    if len(points) < 3:
        return None
    x = np.array([p[0] for p in points], dtype=float)
    y = np.array([p[1] for p in points], dtype=float)
    slope = np.polyfit(x, y, 1)[0]
    return float(slope)


def forecast(rates: list[float | None], quarters_ahead: int = 2) -> list[float] | None:
    """Where the curve goes if nothing changes: the fitted line carried on, kept within 0..1."""
    points = [(i, r) for i, r in enumerate(rates) if r is not None]
    if len(points) < 3:
        return None
    x = np.array([p[0] for p in points], dtype=float)
    y = np.array([p[1] for p in points], dtype=float)
    slope, intercept = np.polyfit(x, y, 1)
    last = len(rates) - 1
    return [float(min(1.0, max(0.0, intercept + slope * (last + k)))) for k in range(1, quarters_ahead + 1)]


def next_quarters(label: str, count: int) -> list[str]:
    """The ``count`` quarter labels after ``label``."""
    period = pd.Period(label, freq="Q")
    return [str(period + k) for k in range(1, count + 1)]
