"""Personal invitation links (`/i/<token>`): the one place the survey journey meets placement linking.

A child who opens their own link is told plainly that answers given through it will be linked to
their records, and is offered the anonymous way in with equal weight (Children's Code: anonymous is
the default, linking is a choice).
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import get_locale
from werkzeug.wrappers import Response as WerkzeugResponse

from feedback_app.placements.linking import invitation_child_key
from feedback_app.survey_flow import drafts
from feedback_app.survey_flow.forms import EmptyForm
from feedback_app.survey_flow.routes import remember_draft
from feedback_app.surveys.registry import open_survey_versions, open_version_id, survey_of

bp = Blueprint("invitations", __name__, template_folder="templates")


def _invitation(token: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from feedback_app.extensions import db
    from feedback_app.models.placements import PlacementInvitation

    invitation = db.session.scalar(select(PlacementInvitation).filter_by(token=token))
    if invitation is None:
        abort(404)
    return invitation


@bp.get("/i/<token>")
def invited(token: str) -> str:
    """Explain the personal link and offer both ways in."""
    invitation = _invitation(token)
    surveys = [survey_of(v) for v in open_survey_versions()]
    if invitation.survey_slug:
        surveys = [s for s in surveys if s.slug == invitation.survey_slug] or surveys
    return render_template("invitations/invited.html", token=token, surveys=surveys, form=EmptyForm())


@bp.post("/i/<token>/<slug>")
def start_linked(token: str, slug: str) -> WerkzeugResponse:
    """Start a draft linked to the child through the invitation."""
    _invitation(token)
    version_id = open_version_id(slug)
    if version_id is None:
        abort(404)
    key = invitation_child_key(token)
    response = drafts.start_draft(version_id, slug, str(get_locale() or "en"), channel="invite", child_key=key)
    remember_draft(response)
    return redirect(url_for("survey.before_you_start", slug=slug))
