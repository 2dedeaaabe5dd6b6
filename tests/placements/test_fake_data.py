"""The third-party fake 903 data, which holds real breaches: the report must find them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from feedback_app.extensions import db
from feedback_app.models.placements import PlacementEpisode
from feedback_app.placements.importer import run_import
from feedback_app.placements.parse import SourceFile

FAKE = Path(__file__).resolve().parents[3] / "shared" / "data" / "ssda903-validator-fake"
if not FAKE.exists():  # the checkout may sit elsewhere; the shared folder is beside /work/main
    FAKE = Path("/work/shared/data/ssda903-validator-fake")


def _run(skip_invalid: bool = False):  # type: ignore[no-untyped-def]
    return run_import([SourceFile(p.name, p) for p in sorted(FAKE.glob("*.csv"))], skip_invalid=skip_invalid)


def test_fake_data_breaches_are_reported_and_nothing_written(ctx: Flask) -> None:
    result = _run()
    assert result.status == "rejected"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlacementEpisode)) == 0
    found = {(i.file, i.row, i.child, i.column, i.value): i.problem for i in result.issues}
    # A provider on a temporary placement (T2 with PR0).
    assert found[("episodes.csv", 2, "566910", "PLACE_PROVIDER", "PR0")].startswith("provider given for a temporary")
    # Old OC3 codes the current lists reject.
    assert found[("oc3.csv", 3, "864948", "ACTIV", "P3")] == "unknown ACTIV code (not in the 903 code list)"
    assert found[("oc3.csv", 2, "197474", "ACCOM", "01")] == "unknown ACCOM code (not in the 903 code list)"
    # A child with two open episodes (lines 3092 and 3094).
    assert found[("episodes.csv", 3092, "218074", "DEC", None)] == (
        "more than one open episode: no DEC, but a later episode starts 14/02/2018"
    )
    kinds = Counter(i.problem.split(":")[0].split(" (")[0] for i in result.issues)
    assert kinds["child in the Header has no episodes and no OC3 row"] == 541
    assert kinds["more than one open episode"] == 5  # five children have two open episodes
    assert kinds["DEC is missing"] == 5  # open episodes followed by a later, ended one
    assert kinds["provider given for a temporary placement or Z1"] == 1105
    assert kinds["overlapping episodes"] > 0


def test_fake_data_with_skip_invalid_loads_the_rest(ctx: Flask) -> None:
    result = _run(skip_invalid=True)
    assert result.status == "loaded_with_skips"
    invalid_episodes = len({i.row for i in result.issues if i.file == "episodes.csv"})
    stored = db.session.scalar(sa.select(sa.func.count()).select_from(PlacementEpisode))
    assert stored == 5050 - invalid_episodes
    assert result.rows_loaded == result.rows_read - result.rows_invalid
    ignored = {f["name"] for f in result.files if f["action"] == "ignored"}
    assert {"reviews.csv", "missing.csv", "oc2.csv", "ad1.csv"} <= ignored
