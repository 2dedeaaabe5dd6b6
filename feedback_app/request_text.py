"""Posted text that was not valid UTF-8 (requirement 29).

Werkzeug keeps undecodable percent-escapes as literal text, which would store "%FF" silently. A
hook that runs before CSRF protection reads the form caches the raw body, and notes every field
whose bytes do not decode, so the page can say so and show the rest of what was typed.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from flask import Flask, g, request

_HIGH_BYTE_ESCAPE = re.compile(rb"%[89a-fA-F]")


def note_invalid_utf8() -> None:
    """Before-request hook: remember fields whose bytes are not UTF-8, decoded with U+FFFD marks."""
    if request.method != "POST" or request.mimetype != "application/x-www-form-urlencoded":
        return
    raw = request.get_data(cache=True)
    if raw.isascii() and _HIGH_BYTE_ESCAPE.search(raw) is None:
        # Only an escaped byte of 0x80 or more can be part of invalid UTF-8: nothing to check.
        g.invalid_utf8 = {}
        return
    bad = {}
    for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="latin-1"):
        data = value.encode("latin-1")
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            bad[name] = data.decode("utf-8", errors="replace")
    g.invalid_utf8 = bad


def posted_text(name: str) -> str:
    """A posted text field, with undecodable bytes as U+FFFD so validation can report them."""
    return g.get("invalid_utf8", {}).get(name) or request.form.get(name, "")


def init_request_text(app: Flask) -> None:
    """Register the hook; call before CSRFProtect so the body is still unread."""
    app.before_request(note_invalid_utf8)
