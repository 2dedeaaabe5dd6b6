"""The board page in Chromium with axe, in English and Arabic: zero serious or critical issues.

The board sits behind staff sign-in, so this module serves its own staff-enabled app (the same
test database) rather than the survey-only live server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page
from werkzeug.serving import make_server

from feedback_app.extensions import db
from feedback_app.models.scorecard import SCORECARD_TABLES, ScorecardTarget
from feedback_app.scorecard import init_scorecard
from tests.browser.conftest import serious_violations
from tests.scorecard.db_helpers import add_responses
from tests.staff.support import PASSWORD, make_user, staff_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def board_server(database_url: str) -> Iterator[tuple[Flask, str]]:
    """The staff-enabled app with the scorecard, on a loopback port."""
    application = staff_app(database_url)
    init_scorecard(application)
    with application.app_context():
        db.metadata.create_all(db.engine, tables=SCORECARD_TABLES)
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield application, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _board_data(app: Flask) -> str:
    with app.app_context():
        for month in (2, 5, 8, 11):
            add_responses("young-people", datetime(2024, month, 3, 12, tzinfo=UTC), [("P1", True), ("P6", True)], 15, language="ar")
            add_responses("young-people", datetime(2024, month, 4, 12, tzinfo=UTC), [("P1", False), ("P6", False)], 11)
        db.session.merge(ScorecardTarget(promise_id="P1", target=0.6, amber_margin=0.05))
        db.session.commit()
        user = make_user("board_member", "board-browser@example.test")
        return str(user.totp_secret)


def _sign_in(page: Page, base: str, secret: str) -> None:
    page.goto(f"{base}/board?from=2024Q1&to=2024Q4")
    page.fill("#email", "board-browser@example.test")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("button[type=submit]")
    page.wait_for_url("**/board**")


def test_board_page_has_no_serious_axe_issues_in_english_and_arabic(
    app: Flask, board_server: tuple[Flask, str], page: Page, axe: Axe
) -> None:
    # Requesting ``app`` makes the shared fixture empty the tables afterwards (same database).
    app, base = board_server
    secret = _board_data(app)
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, base, secret)
    problems = []
    for lang, direction in (("en", "ltr"), ("ar", "rtl")):
        page.goto(f"{base}/board?from=2024Q1&to=2024Q4&lang={lang}")
        assert page.locator("html").get_attribute("dir") == direction
        # Each chart is an image with a name and a description, with its table beside it.
        chart = page.locator("svg#chart-P1, svg[aria-labelledby^='chart-P1-title']").first
        assert chart.get_attribute("role") == "img"
        assert page.locator("caption", has_text="P1").count() >= 1
        assert page.locator(".rag").first.is_visible()
        problems += serious_violations(axe, page)
    # The filters work from the keyboard and keep the page usable.
    page.goto(f"{base}/board?from=2024Q1&to=2024Q4&lang=en")
    page.select_option("#cohort", "young_person")
    page.click("form.board-filters button[type=submit]")
    page.wait_for_url("**cohort=young_person**")
    problems += serious_violations(axe, page)
    assert problems == []
