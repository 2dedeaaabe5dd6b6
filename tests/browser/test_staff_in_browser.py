"""Staff pages in Chromium with axe: sign-in (with the second factor), the alert queue and an
alert, triage by keyboard. Zero serious or critical accessibility violations."""

from __future__ import annotations

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page

from tests.browser.conftest import serious_violations
from tests.staff.support import PASSWORD, make_user, submitted_response

pytestmark = pytest.mark.browser


def _sign_in(page: Page, base: str, email: str, secret: str) -> None:
    page.goto(f"{base}/staff/sign-in")
    page.get_by_label("Work e-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("The 6-digit code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/staff/")


def test_sign_in_pages_are_accessible_including_the_error_state(app: Flask, live_server: str, page: Page, axe: Axe) -> None:
    with app.app_context():
        user = make_user("admin", enrolled=False)
        email = user.email
    page.goto(f"{live_server}/staff/sign-in")
    assert serious_violations(axe, page) == []
    page.get_by_label("Work e-mail address").fill(email)
    page.get_by_label("Password").fill("not the password at all")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert page.get_by_label("Work e-mail address").input_value() == email
    assert serious_violations(axe, page) == []
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector(".qr svg")
    assert serious_violations(axe, page) == []
    secret = page.locator("#secret").inner_text().replace(" ", "")
    page.get_by_label("The 6-digit code the app now shows").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm and sign in").click()
    page.wait_for_url(f"{live_server}/staff/")
    assert serious_violations(axe, page) == []


def test_alert_queue_and_alert_page_are_accessible_and_work_by_keyboard(app: Flask, live_server: str, page: Page, axe: Axe) -> None:
    from feedback_app.safeguarding.alerts import raise_alert

    app.config["MAIL_SEND_INLINE"] = False
    try:
        with app.app_context():
            _response, comment = submitted_response("Invented text: an older boy at the hostel threatens me.")
            alert = raise_alert(source="tagger", severity="high", reasons=["threat"], comment_id=comment.id, response_id=comment.response_id)
            raise_alert(source="unreadable", severity="normal", reasons=["unknown_language"])
            lead = make_user("safeguarding_lead")
            email, secret, alert_id = lead.email, lead.totp_secret, alert.id
    finally:
        app.config["MAIL_SEND_INLINE"] = True
    _sign_in(page, live_server, email, secret)
    page.goto(f"{live_server}/safeguarding/alerts")
    assert page.locator("tbody tr").count() == 2
    assert serious_violations(axe, page) == []
    page.get_by_role("link", name=f"#{alert_id}").click()
    assert "older boy" in page.locator(".comment-text").inner_text()
    assert serious_violations(axe, page) == []
    page.get_by_role("button", name="Acknowledge").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("text=is now Acknowledged")
    page.get_by_label("What action was taken").fill("Spoke to the hostel manager.")
    page.get_by_role("button", name="Record action taken").click()
    page.wait_for_selector("text=is now Action taken")
    page.get_by_role("button", name="Close the alert").click()
    page.wait_for_selector(".error-summary")
    assert serious_violations(axe, page) == []


def test_triage_queue_and_review_work_by_keyboard_and_are_accessible(app: Flask, live_server: str, page: Page, axe: Axe) -> None:
    from feedback_app.extensions import db
    from feedback_app.models import CommentTags

    with app.app_context():
        ids = []
        for text in ("Invented: I want to see my brother more often.", "Invented: my social worker keeps changing."):
            _r, comment = submitted_response(text)
            db.session.add(CommentTags(comment_id=comment.id, status="tagged", lang="en", themes=["family_contact"],
                                       scores={"family_contact": 0.7}, sentiment="negative", model_version="t"))
            ids.append(comment.id)
        db.session.commit()
        officer = make_user("participation_officer")
        email, secret = officer.email, officer.totp_secret
    _sign_in(page, live_server, email, secret)
    page.goto(f"{live_server}/triage/")
    assert serious_violations(axe, page) == []
    page.get_by_role("link", name="Start reviewing (2)").click()
    page.wait_for_url(f"**/triage/comments/{ids[0]}*")
    assert serious_violations(axe, page) == []
    page.keyboard.press("t")  # to the themes
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # being_heard -> ... whichever box is focused, tick it with Space
    page.keyboard.press("Space")
    page.keyboard.press("s")  # save and next
    page.wait_for_url(f"**/triage/comments/{ids[1]}*")
    with app.app_context():
        from sqlalchemy import select

        from feedback_app.models.triage import TagReview

        review = db.session.scalars(select(TagReview)).one()
        assert review.comment_id == ids[0] and "family_contact" in review.themes and len(review.themes) == 2
