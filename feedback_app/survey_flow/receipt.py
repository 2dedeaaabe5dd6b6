"""See or delete what you sent, with your reference (requirement 6).

A response on a safeguarding hold (an alert about it is still open) cannot be deleted, and the
child is told why in plain words. Entering references is rate-limited like resume codes.
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from sqlalchemy import func, select

from feedback_app.extensions import db, limiter
from feedback_app.i18n import lazy_gettext as _l
from feedback_app.models import Response
from feedback_app.models.responses import SUBMITTED
from feedback_app.survey_flow import bp
from feedback_app.survey_flow.drafts import saved_answers, saved_texts
from feedback_app.survey_flow.forms import EmptyForm
from feedback_app.surveys.registry import survey_by_version_id

_NOT_FOUND = _l("We could not find answers with that reference. Check it and try again. References look like “K7M3-Q9XR”.")


def _normalise_reference(typed: str) -> str:
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    return f"{cleaned[:4]}-{cleaned[4:]}" if len(cleaned) == 8 else typed.strip().upper()


def _on_hold(response: Response) -> bool:
    """True while a safeguarding alert about this response is still open."""
    from feedback_app.models.alerts import CLOSED, Alert

    open_alerts = select(func.count()).select_from(Alert).where(Alert.response_id == response.id, Alert.status != CLOSED)
    return bool(db.session.scalar(open_alerts))


def _submitted(reference: str | None) -> Response | None:
    if not reference:
        return None
    return db.session.scalar(select(Response).filter_by(reference=reference, status=SUBMITTED))


@bp.route("/my-answers", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESUME_RATE_LIMIT"], methods=["POST"])
def my_answers():  # type: ignore[no-untyped-def]
    """Enter a reference, then see the answers sent with it."""
    if request.method == "POST":
        typed = request.form.get("reference", "")
        response = _submitted(_normalise_reference(typed))
        if response is None:
            return render_template("survey_flow/receipt_lookup.html", error=str(_NOT_FOUND), typed=typed), 400
        session["receipt"] = response.reference
        return redirect(url_for("survey.my_answers_show"))
    return render_template("survey_flow/receipt_lookup.html", error=None, typed="")


@bp.get("/my-answers/view")
def my_answers_show():  # type: ignore[no-untyped-def]
    """The answers behind the reference this browser just entered."""
    response = _submitted(session.get("receipt"))
    if response is None:
        return redirect(url_for("survey.my_answers"))
    survey = survey_by_version_id(response.survey_version_id)
    return render_template(
        "survey_flow/receipt.html", survey=survey, response=response, answers=saved_answers(response),
        texts=saved_texts(response), on_hold=_on_hold(response), form=EmptyForm(),
    )


@bp.post("/my-answers/delete")
def my_answers_delete():  # type: ignore[no-untyped-def]
    """Delete the answers, unless a safeguarding hold applies."""
    response = _submitted(session.get("receipt"))
    if response is None:
        return redirect(url_for("survey.my_answers"))
    if _on_hold(response):
        return redirect(url_for("survey.my_answers_show"))
    db.session.delete(response)
    db.session.commit()
    session.pop("receipt", None)
    return render_template("survey_flow/receipt_deleted.html")
