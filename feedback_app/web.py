"""Values every template needs: locale, direction, the language switcher, help numbers."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request
from flask_babel import get_locale

from feedback_app.i18n import locale_direction, locale_native_name


def _switch_url(code: str) -> str:
    args = request.args.to_dict()
    args["lang"] = code
    from urllib.parse import urlencode

    return f"{request.path}?{urlencode(args)}"


def init_template_context(app: Flask) -> None:
    """Register the context processor."""

    @app.context_processor
    def page_context() -> dict[str, Any]:
        locale = str(get_locale() or "en")
        return {
            "page_lang": locale.replace("_", "-"),
            "page_dir": locale_direction(locale),
            "languages": [
                {"code": code, "name": locale_native_name(code), "dir": locale_direction(code), "url": _switch_url(code)}
                for code in current_app.config["SUPPORTED_LOCALES"]
            ],
            "council_name": current_app.config["COUNCIL_NAME"],
            "out_of_hours_phone": current_app.config["OUT_OF_HOURS_PHONE"],
            "out_of_hours_label": current_app.config["OUT_OF_HOURS_LABEL"],
        }
