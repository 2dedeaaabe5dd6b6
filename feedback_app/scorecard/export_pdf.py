"""The PDF board pack, made with WeasyPrint from the same figures, charts and tables as the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

HERE = Path(__file__).resolve().parent
STYLESHEETS = [HERE.parent / "static" / "css" / "app.css", HERE / "static" / "board.css",
               HERE.parent / "static" / "css" / "print-board.css"]


def pack_html(card: dict[str, Any], lang: str = "en") -> str:
    """The board pack as one self-contained HTML document (no request leaves the server)."""
    from flask import has_request_context

    from feedback_app.i18n import locale_direction
    from feedback_app.scorecard.views import page_context

    if not has_request_context():
        # The CLI has no request; templates' context processors expect one.
        with current_app.test_request_context("/board"):
            return pack_html(card, lang)
    css = "\n".join(path.read_text(encoding="utf-8") for path in STYLESHEETS if path.exists())
    with force_locale(lang):
        return render_template(
            "scorecard/pack.html", lang=lang, direction=locale_direction(lang), css=css,
            council_name=current_app.config.get("COUNCIL_NAME", ""), **page_context(card),
        )


def scorecard_pdf(card: dict[str, Any], lang: str = "en") -> bytes:
    """PDF bytes of the board pack."""
    from weasyprint import HTML

    # base_url points nowhere remote: every style is inline and every chart is inline SVG.
    return bytes(HTML(string=pack_html(card, lang), base_url=str(HERE)).write_pdf())
