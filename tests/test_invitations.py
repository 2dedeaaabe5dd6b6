"""Personal invitation links: answers through one are linked to the child; the anonymous way stays open."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models import Response
from feedback_app.placements.linking import child_key, create_invitations
from tests.helpers import csrf_token, text_of


def _invite(app: Flask, child: str = "566910") -> str:
    with app.app_context():
        _, invitations = create_invitations([child], "young-people")
        db.session.commit()
        return invitations[0].token


def test_personal_link_links_the_response_by_child_key_only(app: Flask, client: FlaskClient) -> None:
    token = _invite(app)
    page = text_of(client.get(f"/i/{token}"))
    assert "we will know these answers are yours" in page and "Answer without my name" in page
    started = client.post(f"/i/{token}/young-people", data={"csrf_token": csrf_token(page)})
    assert started.location.endswith("/surveys/young-people")
    with app.app_context():
        response = db.session.scalar(select(Response))
        assert response.channel == "invite"
        assert response.child_key == child_key("566910")
        assert "566910" not in (response.child_key or "")


def test_the_anonymous_way_in_stays_anonymous(app: Flask, client: FlaskClient) -> None:
    token = _invite(app)
    client.get(f"/i/{token}")
    page = text_of(client.get("/surveys/young-people"))
    client.post("/surveys/young-people/start", data={"csrf_token": csrf_token(page)})
    with app.app_context():
        response = db.session.scalar(select(Response))
        assert response.child_key is None and response.channel == "self"


def test_unknown_link_is_a_friendly_404(client: FlaskClient) -> None:
    missing = client.get("/i/not-a-real-token")
    assert missing.status_code == 404 and "We could not find that page." in text_of(missing)
