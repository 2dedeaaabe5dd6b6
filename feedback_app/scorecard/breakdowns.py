"""Placement features of linked responses, as the groups each breakdown reports.

A response is linked when it carries a child_key. Linked responses whose child is missing from
the placement history, or lacks a feature, fall in "not known".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

NOT_KNOWN = "not known"
NOT_LOOKED_AFTER = "not looked after at period end"
LINKED = "linked"
NOT_LINKED = "not linked"

DIMENSIONS = ["placement_type", "moves_last_12_months", "distance", "uasc", "age_band"]

# Groups in the order the Board reads them; anything else found in the data follows.
GROUP_ORDER: dict[str, list[str]] = {
    "placement_type": [],
    "moves_last_12_months": ["0-1", "2", "3+"],
    "distance": ["20 miles or less", "over 20 miles"],
    "uasc": ["UASC", "not UASC"],
    "age_band": ["under 10", "10-15", "16-17", "18+"],
}


@dataclass
class Grouping:
    """Per-response group codes (-1: not linked) and the group labels they index."""

    codes: np.ndarray
    labels: list[str]


def moves_band(moves: pd.Series) -> pd.Series:
    """0-1, 2, 3+ placement moves in the last 12 months."""
    values = pd.to_numeric(moves, errors="coerce")
    bands = pd.Series(np.where(values >= 3, "3+", np.where(values == 2, "2", "0-1")), index=moves.index, dtype=object)
    return bands.where(values.notna(), NOT_KNOWN)


def feature_groups(features: pd.DataFrame) -> pd.DataFrame:
    """One column per dimension with each child's group label, indexed by child_key."""
    if features.empty:
        return pd.DataFrame(columns=DIMENSIONS)
    groups = pd.DataFrame(index=features.index)
    groups["placement_type"] = features["placement_type_group"].astype(object).where(
        features["placement_type_group"].notna(), NOT_LOOKED_AFTER)
    groups["moves_last_12_months"] = moves_band(features["moves_last_12_months"])
    groups["distance"] = features["distance_band"].astype(object).where(features["distance_band"].notna(), NOT_KNOWN)
    groups["uasc"] = np.where(features["uasc"].astype(bool), "UASC", "not UASC")
    groups["age_band"] = features["age_band"].astype(object).where(features["age_band"].notna(), NOT_KNOWN)
    return groups


def response_groupings(child_keys: pd.Series, features: pd.DataFrame) -> dict[str, Grouping]:
    """Group codes for each response under each dimension (vectorised over all responses)."""
    groups = feature_groups(features)
    keys = child_keys.astype(object)
    linked = keys.notna().to_numpy()
    position = pd.Index(groups.index).get_indexer(keys.where(linked, None)) if len(groups) else np.full(len(keys), -1)
    found = position >= 0
    result: dict[str, Grouping] = {}
    for dimension in DIMENSIONS:
        column = groups[dimension].to_numpy(dtype=object) if len(groups) else np.array([], dtype=object)
        # Work per child, then per response by position: a million responses never hash a label.
        child_code, labels = pd.factorize(column, use_na_sentinel=False)
        response_code = np.full(len(keys), -1, dtype=np.int64)  # -1: linked but not in the features
        response_code[found] = child_code[position[found]]
        seen = np.unique(response_code[linked])
        present = {labels[c] for c in seen if c >= 0} | ({NOT_KNOWN} if (seen < 0).any() else set())
        order = [g for g in GROUP_ORDER[dimension] if g in present]
        order += sorted(g for g in present if g not in order and g not in (NOT_KNOWN, NOT_LOOKED_AFTER))
        order += [g for g in (NOT_LOOKED_AFTER, NOT_KNOWN) if g in present]
        in_order = pd.Index(order, dtype=object)
        code_of_label = np.append(in_order.get_indexer(pd.Index(labels, dtype=object)), in_order.get_indexer([NOT_KNOWN]))
        codes = code_of_label[response_code].astype(np.int64)  # -1 reads the appended "not known" code
        codes[~linked] = -1
        result[dimension] = Grouping(codes=codes, labels=order)
    return result
