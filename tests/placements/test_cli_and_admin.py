"""The `placements` CLI group and the admin upload page."""

from __future__ import annotations

import io
import json
from pathlib import Path

from flask import Flask

from tests.helpers import csrf_token
from tests.placements.histories import FILES, POSTCODES
from tests.placements.test_import_validation import BREACHES


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_cli_import_then_measures_json(placement_tables: Flask, tmp_path: Path) -> None:
    runner = placement_tables.test_cli_runner()
    folder = _write(tmp_path, {**FILES, "postcodes.txt": POSTCODES})
    (folder / "postcodes.txt").rename(tmp_path / "lookup.csv.txt")
    result = runner.invoke(args=["placements", "import", str(folder), "--year-ending", "2024-03-31"])
    assert result.exit_code == 0, result.output
    assert "loaded" in result.output
    postcodes = runner.invoke(args=["placements", "postcodes", "import", str(tmp_path / "lookup.csv.txt")])
    assert "Stored 4 postcodes." in postcodes.output
    measures = runner.invoke(args=["placements", "measures", "--year-ending", "2024-03-31", "--format", "json"])
    data = json.loads(measures.output)
    assert data["looked_after"] == 7
    assert data["distance"] == {"20_or_less": 1, "over_20": 1, "not_known": 5}


def test_cli_rejects_invalid_files_unless_skip_invalid(placement_tables: Flask, tmp_path: Path) -> None:
    runner = placement_tables.test_cli_runner()
    folder = _write(tmp_path, BREACHES)
    report = tmp_path / "report.csv"
    refused = runner.invoke(args=["placements", "import", str(folder), "--report", str(report)])
    assert refused.exit_code == 1
    assert "episodes.csv row 7 CHILD 104 DECOM=01/03/2022: overlapping episodes" in refused.output
    assert "Nothing was written" in refused.output
    assert report.read_text().splitlines()[0] == "file,table,row,child,column,value,problem"
    loaded = runner.invoke(args=["placements", "import", str(folder), "--skip-invalid"])
    assert loaded.exit_code == 0
    assert "loaded_with_skips" in loaded.output


def test_admin_upload_shows_the_report_and_offers_csv(admin_client) -> None:  # type: ignore[no-untyped-def]
    client = admin_client
    page = client.get("/admin/placements/")
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "files": [(io.BytesIO(text.encode()), name) for name, text in BREACHES.items()],
    }
    posted = client.post("/admin/placements/", data=data, content_type="multipart/form-data")
    assert posted.status_code == 303
    report = client.get(posted.location)
    html = report.get_data(as_text=True)
    assert "Nothing was written" in html
    assert "<caption>Problems, by file and row" in html
    assert 'href="#issue-1"' in html and 'id="issue-1"' in html
    assert "provider given for a temporary placement or Z1 (PLACE T1): leave it blank" in html
    download = client.get(posted.location + "/report.csv")
    assert download.mimetype == "text/csv"
    lines = download.get_data(as_text=True).splitlines()
    assert len(lines) == 1 + 9


def test_admin_upload_without_files_says_what_to_do(admin_client) -> None:  # type: ignore[no-untyped-def]
    client = admin_client
    page = client.get("/admin/placements/")
    posted = client.post("/admin/placements/", data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert posted.status_code == 400
    assert 'href="#files"' in posted.get_data(as_text=True)


def test_admin_invitation_batch_can_be_exported(admin_client) -> None:  # type: ignore[no-untyped-def]
    client = admin_client
    page = client.get("/admin/placements/invitations")
    posted = client.post("/admin/placements/invitations",
                         data={"csrf_token": csrf_token(page.get_data(as_text=True)), "children": "811\n812\n"})
    assert posted.status_code == 303
    batch = client.get(posted.location).get_data(as_text=True)
    assert "811" in batch and "/i/" in batch
    exported = client.get(posted.location + ".csv").get_data(as_text=True).splitlines()
    assert exported[0] == "CHILD,link" and exported[1].startswith("811,") and len(exported) == 3


def test_admin_pages_are_closed_without_staff_sign_in(placement_tables: Flask) -> None:
    from tests.staff.support import FreshContextClient, make_user, sign_in

    anonymous = placement_tables.test_client().get("/admin/placements/")
    assert anonymous.status_code == 302 and "/staff/sign-in" in anonymous.location
    officer = FreshContextClient(placement_tables, placement_tables.response_class, use_cookies=True)
    with placement_tables.app_context():
        sign_in(officer, make_user("participation_officer"))
    assert officer.get("/admin/placements/").status_code == 403
