"""The board page, downloads and the staff pages behind the scorecard, as each role sees them."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models.scorecard import ApprovedQuote, ScorecardTarget, StoryNote
from tests.scorecard.db_helpers import add_responses
from tests.staff.support import csrf, make_user, sign_in

PERIOD = {"from": "2024Q1", "to": "2024Q2"}
SECRET_WORDS = "I told my carer Jenny at Parkside Primary School that I feel lonely"


def _fill(flagged_comment: bool = True) -> None:
    for month, kept in ((2, 14), (5, 16)):
        add_responses("young-people", datetime(2024, month, 10, 12, tzinfo=UTC), [("P1", True), ("P2", True)], kept)
        add_responses("young-people", datetime(2024, month, 11, 12, tzinfo=UTC), [("P1", False), ("P2", False)], 12,
                      comment=SECRET_WORDS if flagged_comment else None)


def _signed_in(client: FlaskClient, role: str) -> FlaskClient:
    sign_in(client, make_user(role, f"{role}-sc@example.test"))
    return client


@pytest.mark.parametrize("role", ["board_member", "admin"])
def test_board_members_and_admins_read_the_scorecard_without_any_free_text(sc_ctx: Flask, client: FlaskClient, role: str) -> None:
    _fill()
    page = _signed_in(client, role).get("/board", query_string=PERIOD)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Promise-delivery scorecard" in html
    # P1: 30 kept of 54 answers = 55.6%, shown with its interval, a chart and a data table.
    assert "55.6%" in html
    assert 'role="img"' in html and "<desc id=\"chart-P1-desc\">" in html
    assert "<caption>P1 by quarter</caption>" in html
    assert "Jenny" not in html and "lonely" not in html
    assert "Download board pack (PDF)" in html


@pytest.mark.parametrize("role", ["advocate", "participation_officer", "safeguarding_lead"])
def test_other_staff_cannot_open_the_board_page(sc_ctx: Flask, client: FlaskClient, role: str) -> None:
    assert _signed_in(client, role).get("/board").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(sc_ctx: Flask, client: FlaskClient) -> None:
    response = client.get("/board")
    assert response.status_code == 302
    assert "/staff/sign-in" in response.headers["Location"]
    assert client.get("/board/download.json").status_code == 302


def test_board_page_in_arabic_is_right_to_left(sc_ctx: Flask, client: FlaskClient) -> None:
    _fill()
    html = _signed_in(client, "board_member").get("/board", query_string={**PERIOD, "lang": "ar"}).get_data(as_text=True)
    assert 'dir="rtl"' in html and 'lang="ar"' in html


def test_downloads_give_the_same_figures_as_json_csv_and_pdf(sc_ctx: Flask, client: FlaskClient) -> None:
    _fill()
    _signed_in(client, "board_member")
    card = json.loads(client.get("/board/download.json", query_string=PERIOD).get_data(as_text=True))
    p1 = next(p for p in card["promises"] if p["id"] == "P1")
    assert (p1["better_off"]["kept"], p1["better_off"]["answered"]) == (30, 54)
    response = client.get("/board/download.csv", query_string=PERIOD)
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[1][:7] == ["better_off", "P1", "kept share", "all", "2024-01-01..2024-06-30", "30", "54"]
    pdf = client.get("/board/download.pdf", query_string=PERIOD)
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert client.get("/board/download.xlsx").status_code == 404


def test_admin_sets_targets_and_the_board_sees_the_rating(sc_ctx: Flask, client: FlaskClient) -> None:
    _fill()
    _signed_in(client, "admin")
    token = csrf(client, "/board/targets")
    response = client.post("/board/targets", data={"csrf_token": token, "target-P1": "60", "margin-P1": "5", "target-P2": "abc"})
    assert response.status_code == 400
    assert "Enter a percentage from 0 to 100" in response.get_data(as_text=True)
    response = client.post("/board/targets", data={"csrf_token": token, "target-P1": "60", "margin-P1": "5"})
    assert response.status_code == 302
    assert db.session.get(ScorecardTarget, "P1").target == pytest.approx(0.6)
    html = client.get("/board", query_string=PERIOD).get_data(as_text=True)
    # 55.6% is within 5 points of 60%: amber, said in words and with a shape, not by colour alone.
    assert "Amber: just below target" in html and "▲" in html


def test_staff_write_the_story_behind_the_curve(sc_ctx: Flask, client: FlaskClient, new_client) -> None:  # type: ignore[no-untyped-def]
    _fill()
    _signed_in(client, "participation_officer")
    token = csrf(client, "/board/stories")
    response = client.post("/board/stories", data={"csrf_token": token, "promise_id": "P1", "quarter": "2024Q2",
                                                   "text": "Online safety sessions began in two children's homes."})
    assert response.status_code == 302
    assert db.session.scalar(select(StoryNote.text)).startswith("Online safety")
    board = make_user("board_member", "bm2@example.test")
    other = new_client()
    sign_in(other, board)
    assert "Online safety sessions began" in other.get("/board", query_string=PERIOD).get_data(as_text=True)


def test_only_approved_redacted_quotes_reach_the_board(sc_ctx: Flask, client: FlaskClient, new_client) -> None:  # type: ignore[no-untyped-def]
    _fill()
    from feedback_app.models import Comment

    comment_id = db.session.scalar(select(Comment.id).limit(1))
    _signed_in(client, "participation_officer")
    token = csrf(client, "/board/quotes")
    proposal = client.post("/board/quotes", data={"csrf_token": token, "action": "propose", "comment_id": comment_id})
    text = proposal.get_data(as_text=True)
    # The suggestion removes the name and the school; the officer sees both versions.
    assert "[name]" in text and "[school]" in text
    unchecked = client.post("/board/quotes", data={"csrf_token": token, "action": "approve", "comment_id": comment_id,
                                                   "promise_id": "P1", "text": "My carer Jenny is kind"})
    assert unchecked.status_code == 400  # still looks like it holds a name: asks for a check
    approved = client.post("/board/quotes", data={"csrf_token": token, "action": "approve", "comment_id": comment_id,
                                                  "promise_id": "P1", "text": "I told my carer that I feel lonely"})
    assert approved.status_code == 302
    assert db.session.scalar(select(ApprovedQuote.status)) == "approved"
    board = new_client()
    sign_in(board, make_user("board_member", "bm3@example.test"))
    html = board.get("/board", query_string=PERIOD).get_data(as_text=True)
    assert "I told my carer that I feel lonely" in html
    assert "Jenny" not in html and "Parkside" not in html


def test_board_members_cannot_reach_the_quote_or_target_pages(sc_ctx: Flask, client: FlaskClient) -> None:
    _signed_in(client, "board_member")
    assert client.get("/board/quotes").status_code == 403
    assert client.get("/board/targets").status_code == 403
    assert client.get("/board/stories").status_code == 403
