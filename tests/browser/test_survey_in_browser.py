"""Every survey completed in Chromium, in English and Arabic, by mouse and by keyboard, with axe."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from feedback_app.surveys.definitions_loader import Survey
from feedback_app.surveys.registry import open_survey_versions, survey_of
from tests.browser.conftest import serious_violations


def _surveys(app: Flask) -> list[Survey]:
    with app.app_context():
        return [survey_of(v) for v in open_survey_versions()]


SLUGS = ["little-voices", "children-8-11", "young-people", "care-leavers", "foster-carers"]


def _finish_by_mouse(page: Page, survey: Survey, axe: Axe | None, problems: list) -> None:  # type: ignore[type-arg]
    """Answer each question by clicking, pressing the main button; check each page with axe."""
    for question in survey.questions:
        assert f"/questions/{question.id}" in page.url, page.url
        if axe:
            problems += serious_violations(axe, page)
        if question.is_text:
            page.locator("textarea#answer").click()
            page.keyboard.type("Mae fy ngofalwr yn garedig, and school is good")
        else:
            # Click the label, as a child would tap the words or the picture.
            page.locator(f'label[for="answer-{question.options[-1].value}"]').click()
        page.locator('button[value="continue"]').click()
    assert page.url.endswith(f"/surveys/{survey.slug}/check")
    if axe:
        problems += serious_violations(axe, page)
    page.locator("form.submit-form button").click()
    assert page.url.endswith(f"/surveys/{survey.slug}/done")
    assert page.locator(".reference").inner_text().strip()
    if axe:
        problems += serious_violations(axe, page)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ar", "ur"])
def test_every_survey_by_mouse_with_no_serious_axe_violations(
    app: Flask, live_server: str, page: Page, axe: Axe, lang: str
) -> None:
    problems: list = []  # type: ignore[type-arg]
    page.goto(f"{live_server}/?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang in ("ar", "ur") else "ltr")
    problems += serious_violations(axe, page)
    surveys = {s.slug: s for s in _surveys(app)}
    assert set(SLUGS) <= set(surveys)
    for slug in SLUGS:
        page.goto(f"{live_server}/")
        page.locator(f'a[href="/surveys/{slug}"]').click()
        problems += serious_violations(axe, page)
        page.locator("button.button--start").click()
        _finish_by_mouse(page, surveys[slug], axe, problems)
        # The language was remembered all the way through.
        assert page.locator("html").get_attribute("lang") == lang
    for url in ("/help", "/resume"):
        page.goto(live_server + url)
        problems += serious_violations(axe, page)
    assert problems == []


def _tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has focus (proves it is reachable)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(sel) => document.activeElement && document.activeElement.matches(sel)", selector):
            return
    raise AssertionError(f"could not reach {selector} with the Tab key on {page.url}")


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ar", "ur"])
def test_every_survey_by_keyboard_alone(app: Flask, live_server: str, page: Page, lang: str) -> None:
    for survey in [s for s in _surveys(app) if s.slug in SLUGS]:
        page.goto(f"{live_server}/surveys/{survey.slug}?lang={lang}")
        _tab_to(page, "button.button--start")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/questions/{survey.questions[0].id}")
        for question in survey.questions:
            if question.is_text:
                _tab_to(page, "textarea#answer")
                page.keyboard.type("ok")
            else:
                # Tab reaches the radio group (or the first checkbox); Space chooses it.
                _tab_to(page, 'input[name="answer"]')
                page.keyboard.press("Space")
                assert page.evaluate("document.activeElement.checked")
                # The focused control shows a visible focus indicator.
                outline = page.evaluate("getComputedStyle(document.activeElement.nextElementSibling).outlineStyle")
                assert outline != "none"
            _tab_to(page, 'button[value="continue"]')
            with page.expect_navigation():
                page.keyboard.press("Enter")
        assert page.url.endswith(f"/surveys/{survey.slug}/check")
        _tab_to(page, "form.submit-form button")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith(f"/surveys/{survey.slug}/done")


@pytest.mark.browser
def test_survey_works_with_javascript_turned_off(browser: Browser, app: Flask, live_server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    survey = next(s for s in _surveys(app) if s.slug == "children-8-11")
    page.goto(f"{live_server}/surveys/{survey.slug}")
    page.locator("button.button--start").click()
    assert page.locator("button.listen").first.is_hidden()  # read-aloud needs JavaScript: no dead buttons
    _finish_by_mouse(page, survey, None, [])
    context.close()


@pytest.mark.browser
def test_errors_are_announced_and_focused(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/surveys/young-people")
    page.locator("button.button--start").click()
    page.locator('button[value="continue"]').click()
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    # app.js moves focus to the summary when it runs (deferred), so wait for it rather than race it.
    # expect() polls from Playwright's own isolated script; wait_for_function("...") would eval a
    # string in the page, which the page's CSP (no unsafe-eval) refuses when it has to poll.
    expect(summary).to_be_focused(timeout=5_000)
    assert page.title().startswith("Error:")
    assert page.locator("fieldset").get_attribute("aria-describedby").find("answer-error") >= 0


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 640])  # 640 CSS px is a 1280 px screen at 200% zoom
def test_no_sideways_scrolling_on_a_narrow_screen_or_at_200_percent_zoom(browser: Browser, live_server: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    for lang in ("en", "ar"):
        page.goto(f"{live_server}/surveys/young-people?lang={lang}")
        page.locator("button.button--start").click()
        for _ in range(3):  # a yes/no page, a scale page and whatever comes next
            assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
            page.locator('input[name="answer"]').first.check()
            page.locator('button[value="continue"]').click()
    context.close()


@pytest.mark.browser
def test_right_to_left_mirrors_the_scale_and_the_back_arrow(app: Flask, live_server: str, browser: Browser) -> None:
    # A tablet-wide screen, where the five faces sit in one row (on a phone they stack).
    page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    survey = next(s for s in _surveys(app) if s.slug == "young-people")
    scale = next(q for q in survey.questions if q.type == "scale5")
    positions = {}
    for lang in ("en", "ar"):
        page.goto(f"{live_server}/surveys/young-people?lang={lang}")
        page.locator("button.button--start").click()
        page.goto(f"{live_server}/surveys/young-people/questions/{scale.id}")
        first = page.locator('label[for="answer-1"]').bounding_box()
        last = page.locator('label[for="answer-5"]').bounding_box()
        back = page.locator(".back-link").bounding_box()
        bar, track = page.locator(".progress__bar").bounding_box(), page.locator(".progress").bounding_box()
        # The filled part of the progress bar starts at the reading edge: left in English, right in Arabic.
        starts_right = abs((bar["x"] + bar["width"]) - (track["x"] + track["width"])) < 3
        assert starts_right == (lang == "ar"), (lang, bar, track)
        positions[lang] = (first["x"], last["x"], back["x"])
        page.context.clear_cookies()
    assert positions["en"][0] < positions["en"][1]  # very unhappy on the left in English
    assert positions["ar"][0] > positions["ar"][1]  # and on the right in Arabic
    assert positions["ar"][2] > positions["en"][2]  # the back link sits at the right-hand edge


@pytest.mark.browser
def test_listen_reads_aloud_or_says_there_is_no_voice(app: Flask, live_server: str, page: Page) -> None:
    survey = next(s for s in _surveys(app) if s.slug == "little-voices")
    page.goto(f"{live_server}/surveys/little-voices?lang=en")
    page.locator("button.button--start").click()
    listen = page.locator('button[data-listen="question-text"]')
    # app.js shows the control once it has checked the browser can speak (a deferred script).
    listen.wait_for(state="visible", timeout=5_000)
    # Its accessible name says what it will read.
    assert survey.questions[0].text in listen.inner_text() or survey.questions[0].text in (listen.text_content() or "")
    # Every answer has its own Listen control too.
    assert page.locator("button.listen--small").count() == len(survey.questions[0].options) + 1
    voices = page.evaluate("speechSynthesis.getVoices().length")
    listen.click()
    if voices == 0:
        message = page.locator("#voice-message")
        message.wait_for(state="visible", timeout=5_000)
        assert message.get_attribute("role") == "status"
        assert "no voice for this language" in message.inner_text()
    else:
        assert page.evaluate("speechSynthesis.speaking || speechSynthesis.pending")
