"""`flask scorecard --format json` from responses in the database."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask

from feedback_app.scorecard.cli import scorecard_command
from tests.scorecard.db_helpers import add_responses


def test_json_export_counts_submitted_answers_by_quarter(sc_ctx: Flask, tmp_path: Path) -> None:
    add_responses("young-people", datetime(2024, 2, 10, 12, tzinfo=UTC), [("P1", True), ("P2", False)], 12)
    add_responses("young-people", datetime(2024, 5, 10, 12, tzinfo=UTC), [("P1", False), ("P2", None)], 11)
    # 31 March 23:30 UTC is already 1 April in London (BST): counted in Q2.
    add_responses("young-people", datetime(2024, 3, 31, 23, 30, tzinfo=UTC), [("P1", False)], 10)
    add_responses("young-people", datetime(2023, 12, 31, 12, tzinfo=UTC), [("P1", True)], 15)  # before the period
    out = tmp_path / "card.json"
    result = sc_ctx.test_cli_runner().invoke(
        scorecard_command, ["--from", "2024-01-01", "--to", "2024-06-30", "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    card = json.loads(out.read_text(encoding="utf-8"))
    assert card["suppression"] == {"threshold": 10, "symbol": "c"}
    p1 = next(p for p in card["promises"] if p["id"] == "P1")
    assert [(q["quarter"], q["kept"], q["answered"]) for q in p1["by_quarter"]] == [("2024Q1", "c", 12), ("2024Q2", "c", 21)]
    # Q1 is 12 of 12 kept: "none said not kept" is hidden like any small count, so the rate is "c".
    assert p1["by_quarter"][0]["rate"] == "c"
    assert p1["better_off"]["answered"] == 33
    assert card["how_much"]["responses"] == 33
    assert card["how_much"]["by_survey"] == [{"survey": "young-people", "cohort": "young_person", "responses": 33}]


def test_json_export_refuses_a_backwards_period(sc_ctx: Flask) -> None:
    result = sc_ctx.test_cli_runner().invoke(scorecard_command, ["--from", "2024-06-01", "--to", "2024-01-01"])
    assert result.exit_code != 0
    assert "before" in result.output
