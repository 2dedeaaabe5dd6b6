"""Save and come back later: a short code, drafts on the server only, expiring after 30 days."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import Answer, Response
from feedback_app.survey_flow.codes import normalise_resume_code
from feedback_app.survey_flow.drafts import purge_expired_drafts
from tests.helpers import csrf_token, submit_page, text_of


def _save_after_first_answer(client: FlaskClient) -> tuple[str, str]:
    page = client.get("/surveys/care-leavers")
    started = client.post("/surveys/care-leavers/start", data={"csrf_token": csrf_token(text_of(page))})
    first_url = started.location
    saved = submit_page(client, first_url, {"answer": "yes", "action": "save"})
    html = text_of(saved)
    assert saved.status_code == 200 and "Your answers are saved" in html
    code = re.search(r'id="resume-code">([^<]+)<', html).group(1)
    return code, first_url


def test_code_is_words_and_a_number_and_brings_the_answers_back(app: Flask) -> None:
    code, first_url = _save_after_first_answer(app.test_client())
    assert re.fullmatch(r"[a-z]+-[a-z]+-\d{3}", code)
    other_device = app.test_client()
    page = text_of(other_device.get("/resume"))
    typed = code.replace("-", " ").upper()  # how people really type it
    resumed = other_device.post("/resume", data={"csrf_token": csrf_token(page), "code": typed})
    assert resumed.status_code == 302
    # The first question was answered, so the child carries on at the second.
    assert resumed.location != first_url and "/surveys/care-leavers/questions/" in resumed.location
    assert 'value="yes" checked' in text_of(other_device.get(first_url))


def test_code_is_not_stored_in_the_clear(app: Flask) -> None:
    code, _ = _save_after_first_answer(app.test_client())
    with app.app_context():
        response = db.session.scalar(select(Response))
        assert response.resume_code_hash and code not in response.resume_code_hash


def test_wrong_code_gets_a_clear_message_and_keeps_what_was_typed(client: FlaskClient) -> None:
    page = text_of(client.get("/resume"))
    refused = client.post("/resume", data={"csrf_token": csrf_token(page), "code": "otter maple 99x"})
    assert refused.status_code == 400
    assert "could not find a saved survey with that code" in text_of(refused)
    assert 'value="otter maple 99x"' in text_of(refused)


def test_saving_with_an_unfinished_page_keeps_earlier_answers(app: Flask) -> None:
    client = app.test_client()
    _code, first_url = _save_after_first_answer(client)
    second_url = first_url.rsplit("/", 1)[0]
    with app.app_context():
        from feedback_app.surveys.registry import open_version_for, survey_of

        survey = survey_of(open_version_for("care-leavers"))
        second_url += "/" + survey.questions[1].id
    saved = submit_page(client, second_url, {"action": "save"})  # nothing chosen on this page
    assert saved.status_code == 200 and "Your answers are saved" in text_of(saved)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 1


def test_drafts_expire_after_30_days(app: Flask) -> None:
    code, _ = _save_after_first_answer(app.test_client())
    with app.app_context():
        response = db.session.scalar(select(Response))
        assert response.expires_at is not None
        expires = response.expires_at.replace(tzinfo=response.expires_at.tzinfo or UTC)
        assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)
        response.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
    client = app.test_client()
    page = text_of(client.get("/resume"))
    assert client.post("/resume", data={"csrf_token": csrf_token(page), "code": code}).status_code == 400
    with app.app_context():
        assert purge_expired_drafts() == 1
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_code_normalisation() -> None:
    assert normalise_resume_code("  Otter  Maple 274 ") == "otter-maple-274"
    assert normalise_resume_code("otter-maple274") == "otter-maple-274"
    assert normalise_resume_code("robert'); drop table") is None
