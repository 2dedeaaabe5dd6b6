"""Views of the survey journey. Every page works without JavaScript."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from werkzeug.wrappers import Response as WerkzeugResponse

from feedback_app.extensions import db, limiter
from feedback_app.models import Response
from feedback_app.models.responses import DRAFT
from feedback_app.request_text import posted_text
from feedback_app.signals import response_submitted
from feedback_app.survey_flow import bp, drafts
from feedback_app.survey_flow.codes import normalise_resume_code
from feedback_app.survey_flow.forms import EmptyForm, ResumeForm, form_class_for
from feedback_app.survey_flow.validation import check_answer
from feedback_app.surveys.definitions_loader import Question, Survey
from feedback_app.surveys.registry import (
    open_survey_versions,
    open_version_id,
    survey_by_version_id,
    survey_of,
)

Page = str | WerkzeugResponse | tuple[str, int]


def _locale() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def remember_draft(response: Response) -> None:
    """Make ``response`` this browser's draft of its survey (used by other entry points too)."""
    _remember_draft(response)


def _remember_draft(response: Response) -> None:
    _remember_token(response.survey_slug, response.draft_token)


def _remember_token(slug: str, token: str) -> None:
    # Only a change is written: an unchanged session is not re-signed and re-sent on every page.
    if session.get("drafts", {}).get(slug) == token:
        return
    drafts_by_slug = dict(session.get("drafts", {}))
    drafts_by_slug[slug] = token
    session["drafts"] = drafts_by_slug


def _forget_draft(slug: str) -> None:
    drafts_by_slug = dict(session.get("drafts", {}))
    drafts_by_slug.pop(slug, None)
    session["drafts"] = drafts_by_slug


def _current_draft(slug: str) -> Response | None:
    """The draft this browser is filling in: from the session, else from the page's hidden token."""
    token = session.get("drafts", {}).get(slug) or request.form.get("draft")
    response = drafts.find_draft(token, slug)
    if response is not None and response.status == DRAFT:
        _remember_draft(response)
        return response
    return None


def _survey_or_404(slug: str) -> tuple[int, Survey]:
    """The open version id of ``slug`` and its Survey; 404 for an unknown or closed survey."""
    version_id = open_version_id(slug)
    if version_id is None:
        abort(404)
    return version_id, survey_by_version_id(version_id)


def _question_url(survey: Survey, question: Question, **params: Any) -> str:
    return url_for("survey.question", slug=survey.slug, question_id=question.id, **params)


@bp.teardown_app_request
def _close_hot_connection(exc: BaseException | None) -> None:
    drafts.close_hot_connection(exc)


@bp.before_app_request
def _remember_easy_read() -> None:
    """``?easy=1`` switches to easy-read wording (and larger text) until ``?easy=0``."""
    asked = request.args.get("easy")
    if asked in ("0", "1"):
        session["easy"] = asked == "1"


@bp.app_context_processor
def _easy_read_context() -> dict[str, Any]:
    easy = bool(session.get("easy"))
    args = request.args.to_dict() if request else {}
    args["easy"] = "0" if easy else "1"
    return {"easy_read": easy, "easy_toggle_url": request.path + "?" + urlencode(args)}


@bp.get("/")
def start_page() -> Page:
    """The start page: every open survey, and a way back in with a code."""
    surveys = [survey_of(v) for v in open_survey_versions()]
    return render_template("survey_flow/start.html", surveys=surveys)


@bp.get("/help")
def get_help() -> Page:
    """Get help now: 999, Childline and the council's out-of-hours number."""
    return render_template("survey_flow/help.html")


@bp.get("/surveys/<slug>")
def before_you_start(slug: str) -> Page:
    """Before you start: anonymous by default, who reads answers, the limit of confidentiality."""
    _version, survey = _survey_or_404(slug)
    draft = _current_draft(slug)
    return render_template("survey_flow/before_you_start.html", survey=survey, draft=draft, form=EmptyForm())


@bp.post("/surveys/<slug>/start")
def start(slug: str) -> Page:
    """Create a draft (or carry on with this browser's draft) and go to its first open question."""
    version_id, survey = _survey_or_404(slug)
    response = _current_draft(slug)
    if response is None or response.survey_version_id != version_id:
        response = drafts.start_draft(version_id, slug, _locale())
        _remember_draft(response)
    nxt = drafts.first_unanswered(survey, response)
    if nxt is None:
        return redirect(url_for("survey.check", slug=slug))
    return redirect(_question_url(survey, nxt))


