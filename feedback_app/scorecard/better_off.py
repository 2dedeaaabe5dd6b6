"""Is anyone better off? Per promise: kept share, n, Wilson interval, by quarter and by group.

Everything is counted as atoms (promise x quarter x survey [x group]) with ``np.bincount`` on
integer codes, so a million responses take a few seconds; disclosure control then works on
those atoms (see disclosure.py for the rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from feedback_app.scorecard import disclosure
from feedback_app.scorecard.breakdowns import DIMENSIONS, LINKED, NOT_LINKED, Grouping


@dataclass(frozen=True)
class Filters:
    """Which responses a view counts: surveys and cohorts (None: all)."""

    surveys: frozenset[str] | None = None
    cohorts: frozenset[str] | None = None

    def survey_mask(self, slugs: list[str], cohort_of: dict[str, str]) -> np.ndarray:
        """True for each survey slug the view includes."""
        return np.array([
            (self.surveys is None or slug in self.surveys)
            and (self.cohorts is None or cohort_of.get(slug) in self.cohorts)
            for slug in slugs
        ], dtype=bool)


@dataclass
class AtomTable:
    """Kept and answered counts for every atom: arrays of shape (promise, quarter, survey, group...)."""

    kept: np.ndarray
    answered: np.ndarray

    def summed(self, survey_mask: np.ndarray, limit: int, keep_axes: tuple[int, ...]) -> tuple[np.ndarray, ...]:
        """Sum over the chosen surveys and the axes not kept; say which sums hold an unsafe atom."""
        kept = self.kept[:, :, survey_mask]
        answered = self.answered[:, :, survey_mask]
        count_unsafe = disclosure.unsafe_count(answered, limit)
        share_unsafe = disclosure.unsafe_share(kept, answered, limit)
        axes = tuple(a for a in range(kept.ndim) if a not in keep_axes)
        return (kept.sum(axis=axes), answered.sum(axis=axes), np.asarray(count_unsafe.any(axis=axes)), np.asarray(share_unsafe.any(axis=axes)))


@dataclass
class AnswerCodes:
    """Each counted answer's promise, quarter and survey code, and whether it says kept."""

    promise: np.ndarray
    quarter: np.ndarray
    survey: np.ndarray
    response_position: np.ndarray
    kept: np.ndarray
    promises: list[str]
    quarters: list[str]
    surveys: list[str]
    _atom: np.ndarray | None = field(default=None, repr=False, compare=False)

    def atom(self) -> np.ndarray:
        """Each answer's (promise, quarter, survey) atom as one integer, worked out once."""
        if self._atom is None:
            self._atom = (self.promise * len(self.quarters) + self.quarter) * len(self.surveys) + self.survey
        return self._atom


