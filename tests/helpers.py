"""Small helpers for driving the app like a browser would (CSRF tokens, form posts)."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_DRAFT = re.compile(r'name="draft" value="([^"]*)"')
_VERSION = re.compile(r'name="version" value="([^"]*)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = _TOKEN.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def hidden(html: str, name: str) -> str:
    """The value of a hidden field."""
    match = {"draft": _DRAFT, "version": _VERSION}[name].search(html)
    assert match, f"page has no {name} field"
    return match.group(1)


def submit_page(client: FlaskClient, url: str, data: dict[str, Any], **kwargs: Any) -> TestResponse:
    """GET a page, then POST its form with ``data`` plus its CSRF token and hidden fields."""
    page = client.get(url)
    html = page.get_data(as_text=True)
    form = {"csrf_token": csrf_token(html)}
    for name in ("draft", "version"):
        if f'name="{name}"' in html:
            form[name] = hidden(html, name)
    form.update(data)
    return client.post(url, data=form, **kwargs)


def text_of(response: TestResponse) -> str:
    return response.get_data(as_text=True)