def _render_question(
    survey: Survey,
    question: Question,
    response: Response,
    *,
    values: list[str],
    text: str | None,
    error: str | None = None,
    status: int = 200,
    notice: str | None = None,
) -> tuple[str, int]:
    index = survey.index_of(question.id)
    previous = survey.questions[index - 1] if index > 0 else None
    form = form_class_for(question)(formdata=None)
    html = render_template(
        "survey_flow/question.html",
        survey=survey,
        question=question,
        response=response,
        form=form,
        values=values,
        text=text or "",
        error=error,
        notice=notice,
        number=index + 1,
        total=len(survey.questions),
        previous=previous,
        changing=request.args.get("change") == "1",
        limit=current_app.config["MAX_TEXT_LENGTH"],
    )
    return html, status


@bp.get("/surveys/<slug>/questions/<question_id>")
def question(slug: str, question_id: str) -> Page:
    """One question, with the answer already saved (if any) filled in."""
    version_id, survey = _survey_or_404(slug)
    q = survey.question(question_id)
    if q is None:
        abort(404)
    response = _current_draft(slug)
    if response is None:
        return redirect(url_for("survey.before_you_start", slug=slug))
    # A draft started on an older version is answered against that version's questions.
    if response.survey_version_id != version_id:
        survey = survey_by_version_id(response.survey_version_id)
        q = survey.question(question_id) or abort(404)
    return _render_question(
        survey, q, response, values=drafts.saved_answers(response).get(q.id, []), text=drafts.saved_texts(response).get(q.id)
    )


@bp.post("/surveys/<slug>/questions/<question_id>")
@limiter.limit(lambda: current_app.config["PAGE_SAVE_RATE_LIMIT"])
def answer(slug: str, question_id: str) -> Page:
    """Save one answer, then go on (or to the check page when changing an answer)."""
    _survey_or_404(slug)
    token = session.get("drafts", {}).get(slug) or request.form.get("draft")
    saved = _save_in_one_statement(slug, question_id, token)
    if saved is not None:
        return saved
    # The full path reads only the draft's few columns (drafts.find_draft_ref); the ORM object
    # is loaded only for the rarer pages that need it (an error re-shown, save for later).
    draft = drafts.find_draft_ref(token, slug)
    if draft is None or draft.status != DRAFT:
        done = session.get("done", {}).get(slug)
        if done:
            return redirect(url_for("survey.done", slug=slug))
        return redirect(url_for("survey.before_you_start", slug=slug))
    assert token is not None  # a draft was found by it
    _remember_token(slug, token)
    survey = survey_by_version_id(draft.survey_version_id)
    q = survey.question(question_id)
    if q is None:
        abort(404)
    posted_values = request.form.getlist("answer") if not q.is_text else []
    typed = posted_text("answer") if q.is_text else None
    if request.form.get("version") != str(draft.survey_version_id):
        # The page was tampered with or built from another survey version: keep what was typed.
        return _render_question(
            survey, q, _draft_object(draft), values=[], text=typed,
            error=str(_VERSION_MISMATCH), status=400,
        )
    checked = check_answer(
        q, posted_values, typed, prefer_not=bool(request.form.get("prefer_not")),
        limit=current_app.config["MAX_TEXT_LENGTH"],
    )
    action = request.form.get("action", "continue")
    if not checked.ok:
        if action == "save":
            # Saving for later must never fail because this page is unfinished: keep earlier answers.
            return _save_for_later(survey, _draft_object(draft))
        return _render_question(
            survey, q, _draft_object(draft), values=checked.values or posted_values,
            text=checked.text if checked.text is not None else typed, error=checked.error, status=400,
        )
    drafts.save_answer(draft, q, checked.values or [], checked.text or None)
    if action == "save":
        return _save_for_later(survey, _draft_object(draft))
    return _after_saving(survey, q)


def _after_saving(survey: Survey, q: Question) -> WerkzeugResponse:
    """The next question, or the check page when changing an answer or after the last one."""
    if request.args.get("change") == "1":
        return redirect(url_for("survey.check", slug=survey.slug))
    index = survey.index_of(q.id)
    if index + 1 < len(survey.questions):
        return redirect(_question_url(survey, survey.questions[index + 1]))
    return redirect(url_for("survey.check", slug=survey.slug))


