"""A child can complete every survey in each of the ten locales (issue: every child can take part)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from markupsafe import escape

from feedback_app.i18n import locale_direction, locale_native_name
from feedback_app.surveys.registry import open_survey_versions, survey_of
from tests.helpers import csrf_token, hidden, submit_page, text_of

LOCALES = ["en", "ar", "ur", "fa", "ckb", "ps", "pl", "ro", "ti", "sq"]
CATALOGUES = Path(__file__).resolve().parent.parent / "translations"


def _translate(code: str):  # type: ignore[no-untyped-def]
    if code == "en":
        return lambda text: text
    with (CATALOGUES / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale=code)
    return lambda text: catalogue.get(text).string or text


def test_all_ten_locales_are_offered_in_their_own_script(app: Flask) -> None:
    assert app.config["SUPPORTED_LOCALES"] == LOCALES
    html = text_of(app.test_client().get("/"))
    for code, name in {"ar": "العربية", "ur": "اردو", "fa": "فارسی", "ps": "پښتو", "pl": "Polski", "ti": "ትግርኛ", "sq": "Shqip"}.items():
        assert locale_native_name(code) == name
        assert f'lang="{code}" dir="{locale_direction(code)}" hreflang="{code}"' in html


@pytest.mark.parametrize("code", LOCALES)
def test_every_survey_can_be_completed(app: Flask, code: str) -> None:
    translate = _translate(code)
    with app.app_context():
        surveys = [survey_of(v) for v in open_survey_versions()]
    client = app.test_client()
    client.get(f"/?lang={code}")
    for survey in surveys:
        start = text_of(client.get(f"/surveys/{survey.slug}"))
        assert f'<html lang="{code}" dir="{locale_direction(code)}">' in start
        url = client.post(f"/surveys/{survey.slug}/start", data={"csrf_token": csrf_token(start)}).location
        for question in survey.questions:
            page = text_of(client.get(url))
            assert str(escape(translate(question.text))) in page, (code, question.id)
            answer = {"answer": "ok"} if question.is_text else {"answer": question.options[0].value}
            saved = submit_page(client, url, {**answer, "action": "continue"})
            assert saved.status_code == 302, (code, question.id, text_of(saved)[:500])
            url = saved.location
        check = text_of(client.get(url))
        done = client.post(f"/surveys/{survey.slug}/submit", data={"csrf_token": csrf_token(check), "draft": hidden(check, "draft")})
        confirmation = text_of(client.get(done.location))
        assert str(escape(translate("Thank you. We have your answers"))) in confirmation
        assert "0800 1111" in confirmation


@pytest.mark.parametrize("code", ["ar", "pl", "ti"])
def test_numbers_are_formatted_for_the_locale(app: Flask, code: str) -> None:
    from flask_babel import force_locale, format_decimal

    with app.test_request_context(), force_locale(code):
        formatted = format_decimal(5000)
    client = app.test_client()
    start = text_of(client.get(f"/surveys/young-people?lang={code}"))
    url = client.post("/surveys/young-people/start", data={"csrf_token": csrf_token(start)}).location
    page = text_of(client.get(url.rsplit("/", 1)[0] + "/anything_else"))
    assert formatted in page
