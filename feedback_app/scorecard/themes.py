"""Themes from free text mapped to each promise: volume, share negative and trend by quarter.

Counts only: a board member never receives a comment's words from here. Quotes come separately,
and only once a participation officer approved a redacted version (quotes.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from feedback_app.scorecard import disclosure
from feedback_app.scorecard.periods import trend_per_quarter

NEGATIVE = "negative"


def theme_atoms(comments: pd.DataFrame, responses: pd.DataFrame, themes: list[str], quarters: list[str],
                surveys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Comment counts and negative counts per (theme, quarter, survey)."""
    shape = (len(themes), len(quarters), len(surveys))
    if comments.empty or not themes:
        return np.zeros(shape, dtype=np.int64), np.zeros(shape, dtype=np.int64)
    position = responses.index.get_indexer(comments["response_id"].to_numpy())
    frame = pd.DataFrame({
        "position": position,
        "themes": comments["themes"].to_numpy(),
        "negative": (comments["sentiment"].astype(object) == NEGATIVE).to_numpy(),
    })
    frame = frame[frame["position"] >= 0].explode("themes").dropna(subset=["themes"])
    theme_code = pd.Categorical(frame["themes"], categories=themes).codes.astype(np.int64)
    positions = frame["position"].to_numpy(dtype=np.int64)
    quarter = pd.Categorical(responses["quarter"].astype(object), categories=quarters).codes.astype(np.int64)[positions]
    survey = pd.Categorical(responses["survey"].astype(object), categories=surveys).codes.astype(np.int64)[positions]
    chosen = theme_code >= 0
    key = ((theme_code * shape[1] + quarter) * shape[2] + survey)[chosen]
    size = int(np.prod(shape))
    counts = np.bincount(key, minlength=size).reshape(shape)
    negatives = np.bincount(key, weights=frame["negative"].to_numpy(dtype=bool)[chosen], minlength=size)
    return counts, negatives.astype(np.int64).reshape(shape)


def theme_tables(counts: np.ndarray, negatives: np.ndarray, themes: list[str], quarters: list[str],
                 survey_mask: np.ndarray, limit: int) -> dict[str, dict[str, Any]]:
    """Published figures per theme under one filter (same atom rule as the promises)."""
    c = counts[:, :, survey_mask]
    n = negatives[:, :, survey_mask]
    count_unsafe = disclosure.unsafe_count(c, limit)
    share_unsafe = disclosure.unsafe_share(n, c, limit)
    result = {}
    for t, theme in enumerate(themes):
        total = int(c[t].sum())
        total_hidden = bool(count_unsafe[t].any())
        share_hidden = total_hidden or bool(share_unsafe[t].any())
        by_quarter = []
        for q, quarter in enumerate(quarters):
            hidden = bool(count_unsafe[t, q].any())
            by_quarter.append({"quarter": quarter, "count": disclosure.count_cell(int(c[t, q].sum()), hidden)})
        published = [float(row["count"]) if row["count"] != disclosure.SYMBOL else None for row in by_quarter]
        result[theme] = {
            "id": theme,
            "count": disclosure.count_cell(total, total_hidden),
            "negative_share": disclosure.SYMBOL if share_hidden else (round(int(n[t].sum()) / total, 4) if total else None),
            "by_quarter": by_quarter,
            # Comments per quarter, fitted only through published quarters.
            "trend_per_quarter": _rounded(trend_per_quarter(published)),
        }
    return result


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def promise_themes(theme_promises: dict[str, list[str]]) -> dict[str, list[str]]:
    """Promise id -> the theme ids mapped to it, in taxonomy order."""
    result: dict[str, list[str]] = {}
    for theme, promises in theme_promises.items():
        for promise in promises:
            result.setdefault(promise, []).append(theme)
    return result