def category_codes(values: pd.Series, categories: list[str]) -> np.ndarray:
    """Position of each value in ``categories`` (-1 when absent or missing), as int64.

    A categorical column is recoded through its categories (a handful) instead of hashing
    every row's string again: nine million answers at national scale.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        lookup = np.append(pd.Index(categories).get_indexer(values.cat.categories.astype(object)), -1)
        return lookup[values.cat.codes.to_numpy()].astype(np.int64)  # code -1 (missing) reads the -1 appended
    return pd.Categorical(values.astype(object), categories=categories).codes.astype(np.int64)


def positions_of(index: pd.Index, ids: np.ndarray) -> np.ndarray:
    """Row position in ``index`` of each id (-1 when absent).

    Integer ids that are not too sparse go through a dense lookup table, several times faster
    than hashing nine million ids; anything else falls back to pandas.
    """
    keys = index.to_numpy()
    if (len(keys) and keys.dtype.kind in "iu" and np.asarray(ids).dtype.kind in "iu" and keys.min() >= 0
            and keys.max() <= 4 * len(keys) + 1_000_000 and index.is_unique):
        table = np.full(int(keys.max()) + 1, -1, dtype=np.int64)
        table[keys] = np.arange(len(keys))
        ids = np.asarray(ids, dtype=np.int64)
        inside = (ids >= 0) & (ids < len(table))
        return np.where(inside, table[np.clip(ids, 0, len(table) - 1)], -1)
    return index.get_indexer(ids)


def answer_codes(responses: pd.DataFrame, answers: pd.DataFrame, promises: list[str], quarters: list[str]) -> AnswerCodes:
    """Integer codes for every answer to a response in the period (one vectorised pass)."""
    surveys = sorted(pd.unique(responses["survey"].astype(object)).tolist()) if len(responses) else []
    position = positions_of(responses.index, answers["response_id"].to_numpy())
    promise = category_codes(answers["promise_id"], promises)
    keep = (position >= 0) & (promise >= 0)
    position = position[keep]
    quarter_of_response = category_codes(responses["quarter"], quarters)
    survey_of_response = category_codes(responses["survey"], surveys)
    return AnswerCodes(
        promise=promise[keep],
        quarter=quarter_of_response[position],
        survey=survey_of_response[position],
        response_position=position,
        kept=answers["kept"].to_numpy(dtype=bool)[keep],
        promises=promises,
        quarters=quarters,
        surveys=surveys,
    )


def count_atoms(codes: AnswerCodes, groups: np.ndarray | None = None, group_count: int = 1) -> AtomTable:
    """Bincount kept and answered into atoms; answers with group -1 are left out."""
    shape = (len(codes.promises), len(codes.quarters), len(codes.surveys), group_count)
    key = codes.atom() * group_count
    kept = codes.kept
    if groups is not None:
        key = key + groups
        chosen = groups >= 0
        if not chosen.all():
            key = key[chosen]
            kept = kept[chosen]
    size = int(np.prod(shape))
    answered = np.bincount(key, minlength=size).reshape(shape)
    kept_counts = np.bincount(key[kept], minlength=size).astype(np.int64).reshape(shape)
    return AtomTable(kept=kept_counts, answered=answered)


@dataclass
class PromiseAtoms:
    """All atoms the promise tables need, computed once per period and reused for every filter."""

    codes: AnswerCodes
    overall: AtomTable
    linked: AtomTable  # group 0 linked, group 1 not linked
    dimensions: dict[str, tuple[AtomTable, list[str]]]


def promise_atoms(codes: AnswerCodes, linked_response: np.ndarray, groupings: dict[str, Grouping]) -> PromiseAtoms:
    """Count the overall, linked/not linked and per-dimension atoms."""
    linked_group = np.where(linked_response[codes.response_position], 0, 1)
    dimensions = {}
    for dimension in DIMENSIONS:
        grouping = groupings[dimension]
        dimensions[dimension] = (
            count_atoms(codes, grouping.codes[codes.response_position], max(1, len(grouping.labels))),
            grouping.labels,
        )
    return PromiseAtoms(
        codes=codes,
        overall=count_atoms(codes),
        linked=count_atoms(codes, linked_group, 2),
        dimensions=dimensions,
    )


def promise_tables(atoms: PromiseAtoms, survey_mask: np.ndarray, limit: int) -> list[dict[str, Any]]:
    """Headline, by-quarter and breakdown figures for every promise under one filter."""
    codes = atoms.codes
    kept, answered, count_hidden, share_hidden = atoms.overall.summed(survey_mask, limit, keep_axes=(0,))
    q_kept, q_answered, q_count_hidden, q_share_hidden = atoms.overall.summed(survey_mask, limit, keep_axes=(0, 1))
    l_kept, l_answered, l_count_hidden, l_share_hidden = atoms.linked.summed(survey_mask, limit, keep_axes=(0, 3))
    # The whole linked/not linked split goes together: its two rows add up to the headline.
    split_count_hidden = np.asarray(l_count_hidden.any(axis=1))
    split_share_hidden = np.asarray(l_share_hidden.any(axis=1)) | split_count_hidden
    dimension_sums = {
        name: (labels, table.summed(survey_mask, limit, keep_axes=(0, 3)))
        for name, (table, labels) in atoms.dimensions.items()
    }
    tables = []
    for p, promise_id in enumerate(codes.promises):
        entry: dict[str, Any] = {
            "id": promise_id,
            "better_off": disclosure.share_cell(kept[p], answered[p], count_hidden[p], share_hidden[p]),
            "by_quarter": [
                {"quarter": quarter, **disclosure.share_cell(q_kept[p, q], q_answered[p, q], q_count_hidden[p, q], q_share_hidden[p, q])}
                for q, quarter in enumerate(codes.quarters)
            ],
            "linked": [
                {"group": label, **disclosure.share_cell(l_kept[p, g], l_answered[p, g], split_count_hidden[p], split_share_hidden[p])}
                for g, label in enumerate((LINKED, NOT_LINKED))
            ],
            "breakdowns": {},
        }
        for name, (labels, (d_kept, d_answered, d_count_hidden, d_share_hidden)) in dimension_sums.items():
            # All or nothing per dimension, and only when the linked total they add up to is shown.
            rows_count_hidden = bool(d_count_hidden[p].any()) or bool(split_count_hidden[p])
            rows_share_hidden = bool(d_share_hidden[p].any()) or bool(split_share_hidden[p]) or rows_count_hidden
            entry["breakdowns"][name] = [
                {"group": label, **disclosure.share_cell(d_kept[p, g], d_answered[p, g], rows_count_hidden, rows_share_hidden)}
                for g, label in enumerate(labels)
            ]
        tables.append(entry)
    return tables
