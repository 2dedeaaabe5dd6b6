"""Statistical disclosure control for everything the scorecard publishes (requirement 30).

The rule, and why it is safe under any filter or period:

- Every figure is a sum of **atoms**: the counts for one quarter and one survey (and, for a
  breakdown, one group). Filters choose surveys or cohorts (sets of surveys) and periods are
  whole quarters, so every figure under every filter is a union of atoms.
- An atom is **unsafe for a count** when it holds 1 to threshold-1 answers, and **unsafe for a
  share** when either part (kept, or not kept) holds 1 to threshold-1. An empty atom is safe:
  a true zero reveals nothing about anyone.
- A figure is published only when **every atom in it is safe** for that kind of figure; anything
  built on a hidden count (a rate, an interval, a RAG rating) is hidden with it.
- Tables whose rows add up to a published total (a breakdown's groups, languages) are published
  **all or nothing**, so a hidden row can never be had as the total minus the others. Breakdowns
  are published only when the linked / not linked split is, because the groups add up to the
  linked total.

Hence every published number is a sum of atoms that are each at least the threshold, and a
small atom never appears in any published number: no difference or other combination of
published figures, across any filters or periods, isolates it. The property test in
tests/scorecard/test_disclosure_property.py checks this with linear algebra over random data.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from feedback_app.scorecard.rates import wilson_interval

SYMBOL = "c"
DEFAULT_THRESHOLD = 10


def threshold() -> int:
    """The suppression threshold from SUPPRESSION_THRESHOLD (default 10)."""
    from flask import current_app

    return int(current_app.config.get("SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


def unsafe_count(counts: np.ndarray, limit: int) -> np.ndarray:
    """True where an atom holds a small non-zero count."""
    return (counts > 0) & (counts < limit)


def unsafe_share(part: np.ndarray, total: np.ndarray, limit: int) -> np.ndarray:
    """True where an atom's part, or the rest of it, is a small non-zero count.

    "0 of 25 said kept" and "25 of 25 said kept" both tell a reader what every child in the
    cell said, so a zero part of a non-empty atom is unsafe too.
    """
    rest = total - part
    return (total > 0) & ((part < limit) | (rest < limit))


def count_cell(value: int, hidden: bool) -> int | str:
    """A count as published: the number, or "c"."""
    return SYMBOL if hidden else int(value)


def share_cell(kept: int, answered: int, answered_hidden: bool, kept_hidden: bool) -> dict[str, Any]:
    """kept / answered / rate / ci as published, with "c" for anything built on a hidden count."""
    kept_hidden = kept_hidden or answered_hidden
    if kept_hidden or answered == 0:
        rate: float | str | None = SYMBOL if kept_hidden else None
        ci: list[float] | str | None = SYMBOL if kept_hidden else None
    else:
        rate = round(float(kept) / float(answered), 4)
        low, high = wilson_interval(int(kept), int(answered)) or (0.0, 0.0)
        ci = [round(float(low), 4), round(float(high), 4)]
    return {
        "kept": count_cell(kept, kept_hidden),
        "answered": count_cell(answered, answered_hidden),
        "rate": rate,
        "ci": ci,
    }


def suppress_partition(counts: dict[str, int], limit: int, total_published: bool = True) -> dict[str, int | str]:
    """One table whose rows add up to a published total (e.g. placement types at 31 March).

    Primary suppression hides small non-zero rows; if exactly one row is hidden and the total is
    published, the smallest other non-zero row is hidden too, so neither can be worked out.
    """
    hidden = {key for key, value in counts.items() if 0 < value < limit}
    if total_published and len(hidden) == 1:
        others = sorted((value, key) for key, value in counts.items() if key not in hidden and value > 0)
        if others:
            hidden.add(others[0][1])
    return {key: (SYMBOL if key in hidden else int(value)) for key, value in counts.items()}


def partition_hides_total(counts: dict[str, int], limit: int) -> bool:
    """True when a partition's single hidden row has no partner, so the total must be hidden."""
    hidden = [key for key, value in counts.items() if 0 < value < limit]
    partners = [key for key, value in counts.items() if value > 0 and key not in hidden]
    return len(hidden) == 1 and not partners


def fraction_cell(numerator: int, denominator: int, limit: int) -> dict[str, Any]:
    """numerator / denominator / rate, hiding a small part, a small rest, or a small denominator."""
    denominator_hidden = 0 < denominator < limit
    rest = denominator - numerator
    numerator_hidden = denominator_hidden or (denominator > 0 and (numerator < limit or rest < limit))
    return {
        "numerator": count_cell(numerator, numerator_hidden),
        "denominator": count_cell(denominator, denominator_hidden),
        "rate": SYMBOL if numerator_hidden else (round(numerator / denominator, 4) if denominator else None),
    }
