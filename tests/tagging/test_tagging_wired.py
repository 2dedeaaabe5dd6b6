"""Submitted comments are tagged after the response commits, never failing the submission."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models import Comment, CommentTags, Response
from feedback_app.tagging import service
from tests.helpers import csrf_token, hidden, submit_page, text_of


def _submit_with_comment(client: FlaskClient, text: str) -> str:
    page = client.get("/surveys/young-people")
    first = client.post("/surveys/young-people/start", data={"csrf_token": csrf_token(text_of(page))}).location
    url = first.rsplit("/", 1)[0] + "/anything_else"
    assert submit_page(client, url, {"answer": text, "action": "continue"}).status_code == 302
    check = text_of(client.get("/surveys/young-people/check"))
    done = client.post("/surveys/young-people/submit", data={"csrf_token": csrf_token(check), "draft": hidden(check, "draft")})
    assert done.status_code == 302
    done.close()  # the WSGI server closes the response once sent; tagging runs then
    return done.location


def test_comment_is_tagged_with_model_version_and_language(app: Flask, client: FlaskClient) -> None:
    _submit_with_comment(client, "I really miss my little brother, we only see each other once a month")
    with app.app_context():
        tags = db.session.scalar(select(CommentTags))
        assert tags is not None and tags.status == "tagged"
        assert "family_contact" in tags.themes
        assert tags.lang == "en" and tags.lang_detected
        assert tags.model_version and tags.tagged_at is not None


def test_tagger_failure_never_fails_the_submission_and_is_retried(app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, runner) -> None:  # type: ignore[no-untyped-def]
    def broken() -> None:
        raise RuntimeError("model files missing")

    monkeypatch.setattr(service, "_tagger", broken)
    location = _submit_with_comment(client, "school is ok")
    assert "done" in location and "reference" in text_of(client.get(location))
    with app.app_context():
        assert db.session.scalar(select(Response.status)) == "submitted"
        tags = db.session.scalar(select(CommentTags))
        assert tags.status == "failed" and "model files missing" in tags.last_error
        assert tags.safeguarding  # a comment nobody could read goes to a human
    monkeypatch.undo()
    result = runner.invoke(args=["nlp", "retry"])
    assert result.exit_code == 0 and "Tagged 1 comment(s); 0 failed" in result.output
    with app.app_context():
        assert db.session.scalar(select(CommentTags.status)) == "tagged"


def test_retag_rebuilds_every_comment(app: Flask, client: FlaskClient, runner) -> None:  # type: ignore[no-untyped-def]
    _submit_with_comment(client, "my social worker never calls me back")
    with app.app_context():
        comment_id = db.session.scalar(select(Comment.id))
        db.session.execute(CommentTags.__table__.delete())
        db.session.commit()
    result = runner.invoke(args=["nlp", "retag"])
    assert result.exit_code == 0 and "Tagged 1 comment(s)" in result.output
    with app.app_context():
        tags = db.session.scalar(select(CommentTags).filter_by(comment_id=comment_id))
        assert "social_worker" in tags.themes
