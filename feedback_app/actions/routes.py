"""Staff pages to record actions, and the public page at /you-said-we-did."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from feedback_app.actions import bp
from feedback_app.audit.log import ACTION_CHANGED, record
from feedback_app.extensions import db
from feedback_app.i18n import lazy_gettext as _l
from feedback_app.i18n import locale_direction, locale_native_name
from feedback_app.models import Promise, Theme
from feedback_app.models.actions import ACTION_STATUSES, DONE, Action, ActionText
from feedback_app.staff.roles import roles_required

Page = str | WerkzeugResponse | tuple[str, int]

# Children's wording of each promise, through the catalogues so the public page is translated.
PROMISE_FOR_CHILDREN = {
    "P1": _l("Help you stay safe and healthy"),
    "P2": _l("Involve you in decisions about your life"),
    "P3": _l("Believe in you and help you do your best"),
    "P4": _l("Celebrate what you achieve"),
    "P5": _l("Make sure you have lots of people to support you"),
    "P6": _l("Listen, and tell you what will happen next"),
    "P7": _l("Help you try new things and enjoy your interests"),
    "P8": _l("Respect your belongings"),
    "P9": _l("Support you at school and to plan your future"),
}
STATUS_FOR_CHILDREN = {"planned": _l("We are going to do this"), "in_progress": _l("We are doing this now"), "done": _l("Done")}
STATUS_LABELS = {"planned": "Planned", "in_progress": "In progress", "done": "Done"}


def _choices() -> dict[str, object]:
    return {
        "promises": list(db.session.scalars(select(Promise).order_by(Promise.sort_order, Promise.id))),
        "themes": list(db.session.scalars(select(Theme).order_by(Theme.id))),
        "locales": [(c, locale_native_name(c), locale_direction(c)) for c in current_app.config["SUPPORTED_LOCALES"]],
        "statuses": STATUS_LABELS,
    }


@bp.get("/actions/")
@roles_required("participation_officer", "board_member", "admin")
def index() -> str:
    """Every action with owner, due date, status and what it answers."""
    actions = list(db.session.scalars(select(Action).order_by(Action.status, Action.due_date, Action.id)))
    return render_template("actions/index.html", actions=actions, statuses=STATUS_LABELS,
                           can_edit=current_user.role == "participation_officer")


def _save(action: Action) -> list[str]:
    form = request.form
    errors = []
    action.title = form.get("title", "").strip()[:200]
    action.owner = form.get("owner", "").strip()[:120]
    if not action.title:
        errors.append("Give the action a short title.")
    if not action.owner:
        errors.append("Say which team or job owns it.")
    try:
        action.due_date = date.fromisoformat(form["due_date"]) if form.get("due_date") else None
    except ValueError:
        errors.append("Write the due date as a date, like 2025-09-30.")
    status = form.get("status", "planned")
    action.status = status if status in ACTION_STATUSES else "planned"
    valid_promises = {p.id for p in db.session.scalars(select(Promise))}
    valid_themes = {t.id for t in db.session.scalars(select(Theme))}
    action.promise_ids = sorted(p for p in form.getlist("promises") if p in valid_promises)
    action.theme_ids = sorted(t for t in form.getlist("themes") if t in valid_themes)
    action.published = form.get("published") == "y"
    texts = {t.lang: t for t in action.texts}
    for code in current_app.config["SUPPORTED_LOCALES"]:
        said, did = form.get(f"you_said_{code}", "").strip(), form.get(f"we_did_{code}", "").strip()
        if said or did:
            text = texts.get(code) or ActionText(lang=code, you_said="", we_did="")
            if text not in action.texts:
                action.texts.append(text)
            text.you_said, text.we_did = said, did
        elif code in texts:
            action.texts.remove(texts[code])
    english = next((t for t in action.texts if t.lang == "en"), None)
    if action.published and (english is None or not english.you_said or not english.we_did):
        errors.append("To publish, write “You said” and “We did” at least in English.")
    if not action.promise_ids and not action.theme_ids:
        errors.append("Link the action to at least one promise or theme.")
    return errors


def _edit_page(action: Action, errors: list[str]) -> Page:
    texts = {t.lang: t for t in action.texts}
    return render_template("actions/edit.html", action=action, texts=texts, errors=errors, **_choices()), (400 if errors else 200)


@bp.route("/actions/new", methods=["GET", "POST"])
@roles_required("participation_officer")
def new() -> Page:
    """Record a new action."""
    action = Action(title="", owner="", status="planned", promise_ids=[], theme_ids=[], published=False)
    if request.method == "GET":
        return _edit_page(action, [])
    errors = _save(action)
    if errors:
        return _edit_page(action, errors)
    action.created_by = current_user.id
    db.session.add(action)
    db.session.flush()
    record(ACTION_CHANGED, target_type="action", target_id=action.id, detail={"change": "created", "published": action.published})
    db.session.commit()
    return redirect(url_for("actions.index"))


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
@roles_required("participation_officer")
def edit(action_id: int) -> Page:
    """Change an action: status, what changed, translations, whether it is on the public page."""
    action = db.session.get(Action, action_id)
    if action is None:
        abort(404)
    if request.method == "GET":
        return _edit_page(action, [])
    errors = _save(action)
    if errors:
        page = _edit_page(action, errors)
        db.session.rollback()
        return page
    record(ACTION_CHANGED, target_type="action", target_id=action.id,
           detail={"change": "edited", "status": action.status, "published": action.published})
    db.session.commit()
    return redirect(url_for("actions.index"))


@bp.get("/you-said-we-did")
def public() -> str:
    """For children, in their language: what changed because of what they said. No personal data."""
    lang = str(get_locale() or "en")
    actions = list(db.session.scalars(
        select(Action).where(Action.published.is_(True)).order_by(Action.status.desc(), Action.updated_at.desc())
    ))
    items = []
    for action in actions:
        text = action.text_for(lang)
        if text is None:
            continue
        items.append({
            "action": action, "text": text, "text_dir": locale_direction(text.lang),
            "promises": [PROMISE_FOR_CHILDREN.get(p, p) for p in action.promise_ids],
            "status": STATUS_FOR_CHILDREN.get(action.status, ""), "done": action.status == DONE,
        })
    return render_template("actions/public.html", items=items, lang=lang)
