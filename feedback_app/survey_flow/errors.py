"""Error pages that never lose what a child typed.

A forged or expired CSRF token (requirement 26) and a rate limit (requirement 16) on a question
page re-show that page with the posted answer and a message, instead of a bare error.
"""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from feedback_app.i18n import lazy_gettext as _l

_EXPIRED = _l(
    "This page timed out to keep your answers safe. Nothing you typed is lost: check your answer "
    "and press Continue again."
)
_TOO_FAST = _l(
    "You are going faster than we can keep up with. Wait a minute, then press Continue again. "
    "Your answer is still here."
)


def _reshow_question(message: str, status: int):  # type: ignore[no-untyped-def]
    """Re-render the question page that was posted, with what was posted, or None if not one."""
    from feedback_app.survey_flow import drafts
    from feedback_app.survey_flow.routes import _render_question
    from feedback_app.surveys.registry import survey_by_version_id

    if request.method != "POST" or request.endpoint != "survey.answer":
        return None
    args = request.view_args or {}
    response = drafts.find_draft(request.form.get("draft"), args.get("slug"))
    if response is None:
        return None
    survey = survey_by_version_id(response.survey_version_id)
    question = survey.question(str(args.get("question_id")))
    if question is None:
        return None
    typed = request.form.get("answer", "") if question.is_text else None
    values = [] if question.is_text else request.form.getlist("answer")
    return _render_question(survey, question, response, values=values, text=typed, error=str(message), status=status)


def init_error_pages(app: Flask) -> None:
    """Register the handlers."""

    def _keep_what_was_typed(message: str, status: int):  # type: ignore[no-untyped-def]
        page = _reshow_question(message, status)
        if page is not None:
            return page
        if request.endpoint == "survey.resume":
            return render_template("survey_flow/resume.html", form=None, error=message, typed=request.form.get("code", "")), status
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):  # type: ignore[no-untyped-def]
        return _keep_what_was_typed(str(_EXPIRED), 400)

    @app.errorhandler(429)
    def too_many(exc: HTTPException):  # type: ignore[no-untyped-def]
        return _keep_what_was_typed(str(_TOO_FAST), 429)

    @app.errorhandler(404)
    def not_found(exc: HTTPException):  # type: ignore[no-untyped-def]
        return render_template("error.html", status=404, message=str(_l("We could not find that page."))), 404

    @app.errorhandler(400)
    def bad_request(exc: HTTPException):  # type: ignore[no-untyped-def]
        return render_template("error.html", status=400, message=str(_l("Something was wrong with that request. Please go back and try again."))), 400

    @app.errorhandler(500)
    def server_error(exc: Exception):  # type: ignore[no-untyped-def]
        return render_template("error.html", status=500, message=str(_l("Sorry, something went wrong on our side. Your saved answers are safe. Please try again in a few minutes."))), 500
