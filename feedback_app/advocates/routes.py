"""Starting a survey with a child: consent first, then the child's own survey pages."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from feedback_app.advocates import bp
from feedback_app.audit.log import ADVOCATE_VISIT, record
from feedback_app.extensions import db
from feedback_app.i18n import locale_native_name
from feedback_app.models.staff import AdvocateVisit
from feedback_app.staff.roles import roles_required

Page = str | WerkzeugResponse | tuple[str, int]

WORDS = {
    "own": "The child's own words (I typed or read out what they said)",
    "with": "Written together with the child",
    "for": "My account on the child's behalf (the child could not or chose not to answer)",
}


def _surveys() -> list[tuple[str, str]]:
    from feedback_app.surveys.registry import open_survey_versions, survey_of

    return [(s.slug, s.title) for s in (survey_of(v) for v in open_survey_versions())]


def _render(errors: list[str] | None = None, form: dict[str, str] | None = None) -> Page:
    visits = list(db.session.scalars(
        select(AdvocateVisit).where(AdvocateVisit.advocate_id == current_user.id).order_by(AdvocateVisit.id.desc()).limit(30)
    ))
    locales = [(c, locale_native_name(c)) for c in current_app.config["SUPPORTED_LOCALES"]]
    return render_template(
        "advocates/index.html", surveys=_surveys(), words=WORDS, visits=visits, locales=locales,
        errors=errors or [], form=form or {},
    ), (400 if errors else 200)


@bp.get("/advocate/")
@roles_required("advocate")
def index() -> Page:
    """Choose the survey, record consent, and start."""
    return _render()


@bp.post("/advocate/start")
@roles_required("advocate")
def start() -> Page:
    """Create the child's draft (channel "advocate") and open its first question."""
    from feedback_app.survey_flow import drafts
    from feedback_app.surveys.registry import open_version_id, survey_by_version_id

    form = {k: request.form.get(k, "") for k in ("survey", "consent", "words", "link_child", "child_id", "lang")}
    errors = []
    version_id = open_version_id(form["survey"]) if form["survey"] else None
    if version_id is None:
        errors.append("Choose the survey.")
    if form["consent"] != "yes":
        errors.append("Only start when the child agrees to take part. Tick the box to record their consent.")
    if form["words"] not in WORDS:
        errors.append("Say whose words the answers will be.")
    linking = form["link_child"] == "yes"
    if linking and not form["child_id"].strip():
        errors.append("Type the child's ID, or untick linking to their record.")
    lang = form["lang"] if form["lang"] in current_app.config["SUPPORTED_LOCALES"] else current_app.config["BABEL_DEFAULT_LOCALE"]
    if errors:
        return _render(errors, form)
    from feedback_app.placements.linking import response_child_key

    response = drafts.start_draft(version_id, form["survey"], lang, channel="advocate")  # type: ignore[arg-type]
    # The key is a keyed hash; the child's ID itself is never stored (and only with consent).
    response.child_key = response_child_key(form["child_id"] if linking else None, "advocate", consented=linking)
    visit = AdvocateVisit(response_id=response.id, advocate_id=current_user.id, child_consented=True,
                          words=form["words"], linked_to_child=response.child_key is not None)
    db.session.add(visit)
    db.session.flush()
    record(ADVOCATE_VISIT, target_type="response", target_id=response.id,
           detail={"words": form["words"], "linked": visit.linked_to_child, "survey": form["survey"]})
    db.session.commit()
    drafts_by_slug = dict(session.get("drafts", {}))
    drafts_by_slug[response.survey_slug] = response.draft_token
    session["drafts"] = drafts_by_slug
    survey = survey_by_version_id(version_id)  # type: ignore[arg-type]
    return redirect(url_for("survey.question", slug=survey.slug, question_id=survey.questions[0].id, lang=lang))
