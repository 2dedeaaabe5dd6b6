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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The generator lives in the package (the demo uses it too); the benchmark's history ends 31 March 2025.
LAST_DAY = date(2025, 3, 31)


def generate(folder: Path, children: int, per_child: float, seed: int = 903) -> int:
    """National-size synthetic history for the benchmark."""
    from feedback_app.placements.synthetic import generate as synthetic_history

    return synthetic_history(folder, children, per_child, seed, last_day=LAST_DAY)


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
