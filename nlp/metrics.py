"""Precision, recall and F1 for multi-label themes."""

from __future__ import annotations

from collections.abc import Sequence

from nlp.taxonomy import THEMES


def per_theme(
    gold: Sequence[set[str]], predicted: Sequence[set[str]]
) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support of every theme."""
    table = {}
    for theme in THEMES:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if theme in g and theme in p)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if theme not in g and theme in p)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if theme in g and theme not in p)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[theme] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": float(tp + fn),
        }
    return table


def macro_f1(gold: Sequence[set[str]], predicted: Sequence[set[str]]) -> float:
    """Mean F1 over the themes that occur in the gold labels (absent themes have no F1)."""
    table = per_theme(gold, predicted)
    present = [row["f1"] for row in table.values() if row["support"] > 0]
    return sum(present) / len(present) if present else 0.0
