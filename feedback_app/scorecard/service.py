"""How much did we do, and how well did we do it: the service measures.

How much: responses by survey, cohort, language and quarter; comments received; responses from
children and young people against the number looked after. How well: comments triaged within
target; safeguarding alerts acknowledged within their deadline; "you said, we did" actions done
by their due date. Every figure follows the atom rule in disclosure.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from feedback_app.scorecard import disclosure

CARER = "carer"  # the carers' survey is not counted against children looked after


def _codes(values: pd.Series, categories: list[str]) -> np.ndarray:
    return pd.Categorical(values.astype(object), categories=categories).codes.astype(np.int64)


def _bincount2(a: np.ndarray, b: np.ndarray, shape: tuple[int, int], weights: np.ndarray | None = None) -> np.ndarray:
    key = a * shape[1] + b
    out = np.bincount(key, weights=weights, minlength=shape[0] * shape[1])
    return out.astype(np.int64).reshape(shape)


def how_much(responses: pd.DataFrame, comments: pd.DataFrame, quarters: list[str], surveys: list[str],
             cohort_of: dict[str, str], survey_mask: np.ndarray, looked_after: int | None, limit: int) -> dict[str, Any]:
    """Responses and comments received, with the rate against children looked after."""
    q = _codes(responses["quarter"], quarters)
    s = _codes(responses["survey"], surveys)
    atoms = _bincount2(q, s, (len(quarters), len(surveys)))[:, survey_mask]
    unsafe = disclosure.unsafe_count(atoms, limit)
    chosen_surveys = [slug for slug, keep in zip(surveys, survey_mask, strict=True) if keep]

    languages = sorted(pd.unique(responses["language"].astype(object)).tolist()) if len(responses) else []
    lang = _codes(responses["language"], languages)
    lang_atoms = np.zeros((len(quarters), len(surveys), max(1, len(languages))), dtype=np.int64)
    if len(responses):
        key = (q * len(surveys) + s) * len(languages) + lang
        lang_atoms = np.bincount(key, minlength=lang_atoms.size).reshape(lang_atoms.shape)
    lang_atoms = lang_atoms[:, survey_mask]
    # Languages add up to the total: the table is shown whole or not at all.
    languages_hidden = bool(disclosure.unsafe_count(lang_atoms, limit).any())

    cohorts = sorted({cohort_of.get(slug, "unknown") for slug in chosen_surveys})
    children_mask = np.array([cohort_of.get(slug) != CARER for slug in chosen_surveys], dtype=bool)
    children = int(atoms[:, children_mask].sum())
    children_hidden = bool(unsafe[:, children_mask].any())

    comment_atoms = np.zeros_like(atoms)
    if len(comments):
        position = responses.index.get_indexer(comments["response_id"].to_numpy())
        position = position[position >= 0]
        comment_atoms = _bincount2(q[position], s[position], (len(quarters), len(surveys)))[:, survey_mask]
    comment_unsafe = disclosure.unsafe_count(comment_atoms, limit)

    rate: float | str | None = None
    if looked_after:
        rate = disclosure.SYMBOL if children_hidden else round(children / looked_after, 4)
    return {
        "responses": disclosure.count_cell(int(atoms.sum()), bool(unsafe.any())),
        "by_quarter": [
            {"quarter": quarter, "responses": disclosure.count_cell(int(atoms[i].sum()), bool(unsafe[i].any()))}
            for i, quarter in enumerate(quarters)
        ],
        "by_survey": [
            {"survey": slug, "cohort": cohort_of.get(slug, "unknown"),
             "responses": disclosure.count_cell(int(atoms[:, j].sum()), bool(unsafe[:, j].any()))}
            for j, slug in enumerate(chosen_surveys)
        ],
        "by_cohort": [
            {"cohort": cohort,
             "responses": disclosure.count_cell(
                 int(atoms[:, [cohort_of.get(x) == cohort for x in chosen_surveys]].sum()),
                 bool(unsafe[:, [cohort_of.get(x) == cohort for x in chosen_surveys]].any()))}
            for cohort in cohorts
        ],
        "by_language": [
            {"language": code, "responses": disclosure.count_cell(int(lang_atoms[:, :, k].sum()), languages_hidden)}
            for k, code in enumerate(languages)
        ],
        "comments": disclosure.count_cell(int(comment_atoms.sum()), bool(comment_unsafe.any())),
        "children_responses": disclosure.count_cell(children, children_hidden),
        "children_looked_after": looked_after,
        "response_rate": rate,
    }


def _share_over_atoms(on_time: np.ndarray, total: np.ndarray, limit: int) -> dict[str, Any]:
    # Timeliness is about staff, so a true zero (none late, none on time) may be shown; a small
    # non-zero number on either side is hidden because alerts and comments are about children.
    count_hidden = bool(disclosure.unsafe_count(total, limit).any())
    share_hidden = count_hidden or bool(
        (disclosure.unsafe_count(on_time, limit) | disclosure.unsafe_count(total - on_time, limit)).any())
    all_total = int(total.sum())
    return {
        "numerator": disclosure.count_cell(int(on_time.sum()), share_hidden),
        "denominator": disclosure.count_cell(all_total, count_hidden),
        "rate": disclosure.SYMBOL if share_hidden else (round(int(on_time.sum()) / all_total, 4) if all_total else None),
    }


def how_well(responses: pd.DataFrame, comments: pd.DataFrame, alerts: pd.DataFrame | None,
             actions: pd.DataFrame | None, quarters: list[str], surveys: list[str], survey_mask: np.ndarray,
             triage_target_days: int, limit: int) -> dict[str, Any]:
    """Triage, alert and action timeliness for the period."""
    from feedback_app.scorecard.frames import local_quarters

    result: dict[str, Any] = {}
    if len(comments):
        position = responses.index.get_indexer(comments["response_id"].to_numpy())
        keep = position >= 0
        created = pd.to_datetime(comments["created_at"], utc=True)[keep]
        triaged = pd.to_datetime(comments["triaged_at"], utc=True)[keep]
        within = (triaged.notna() & ((triaged - created) <= timedelta(days=triage_target_days))).to_numpy()
        q = _codes(responses["quarter"], quarters)[position[keep]]
        s = _codes(responses["survey"], surveys)[position[keep]]
        shape = (len(quarters), len(surveys))
        total = _bincount2(q, s, shape)[:, survey_mask]
        on_time = _bincount2(q, s, shape, within.astype(float))[:, survey_mask]
    else:
        total = on_time = np.zeros((len(quarters), int(survey_mask.sum())), dtype=np.int64)
    result["comments_triaged_within_target"] = {**_share_over_atoms(on_time, total, limit), "target_days": triage_target_days}

    if alerts is not None:
        if len(alerts):
            q = _codes(local_quarters(alerts["created_at"]), quarters)
            acknowledged = pd.to_datetime(alerts["acknowledged_at"], utc=True)
            deadline = pd.to_datetime(alerts["deadline_at"], utc=True)
            ok = (acknowledged.notna() & (acknowledged <= deadline)).to_numpy()
            keep = q >= 0
            total = np.bincount(q[keep], minlength=len(quarters))
            on_time = np.bincount(q[keep], weights=ok[keep], minlength=len(quarters)).astype(np.int64)
        else:
            total = on_time = np.zeros(len(quarters), dtype=np.int64)
        result["alerts_acknowledged_within_deadline"] = _share_over_atoms(on_time, total, limit)
    else:
        result["alerts_acknowledged_within_deadline"] = None

    if actions is not None:
        if len(actions):
            due = pd.to_datetime(actions["due_date"])
            q = _codes(due.dt.to_period("Q").astype(str), quarters)
            completed = pd.to_datetime(actions["completed_at"], utc=True).dt.tz_convert("Europe/London").dt.tz_localize(None).dt.normalize()
            ok = ((actions["status"] == "done") & completed.notna() & (completed <= due)).to_numpy()
            keep = q >= 0
            total = np.bincount(q[keep], minlength=len(quarters))
            on_time = np.bincount(q[keep], weights=ok[keep], minlength=len(quarters)).astype(np.int64)
        else:
            total = on_time = np.zeros(len(quarters), dtype=np.int64)
        result["actions_done_on_time"] = _share_over_atoms(on_time, total, limit)
    else:
        result["actions_done_on_time"] = None
    return result
