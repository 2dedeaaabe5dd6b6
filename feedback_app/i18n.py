"""Locale choice and text direction.

The locale comes from ``?lang=`` (then remembered in the session), else the session, else the
browser's Accept-Language, else English. Direction comes from Babel's locale data, so adding a
right-to-left language is a catalogue, not code.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from flask import current_app, has_request_context, request, session
from flask_babel import gettext, lazy_gettext, ngettext

__all__ = ["gettext", "lazy_gettext", "locale_direction", "locale_native_name", "ngettext", "select_locale"]


def supported_locales() -> list[str]:
    return list(current_app.config["SUPPORTED_LOCALES"])


def select_locale() -> str:
    """Flask-Babel locale selector."""
    if not has_request_context():
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    supported = supported_locales()
    asked = request.args.get("lang")
    if asked in supported:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in supported:
        return str(remembered)
    return request.accept_languages.best_match(supported) or supported[0]


@lru_cache(maxsize=64)
def locale_direction(code: str) -> str:
    """``rtl`` or ``ltr`` for a locale code, from CLDR via Babel."""
    try:
        return str(Locale.parse(code).text_direction)
    except (UnknownLocaleError, ValueError):
        return "ltr"


@lru_cache(maxsize=64)
def locale_native_name(code: str) -> str:
    """The language's name in its own script, for the language chooser."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:]
