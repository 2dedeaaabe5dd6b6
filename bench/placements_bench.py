"""Benchmark: a national-size synthetic 903 history through the importer and the measures.

    .venv/bin/python bench/placements_bench.py [--children 85000] [--episodes-per-child 17]

Generates 85,000 children and about 1.2 million episodes over 10 years (one Episodes file per
collection year, a Header, OC3 and UASC, and a postcode lookup) in a temporary folder, then for
SQLite (a temporary file) and PostgreSQL (when BENCH_DATABASE_URL or TEST_DATABASE_URL is set;
a throwaway database is created and dropped) runs, each in its own process so that peak
memory is that of the run alone:
  import rows per second, time to compute a year's measures, time for per-child features,
  peak resident memory.
Targets (issue 5): import >= 50,000 rows/s, measures <= 5 s, peak memory <= 2 GB.
Not run by the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST_DAY = np.datetime64("2015-04-01")
LAST_DAY = np.datetime64("2025-03-31")
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


def generate(folder: Path, children: int, per_child: float, seed: int = 903) -> int:
    """Write the synthetic return to ``folder``; returns the number of rows written."""
    rng = np.random.default_rng(seed)
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
    years = pd.Series(decom[keep]).dt.year.where(pd.Series(decom[keep]).dt.month > 3, pd.Series(decom[keep]).dt.year - 1)
    for year in sorted(years.unique()):
        part = episodes.loc[(years == year).to_numpy()]
        part.to_csv(folder / f"episodes_{year}-{str(year + 1)[2:]}.csv", index=False)
    leavers = rng.choice(children, children // 10, replace=False)
    leaver_dob = (np.datetime64("2024-03-31") - rng.integers(17 * 365 + 1, 21 * 365, len(leavers)).astype("timedelta64[D]"))
    dob[leavers] = leaver_dob
    pd.DataFrame({"CHILD": ids, "SEX": rng.choice(["1", "2"], children), "DOB": _dmy(dob), "ETHNIC": "WBRI",
                  "UPN": "", "MOTHER": "", "MC_DOB": ""}).to_csv(folder / "header.csv", index=False)
    pd.DataFrame({
        "CHILD": ids[leavers], "DOB": _dmy(leaver_dob),
        "IN_TOUCH": rng.choice(["YES", "NO", "REFU"], len(leavers), p=[0.85, 0.1, 0.05]),
        "ACTIV": rng.choice(["F1", "P1", "F2", "G4", "G6"], len(leavers)),
        "ACCOM": rng.choice(["B1", "C1", "D2", "K1", "S2", "Z1"], len(leavers)),
    }).to_csv(folder / "oc3_2023-24.csv", index=False)
    uasc = rng.choice(children, children // 16, replace=False)
    pd.DataFrame({"CHILD": ids[uasc], "SEX": "1", "DOB": _dmy(dob[uasc]), "DUC": ""}).to_csv(folder / "uasc.csv", index=False)
    pd.DataFrame({"pcds": pool, "oseast1m": rng.integers(370_000, 490_000, len(pool)),
                  "osnrth1m": rng.integers(380_000, 500_000, len(pool))}).to_csv(folder / "postcodes.lookup", index=False)
    return int(keep.sum()) + children + len(leavers) + len(uasc)


def run_phase(folder: Path, url: str) -> dict[str, object]:
    """Import, measures and features on one database (run in its own process)."""
    from feedback_app import create_app
    from feedback_app.extensions import db
    from feedback_app.models import placements as models
    from feedback_app.placements.features import child_features
    from feedback_app.placements.importer import run_import
    from feedback_app.placements.measures import compute_measures
    from feedback_app.placements.parse import SourceFile
    from feedback_app.placements.postcodes import import_postcodes

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        tables = [m.__table__ for m in (models.PlacementImport, models.PlacementChild, models.PlacementEpisode,
                                        models.PlacementCareLeaver, models.PlacementUasc, models.PlacementPostcode,
                                        models.PlacementInvitation)]
        db.metadata.create_all(db.engine, tables=tables)
        import_postcodes(folder / "postcodes.lookup")
        files = sorted(folder.glob("*.csv"))
        started = time.perf_counter()
        result = run_import([SourceFile(p.name, p) for p in files])
        import_seconds = time.perf_counter() - started
        started = time.perf_counter()
        measures = compute_measures(date(2024, 3, 31))
        measures_seconds = time.perf_counter() - started
        started = time.perf_counter()
        features = child_features(date(2024, 3, 31))
        features_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = run_import([SourceFile(p.name, p) for p in files if p.name.startswith("episodes_2023")])
        rerun_seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "status": result.status, "issues": len(result.issues), "rows": result.rows_read,
        "import_seconds": round(import_seconds, 2), "rows_per_second": round(result.rows_read / import_seconds),
        "measures_seconds": round(measures_seconds, 2), "features_seconds": round(features_seconds, 2),
        "features_rows": len(features), "rerun_one_year_rows": again.rows_read,
        "rerun_one_year_seconds": round(rerun_seconds, 2), "peak_rss_mb": round(peak_mb),
        "looked_after": measures["looked_after"], "short_term_stability": measures["short_term_stability"]["rate"],
        "long_term_stability": measures["long_term_stability"]["rate"],
    }


def _postgres(base_url: str) -> tuple[str, object, str]:
    import sqlalchemy as sa

    from feedback_app.config import normalise_database_url

    url = sa.make_url(normalise_database_url(base_url))
    name = f"placements_bench_{secrets.token_hex(4)}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return url.set(database=name).render_as_string(hide_password=False), admin, name


def main() -> None:
    """Generate once, then measure each database in a child process."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=85_000)
    parser.add_argument("--episodes-per-child", type=float, default=17.0)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(run_phase(Path(args.folder), args.phase)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        rows = generate(folder, args.children, args.episodes_per_child)
        print(f"generated {rows:,} rows for {args.children:,} children in {time.perf_counter() - started:.1f} s")
        targets = [("sqlite", f"sqlite:///{folder / 'bench.sqlite'}", None)]
        base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
        if base:
            url, admin, name = _postgres(base)
            targets.append(("postgresql", url, (admin, name)))
        for label, url, cleanup in targets:
            try:
                output = subprocess.run(
                    [sys.executable, __file__, "--phase", url, "--folder", str(folder)],
                    check=True, capture_output=True, text=True, cwd=ROOT,
                ).stdout
                figures = json.loads(output.strip().splitlines()[-1])
                print(f"{label}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
            finally:
                if cleanup is not None:
                    import sqlalchemy as sa

                    admin, name = cleanup
                    with admin.connect() as conn:  # type: ignore[attr-defined]
                        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
