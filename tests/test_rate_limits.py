"""Rate limits on saving pages and on resume codes (requirement 16): typed text is never lost."""

from __future__ import annotations

from flask import Flask

from feedback_app import create_app
from tests.helpers import csrf_token, hidden, text_of


def _limited_app(app: Flask, **limits: str) -> Flask:
    return create_app("testing", {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "RATELIMIT_ENABLED": True, **limits})


def test_page_save_limit_reshows_the_page_with_the_text(app: Flask) -> None:
    limited = _limited_app(app, PAGE_SAVE_RATE_LIMIT="2 per minute")
    client = limited.test_client()
    page = client.get("/surveys/young-people")
    first = client.post("/surveys/young-people/start", data={"csrf_token": csrf_token(text_of(page))}).location
    url = first.rsplit("/", 1)[0] + "/anything_else"
    html = text_of(client.get(url))
    form = {"csrf_token": csrf_token(html), "draft": hidden(html, "draft"), "version": hidden(html, "version"), "action": "continue"}
    for attempt in range(2):
        assert client.post(url, data={**form, "answer": f"try {attempt}"}).status_code == 302
    limited_response = client.post(url, data={**form, "answer": "my long story that must not be lost"})
    assert limited_response.status_code == 429
    body = text_of(limited_response)
    assert "my long story that must not be lost" in body
    assert "Wait a minute" in body


def test_resume_code_guessing_is_limited(app: Flask) -> None:
    limited = _limited_app(app, RESUME_RATE_LIMIT="3 per minute")
    client = limited.test_client()
    token = csrf_token(text_of(client.get("/resume")))
    statuses = [client.post("/resume", data={"csrf_token": token, "code": f"otter-maple-{100 + i}"}).status_code for i in range(4)]
    assert statuses == [400, 400, 400, 429]
    last = client.post("/resume", data={"csrf_token": token, "code": "otter-maple-999"})
    assert 'value="otter-maple-999"' in text_of(last)
