"""Synthetic SSDA903 returns: realistic enough to exercise the importer, measures and scorecard.

Used by `flask --app feedback_app demo` (Leeds size) and by bench/placements_bench.py (national
size). Codes follow the DfE lists with plausible proportions; children, postcodes and dates are
invented, so no real child is in them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

SETTLED_PLACES = np.array(["U1", "U2", "U3", "U4", "U5", "U6", "K1", "K2", "R1", "H5", "P2", "A3", "A5", "P1", "S1"])
SETTLED_WEIGHTS = np.array([6, 3, 2, 20, 18, 12, 10, 2, 1, 6, 3, 2, 2, 6, 1], dtype=float)
PROVIDERS = np.array(["PR1", "PR4", "PR5", "PR2", "PR3"])
REASONS = np.array(["CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ", "PLACE", "OTHER"])
LEAVE_REASONS = np.array(["E11", "E12", "E13", "E2", "E3", "E41", "E45", "E46", "E47", "E48", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9"])


def _dmy(days: np.ndarray) -> np.ndarray:
    """datetime64[D] to dd/mm/YYYY text (blank for NaT), formatted once per distinct day."""
    unique, inverse = np.unique(days, return_inverse=True)
    text = np.array(["" if np.isnat(d) else pd.Timestamp(d).strftime("%d/%m/%Y") for d in unique], dtype=object)
    return text[inverse.reshape(-1)]


def generate(
    folder: Path, children: int, per_child: float, seed: int = 903, *, last_day: date = date(2025, 3, 31), years: int = 10
) -> int:
    """Write a synthetic 903 return for ``years`` collection years ending ``last_day`` to ``folder``.

    One Episodes file per collection year, a Header, an OC3 file for the last year, UASC, and a
    postcode lookup (``postcodes.lookup``, the ONS columns pcds/oseast1m/osnrth1m) with Leeds-like
    eastings and northings. Returns the number of rows written.
    """
    rng = np.random.default_rng(seed)
    LAST_DAY = np.datetime64(last_day.isoformat())
    FIRST_DAY = np.datetime64(date(last_day.year - years, 4, 1).isoformat())
    ids = np.char.add("C", np.arange(1_000_000, 1_000_000 + children).astype(str))
    counts = rng.poisson(per_child - 1, children) + 1
    total = int(counts.sum())
    child_of = np.repeat(np.arange(children), counts)
    position = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    durations = rng.exponential(230, total).astype(int) + 1
    span = np.bincount(child_of, weights=durations).astype(int)
    horizon = int((LAST_DAY - FIRST_DAY).astype(int))
    start_offset = rng.integers(0, np.maximum(horizon - span // 2, 1))
    cumulative = np.cumsum(durations) - np.repeat(np.cumsum(np.bincount(child_of, weights=durations)) - span, counts)
    decom = FIRST_DAY + (start_offset[child_of] + cumulative - durations).astype("timedelta64[D]")
    dec = decom + durations.astype("timedelta64[D]")
    last = np.r_[child_of[1:] != child_of[:-1], True]
    keep = decom <= LAST_DAY
    # The last episode kept for each child is open if it runs past the end of the data.
    ends_late = dec > LAST_DAY
    dec = np.where(ends_late, np.datetime64("NaT"), dec)

    rne = rng.choice(np.array(["P", "L", "T", "U", "B"]), total, p=[0.45, 0.3, 0.1, 0.05, 0.1])
    rne[position == 0] = "S"
    temporary = (rng.random(total) < 0.04) & (position > 0)
    place = rng.choice(SETTLED_PLACES, total, p=SETTLED_WEIGHTS / SETTLED_WEIGHTS.sum())
    place[temporary] = rng.choice(np.array(["T0", "T1", "T2", "T3", "T4"]), int(temporary.sum()))
    provider = rng.choice(PROVIDERS, total, p=[0.45, 0.35, 0.1, 0.05, 0.05]).astype(object)
    provider[temporary] = ""
    ls = rng.choice(np.array(["C2", "C1", "E1", "V2", "J2", "V3"]), total, p=[0.6, 0.25, 0.08, 0.04, 0.02, 0.01])
    closed = ~np.isnat(dec)
    rec = np.where(closed, np.where(last, rng.choice(LEAVE_REASONS, total), "X1"), "").astype(object)
    changes_place = np.r_[np.isin(rne[1:], ["P", "B", "T", "U"]) & (child_of[1:] == child_of[:-1]), False]
    reason = np.where(closed & changes_place, rng.choice(REASONS, total), "").astype(object)
    pool = np.array([f"LS{a} {b}{c}" for a in range(1, 30) for b in range(1, 10) for c in ("AA", "AB", "BA", "BB", "ZZ")])
    home = rng.choice(pool, children)[child_of]
    placed = rng.choice(pool, total)

    dob = FIRST_DAY + start_offset.astype("timedelta64[D]") - rng.integers(30, 16 * 365, children).astype("timedelta64[D]")

    episodes = pd.DataFrame({
        "CHILD": ids[child_of], "DECOM": _dmy(decom), "RNE": rne, "LS": ls, "CIN": "N1", "PLACE": place,
        "PLACE_PROVIDER": provider, "DEC": _dmy(dec), "REC": rec, "REASON_PLACE_CHANGE": reason,
        "HOME_POST": home, "PL_POST": placed, "URN": "",
    })[keep]
    started = pd.Series(decom[keep])
    # The 903 collection year runs April to March: January-March belongs to the year before.
    collection_year: pd.Series = started.dt.year.where(started.dt.month > 3, started.dt.year - 1)
    for year in sorted(collection_year.unique()):
        part = episodes.loc[(collection_year == year).to_numpy()]
        part.to_csv(folder / f"episodes_{year}-{str(year + 1)[2:]}.csv", index=False)
    leavers = rng.choice(children, children // 10, replace=False)
    leaver_dob = (LAST_DAY - rng.integers(17 * 365 + 1, 21 * 365, len(leavers)).astype("timedelta64[D]"))
    dob[leavers] = leaver_dob
    pd.DataFrame({"CHILD": ids, "SEX": rng.choice(["1", "2"], children), "DOB": _dmy(dob), "ETHNIC": "WBRI",
                  "UPN": "", "MOTHER": "", "MC_DOB": ""}).to_csv(folder / "header.csv", index=False)
    pd.DataFrame({
        "CHILD": ids[leavers], "DOB": _dmy(leaver_dob),
        "IN_TOUCH": rng.choice(["YES", "NO", "REFU"], len(leavers), p=[0.85, 0.1, 0.05]),
        "ACTIV": rng.choice(["F1", "P1", "F2", "G4", "G6"], len(leavers)),
        "ACCOM": rng.choice(["B1", "C1", "D2", "K1", "S2", "Z1"], len(leavers)),
    }).to_csv(folder / f"oc3_{last_day.year - 1}-{str(last_day.year)[2:]}.csv", index=False)
    uasc = rng.choice(children, children // 16, replace=False)
    pd.DataFrame({"CHILD": ids[uasc], "SEX": "1", "DOB": _dmy(dob[uasc]), "DUC": ""}).to_csv(folder / "uasc.csv", index=False)
    pd.DataFrame({"pcds": pool, "oseast1m": rng.integers(370_000, 490_000, len(pool)),
                  "osnrth1m": rng.integers(380_000, 500_000, len(pool))}).to_csv(folder / "postcodes.lookup", index=False)
    return int(keep.sum()) + children + len(leavers) + len(uasc)