def _save_in_one_statement(slug: str, question_id: str, token: str | None) -> WerkzeugResponse | None:
    """The hot path of the hottest page (PostgreSQL): a valid answer on "Continue" is saved in one
    round trip, the draft found by its token inside the same statement. None means "not here":
    no token, another database, an invalid answer, another action, or no open draft of the posted
    version; the full path then deals with it exactly as before (nothing has been written)."""
    if not token or not drafts.can_save_by_token() or request.form.get("action", "continue") != "continue":
        return None
    try:
        version_id = int(request.form.get("version", ""))
        survey = survey_by_version_id(version_id)
    except (ValueError, LookupError):
        return None
    q = survey.question(question_id)
    if survey.slug != slug or q is None:
        return None
    checked = check_answer(
        q, request.form.getlist("answer") if not q.is_text else [],
        posted_text("answer") if q.is_text else None,
        prefer_not=bool(request.form.get("prefer_not")), limit=current_app.config["MAX_TEXT_LENGTH"],
    )
    if not checked.ok:
        return None
    if not drafts.save_answer_by_token(token, slug, version_id, q, checked.values or [], checked.text or None):
        return None
    _remember_token(slug, token)
    return _after_saving(survey, q)


def _draft_object(draft: drafts.DraftRef) -> Response:
    response = db.session.get(Response, draft.id)
    if response is None:  # deleted between two statements of this request
        abort(404)
    return response


def _save_for_later(survey: Survey, response: Response) -> Page:
    code = drafts.issue_resume_code(response)
    return render_template("survey_flow/saved.html", survey=survey, code=code, response=response)


@bp.get("/surveys/<slug>/check")
def check(slug: str) -> Page:
    """Check your answers, with a Change link for each."""
    _survey_or_404(slug)
    response = _current_draft(slug)
    if response is None:
        if session.get("done", {}).get(slug):
            return redirect(url_for("survey.done", slug=slug))
        return redirect(url_for("survey.before_you_start", slug=slug))
    survey = survey_by_version_id(response.survey_version_id)
    return render_template(
        "survey_flow/check.html",
        survey=survey,
        response=response,
        answers=drafts.saved_answers(response),
        texts=drafts.saved_texts(response),
        form=EmptyForm(),
    )


@bp.post("/surveys/<slug>/submit")
@limiter.limit(lambda: current_app.config["SUBMIT_RATE_LIMIT"])
def submit(slug: str) -> Page:
    """Submit once. A second press, a retry or another tab lands on the same confirmation."""
    token = session.get("drafts", {}).get(slug) or request.form.get("draft")
    response = drafts.find_draft(token, slug)
    if response is None:
        if session.get("done", {}).get(slug):
            return redirect(url_for("survey.done", slug=slug))
        return redirect(url_for("survey.before_you_start", slug=slug))
    if drafts.submit(response):
        _announce_submission(response)
    done = dict(session.get("done", {}))
    done[slug] = response.reference
    session["done"] = done
    _forget_draft(slug)
    return redirect(url_for("survey.done", slug=slug))


def _announce_submission(response: Response) -> None:
    """Tell subscribers (tagging, alerts); a failure there is logged, never shown to the child."""
    try:
        response_submitted.send(current_app._get_current_object(), response=response)  # type: ignore[attr-defined]
    except Exception:  # a receiver's failure must not fail the submission (requirement 21)
        current_app.logger.exception("A response_submitted receiver failed for response %s", response.id)


@bp.get("/surveys/<slug>/done")
def done(slug: str) -> Page:
    """Confirmation: the reference, what happens next, and where to get help."""
    _version, survey = _survey_or_404(slug)
    reference = session.get("done", {}).get(slug)
    if not reference:
        return redirect(url_for("survey.before_you_start", slug=slug))
    return render_template("survey_flow/done.html", survey=survey, reference=reference)


@bp.route("/resume", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESUME_RATE_LIMIT"], methods=["POST"])
def resume() -> Page:
    """Carry on with a saved survey by typing the code."""
    form = ResumeForm()
    error = None
    if request.method == "POST":
        typed = request.form.get("code", "")
        code = normalise_resume_code(typed)
        response = drafts.draft_for_code(code) if code else None
        if response is None:
            error = str(_CODE_NOT_FOUND)
            return render_template("survey_flow/resume.html", form=form, error=error, typed=typed), 400
        _remember_draft(response)
        survey = survey_by_version_id(response.survey_version_id)
        nxt = drafts.first_unanswered(survey, response)
        if nxt is None:
            return redirect(url_for("survey.check", slug=survey.slug))
        return redirect(_question_url(survey, nxt))
    return render_template("survey_flow/resume.html", form=form, error=error, typed="")


from feedback_app.i18n import lazy_gettext as _l  # noqa: E402

_VERSION_MISMATCH = _l(
    "This page was out of date, so we could not save this answer. Your other answers are safe. "
    "Check your answer below and press Continue again."
)
_CODE_NOT_FOUND = _l(
    "We could not find a saved survey with that code. Check the code and try again. "
    "Codes look like “otter-maple-274” and last 30 days."
)
