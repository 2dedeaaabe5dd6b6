"""A respondent can see and delete what they sent with their reference, unless a safeguarding hold applies."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import Response
from tests.helpers import csrf_token, hidden, submit_page, text_of


def _send(client: FlaskClient, text: str) -> str:
    page = client.get("/surveys/young-people")
    first = client.post("/surveys/young-people/start", data={"csrf_token": csrf_token(text_of(page))}).location
    submit_page(client, first.rsplit("/", 1)[0] + "/anything_else", {"answer": text, "action": "continue"})
    check = text_of(client.get("/surveys/young-people/check"))
    done = client.post("/surveys/young-people/submit", data={"csrf_token": csrf_token(check), "draft": hidden(check, "draft")})
    return re.search(r'class="reference" dir="ltr">([^<]+)<', text_of(client.get(done.location))).group(1)


def _look_up(client: FlaskClient, reference: str):  # type: ignore[no-untyped-def]
    page = text_of(client.get("/my-answers"))
    return client.post("/my-answers", data={"csrf_token": csrf_token(page), "reference": reference})


def test_see_and_delete_with_the_reference(app: Flask, client: FlaskClient) -> None:
    reference = _send(client, "the food at my placement is nice")
    other = app.test_client()  # another day, another device
    shown = other.get(_look_up(other, reference.lower().replace("-", " ")).location)
    assert "the food at my placement is nice" in text_of(shown)
    deleted = other.post("/my-answers/delete", data={"csrf_token": csrf_token(text_of(shown))})
    assert "Your answers are deleted" in text_of(deleted)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_unknown_reference_gets_a_clear_message(client: FlaskClient) -> None:
    refused = _look_up(client, "ZZZZ-ZZZZ")
    assert refused.status_code == 400 and "could not find answers with that reference" in text_of(refused)
    assert 'value="ZZZZ-ZZZZ"' in text_of(refused)


def test_safeguarding_hold_stops_deletion_and_says_why(app: Flask, client: FlaskClient) -> None:
    from feedback_app.safeguarding.alerts import raise_alert

    reference = _send(client, "nothing else")
    with app.app_context():
        response_id = db.session.scalar(select(Response.id))
        raise_alert(source="unsafe_button", severity="high", reasons=["I feel unsafe"], response_id=response_id)
    shown = client.get(_look_up(client, reference).location)
    assert "We cannot delete these answers yet" in text_of(shown)
    assert "Delete my answers" not in text_of(shown)
    client.post("/my-answers/delete", data={"csrf_token": csrf_token(text_of(shown))})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
