"""Validation messages, all-or-nothing versus --skip-invalid, re-runs and several years at once."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Flask

from feedback_app.extensions import db
from feedback_app.models.placements import PlacementChild, PlacementEpisode, PlacementImport
from feedback_app.placements.linking import child_key
from feedback_app.placements.measures import compute_measures
from tests.placements.conftest import EPISODE_COLUMNS, HEADER_COLUMNS, csv_text, import_csv

BREACHES = {
    "header.csv": csv_text(
        HEADER_COLUMNS,
        "101,1,01/01/2012,WBRI,,,",
        "102,2,01/01/2020,WBRI,,,",
        "103,1,01/01/2010,WBRI,,,",
        "104,3,01/01/2011,WBRI,,,",
        "105,1,01/01/2012,WBRI,,,",
        "107,2,01/01/2012,WBRI,,,",
    ),
    "episodes.csv": csv_text(
        EPISODE_COLUMNS,
        "101,01/01/2022,S,C2,N1,X9,PR1,,,,,,",          # line 2: unknown PLACE
        "102,01/01/2019,S,C2,N1,U4,PR1,,,,,,",          # 3: born after care started
        "103,01/05/2022,S,C2,N1,U4,PR1,01/03/2022,X1,,,,",  # 4: ends before it starts
        "103,01/06/2022,P,C2,N1,T1,PR1,01/07/2022,X1,,,,",  # 5: provider for temporary
        "104,01/01/2021,S,C2,N1,U4,PR1,01/06/2022,X1,,,,",  # 6: valid
        "104,01/03/2022,P,C2,N1,U5,PR1,,,,,,",          # 7: overlaps line 6
        "105,01/01/2021,S,C2,N1,U4,PR1,,,,,,",          # 8: open, but a later one starts
        "105,01/06/2022,P,C2,N1,U5,PR1,,,,,,",          # 9: valid
        "106,01/01/2022,S,C2,N1,U4,PR1,,,,,,",          # 10: no Header row
        "101,31/02/2022,P,C2,N1,U4,PR1,,,,,,",          # 11: not a date
        "107,01/01/2022,S,C2,N1,U4,PR1,,,,,,",          # 12: valid
    ),
}

EXPECTED = {
    ("header.csv", 5, "104", "SEX", "3", "unknown SEX code (not in the 903 code list)"),
    ("episodes.csv", 2, "101", "PLACE", "X9", "unknown PLACE code (not in the 903 code list)"),
    ("episodes.csv", 3, "102", "DECOM", "01/01/2019", "date of birth 01/01/2020 (Header) is after care started"),
    ("episodes.csv", 4, "103", "DEC", "01/03/2022", "episode ends before it starts (DECOM 01/05/2022)"),
    ("episodes.csv", 5, "103", "PLACE_PROVIDER", "PR1",
     "provider given for a temporary placement or Z1 (PLACE T1): leave it blank"),
    ("episodes.csv", 7, "104", "DECOM", "01/03/2022",
     "overlapping episodes: starts before the previous episode ended (01/06/2022)"),
    ("episodes.csv", 8, "105", "DEC", None,
     "more than one open episode: no DEC, but a later episode starts 01/06/2022"),
    ("episodes.csv", 10, "106", "CHILD", "106", "no Header row for this CHILD (in this import or stored)"),
    ("episodes.csv", 11, "101", "DECOM", "31/02/2022", "DECOM is not a date in dd/mm/YYYY form"),
}


def _count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_report_names_file_row_child_column_value_and_problem(ctx: Flask) -> None:
    result = import_csv(BREACHES)
    found = {(i.file, i.row, i.child, i.column, i.value, i.problem) for i in result.issues}
    assert found == EXPECTED


def test_all_or_nothing_writes_nothing_but_keeps_the_report(ctx: Flask) -> None:
    result = import_csv(BREACHES)
    assert result.status == "rejected"
    assert _count(PlacementEpisode) == 0 and _count(PlacementChild) == 0
    run = db.session.get(PlacementImport, result.import_id)
    assert run is not None and run.status == "rejected" and len(run.report) == len(EXPECTED)
    assert run.report[0]["file"] == "episodes.csv" or run.report[0]["file"] == "header.csv"


def test_skip_invalid_loads_the_rest(ctx: Flask) -> None:
    result = import_csv(BREACHES, skip_invalid=True)
    assert result.status == "loaded_with_skips"
    assert result.rows_invalid == 9
    # Valid episodes: lines 6, 9 and 12; valid Header rows: all but 104.
    assert _count(PlacementEpisode) == 3
    assert _count(PlacementChild) == 5
    stored = set(db.session.scalars(sa.select(PlacementEpisode.child_key)))
    assert stored == {child_key("104"), child_key("105"), child_key("107")}
    assert len(db.session.get(PlacementImport, result.import_id).report) == len(EXPECTED)  # type: ignore[union-attr]


def test_rerun_replaces_the_row_with_the_same_child_and_decom(ctx: Flask) -> None:
    header = csv_text(HEADER_COLUMNS, "201,1,01/01/2012,WBRI,,,")
    first = import_csv({"header.csv": header, "episodes.csv": csv_text(
        EPISODE_COLUMNS, "201,01/01/2023,S,C2,N1,U4,PR1,,,,,,")})
    assert first.status == "loaded"
    assert compute_measures(date(2024, 3, 31))["looked_after"] == 1
    # The next year's return closes the episode; no Header this time (it is stored).
    second = import_csv({"episodes.csv": csv_text(
        EPISODE_COLUMNS, "201,01/01/2023,S,C2,N1,U4,PR1,01/02/2024,E11,,,,")})
    assert second.status == "loaded", second.issues
    rows = db.session.execute(sa.select(PlacementEpisode.dec, PlacementEpisode.rec)).all()
    assert rows == [(date(2024, 2, 1), "E11")]
    assert compute_measures(date(2024, 3, 31))["looked_after"] == 0
    assert compute_measures(date(2023, 3, 31))["looked_after"] == 1
    # Running the same file again changes nothing.
    import_csv({"episodes.csv": csv_text(EPISODE_COLUMNS, "201,01/01/2023,S,C2,N1,U4,PR1,01/02/2024,E11,,,,")})
    assert _count(PlacementEpisode) == 1


def test_later_row_in_the_same_run_replaces_the_earlier(ctx: Flask) -> None:
    result = import_csv({
        "header.csv": csv_text(HEADER_COLUMNS, "202,1,01/01/2012,WBRI,,,"),
        "episodes.csv": csv_text(
            EPISODE_COLUMNS,
            "202,01/01/2023,S,C2,N1,U4,PR1,,,,,,",
            "202,01/01/2023,S,C2,N1,U1,PR1,,,,,,",
        ),
    })
    assert result.status == "loaded" and result.issues == []
    assert db.session.scalars(sa.select(PlacementEpisode.place)).all() == ["U1"]


def test_several_years_at_once(ctx: Flask) -> None:
    header = csv_text(HEADER_COLUMNS, "301,1,01/01/2012,WBRI,,,", "302,2,01/05/2005,WBRI,,,")
    result = import_csv({
        "header.csv": header,
        # 2022-23: the episode is open on 31/03/2023.
        "episodes_2022-23.csv": csv_text(EPISODE_COLUMNS, "301,01/06/2022,S,C2,N1,U4,PR1,,,,,,"),
        # 2023-24: the same episode, now ended (CREQB), and the next one.
        "episodes_2023-24.csv": csv_text(
            EPISODE_COLUMNS,
            "301,01/06/2022,S,C2,N1,U4,PR1,01/09/2023,X1,CREQB,,,",
            "301,01/09/2023,P,C2,N1,U5,PR4,,,,,,",
        ),
        "oc3_2022-23.csv": csv_text("CHILD,DOB,IN_TOUCH,ACTIV,ACCOM", "302,01/05/2005,NO,G4,B2"),
        "oc3_2023-24.csv": csv_text("CHILD,DOB,IN_TOUCH,ACTIV,ACCOM", "302,01/05/2005,YES,F1,B1"),
    })
    assert result.status == "loaded", result.issues
    earlier = compute_measures(date(2023, 3, 31))
    later = compute_measures(date(2024, 3, 31))
    assert earlier["placement_types"]["other foster: own council"] == 1
    assert later["placement_types"]["other foster: agency"] == 1
    assert later["unplanned_endings"]["count"] == 1
    assert earlier["care_leavers"]["in_touch"]["numerator"] == 0
    assert earlier["care_leavers"]["in_touch"]["denominator"] == 1
    assert later["care_leavers"]["in_touch"]["numerator"] == 1


def test_other_tables_and_unknown_files_are_ignored_not_errors(ctx: Flask) -> None:
    result = import_csv({
        "header.csv": csv_text(HEADER_COLUMNS, "401,1,01/01/2012,WBRI,,,"),
        "episodes.csv": csv_text(EPISODE_COLUMNS, "401,01/01/2023,S,C2,N1,U4,PR1,,,,,,"),
        "reviews.csv": csv_text("CHILD,DOB,REVIEW,REVIEW_CODE", "401,01/01/2012,01/02/2023,PN1"),
        "notes.csv": csv_text("WHAT,WHEN", "something,today"),
    })
    assert result.status == "loaded" and result.issues == []
    actions = {f["name"]: (f["table"], f["action"]) for f in result.files}
    assert actions["reviews.csv"] == ("Reviews", "ignored")
    assert actions["notes.csv"] == (None, "not recognised: ignored")
    assert actions["episodes.csv"] == ("Episodes", "loaded")


def test_open_stored_episode_then_new_one_is_reported_on_the_new_row(ctx: Flask) -> None:
    import_csv({
        "header.csv": csv_text(HEADER_COLUMNS, "501,1,01/01/2012,WBRI,,,"),
        "episodes.csv": csv_text(EPISODE_COLUMNS, "501,01/01/2023,S,C2,N1,U4,PR1,,,,,,"),
    })
    result = import_csv({"next.csv": csv_text(EPISODE_COLUMNS, "501,01/06/2023,P,C2,N1,U5,PR1,,,,,,")})
    assert result.status == "rejected"
    assert [(i.row, i.column, i.problem) for i in result.issues] == [
        (2, "DECOM", "more than one open episode: a stored episode from 01/01/2023 has no DEC")
    ]
