"""The board page, downloads, and the staff pages behind the scorecard.

- ``/board``: board members and admins; filters by period, survey and cohort; aggregates only.
- ``/board/download.<json|csv|pdf>``: the same figures as files.
- ``/board/targets``: admins set each promise's target and amber margin (RAG).
- ``/board/stories``: admins and participation officers write the story behind the curve.
- ``/board/quotes``: participation officers redact and approve quotes; board members only ever
  see the approved, redacted text (requirements 13 and 31).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, format_percent, gettext, lazy_gettext
from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models.scorecard import (
    APPROVED,
    PENDING,
    WITHDRAWN,
    ApprovedQuote,
    ScorecardTarget,
    StoryNote,
)
from feedback_app.scorecard import charts, disclosure
from feedback_app.scorecard.better_off import Filters
from feedback_app.scorecard.periods import quarter_bounds, quarter_label, whole_quarters
from feedback_app.staff.roles import roles_required

bp = Blueprint("scorecard", __name__, template_folder="templates", static_folder="static",
               static_url_path="/board/static")

BOARD_ROLES = ("board_member", "admin")

GROUP_LABELS: dict[str, Any] = {
    "linked": lazy_gettext("Linked to placement data"),
    "not linked": lazy_gettext("Not linked (anonymous)"),
    "not known": lazy_gettext("Not known"),
    "not looked after at period end": lazy_gettext("Not looked after at the end of the period"),
    "0-1": lazy_gettext("0 or 1 moves"),
    "2": lazy_gettext("2 moves"),
    "3+": lazy_gettext("3 or more moves"),
    "20 miles or less": lazy_gettext("20 miles or less from home"),
    "over 20 miles": lazy_gettext("Over 20 miles from home"),
    "UASC": lazy_gettext("Unaccompanied asylum-seeking children"),
    "not UASC": lazy_gettext("Other children"),
    "under 10": lazy_gettext("Under 10"),
    "10-15": lazy_gettext("10 to 15"),
    "16-17": lazy_gettext("16 to 17"),
    "18+": lazy_gettext("18 and over"),
}
DIMENSION_LABELS: dict[str, Any] = {
    "placement_type": lazy_gettext("Placement type now"),
    "moves_last_12_months": lazy_gettext("Placement moves in the last 12 months"),
    "distance": lazy_gettext("Distance from home"),
    "uasc": lazy_gettext("Unaccompanied asylum-seeking children"),
    "age_band": lazy_gettext("Age"),
}
COHORT_LABELS: dict[str, Any] = {
    "child_4_7": lazy_gettext("Children aged 4 to 7"),
    "child_8_11": lazy_gettext("Children aged 8 to 11"),
    "young_person": lazy_gettext("Young people aged 11 to 18"),
    "care_leaver": lazy_gettext("Care leavers"),
    "carer": lazy_gettext("Foster carers"),
}
RAG_LABELS: dict[str, Any] = {
    "green": lazy_gettext("Green: on or above target"),
    "amber": lazy_gettext("Amber: just below target"),
    "red": lazy_gettext("Red: well below target"),
}
SERVICE_LABELS: dict[str, Any] = {
    "comments_triaged_within_target": lazy_gettext("Comments read and tagged by a person within target"),
    "alerts_acknowledged_within_deadline": lazy_gettext("Safeguarding alerts acknowledged within their deadline"),
    "actions_done_on_time": lazy_gettext("“You said, we did” actions done by their due date"),
}


# ---------------------------------------------------------------------------------------- helpers
def percent(value: Any) -> str:
    """A share for the locale, "c" when hidden, an en dash when there is none."""
    if value == disclosure.SYMBOL:
        return disclosure.SYMBOL
    if value is None:
        return "–"
    return str(format_percent(float(value), format="#,##0.0%"))


def number(value: Any) -> str:
    """A count for the locale, or "c"."""
    if value == disclosure.SYMBOL:
        return disclosure.SYMBOL
    if value is None:
        return "–"
    return str(format_decimal(value))


def interval(ci: Any) -> str:
    """"48.1% to 60.2%", or "c"."""
    if ci == disclosure.SYMBOL:
        return disclosure.SYMBOL
    if not ci:
        return "–"
    return gettext("%(low)s to %(high)s", low=percent(ci[0]), high=percent(ci[1]))


def group_label(key: str) -> str:
    """A breakdown group's name in the page language."""
    label = GROUP_LABELS.get(key)
    return str(label) if label is not None else key[:1].upper() + key[1:]


def data_label(text: str) -> str:
    """Wording that lives in data (promise and theme labels): its catalogue translation, if any.

    A label an admin has edited has no translation yet and is shown as written.
    """
    return gettext(text)


def theme_label(theme_id: str) -> str:
    """A theme's label from the taxonomy, in the page language (the id read as words if unknown)."""
    label = _theme_labels().get(theme_id)
    return data_label(label) if label else theme_id.replace("_", " ").capitalize()


def _theme_labels() -> dict[str, str]:
    from sqlalchemy import select

    from feedback_app.extensions import db
    from feedback_app.models import Theme

    return dict(db.session.execute(select(Theme.id, Theme.label)).tuples().all())


def language_name(code: str) -> str:
    """A language's name in the page language, from CLDR."""
    from babel import Locale, UnknownLocaleError
    from flask_babel import get_locale

    try:
        return str(Locale.parse(code).get_display_name(str(get_locale())) or code)
    except (UnknownLocaleError, ValueError):
        return code


def _parse_day(value: str | None, default: date, end: bool) -> date:
    if not value:
        return default
    try:
        if "Q" in value.upper():
            bounds = quarter_bounds(value.upper())
            return bounds[1] if end else bounds[0]
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        abort(400)


def request_filters() -> tuple[date, date, Filters, dict[str, str]]:
    """Period and filters from the query string; by default the last four quarters."""
    current = quarter_label(datetime.now(UTC).date())
    this_quarter_end = quarter_bounds(current)[1]
    default_start = quarter_bounds(_shift_quarter(current, -3))[0]
    start = _parse_day(request.args.get("from"), default_start, end=False)
    end = _parse_day(request.args.get("to"), this_quarter_end, end=True)
    if end < start:
        start, end = end, start
    period = whole_quarters(start, end)
    survey = request.args.get("survey") or ""
    cohort = request.args.get("cohort") or ""
    filters = Filters(frozenset({survey}) if survey else None, frozenset({cohort}) if cohort else None)
    args = {"from": quarter_label(period.start), "to": quarter_label(period.end)}
    if survey:
        args["survey"] = survey
    if cohort:
        args["cohort"] = cohort
    return period.start, period.end, filters, args


def _shift_quarter(label: str, by: int) -> str:
    import pandas as pd

    return str(pd.Period(label, freq="Q") + by)


def _card() -> tuple[dict[str, Any], dict[str, str]]:
    from feedback_app.scorecard.build import build_scorecard

    start, end, filters, args = request_filters()
    return build_scorecard(start, end, filters), args


def _survey_choices() -> list[tuple[str, str]]:
    from feedback_app.surveys.registry import open_survey_versions, survey_of

    return [(v.slug, survey_of(v).title) for v in open_survey_versions()]


def _quarter_choices() -> list[str]:
    today = datetime.now(UTC).date()
    current = quarter_label(today)
    return [_shift_quarter(current, -k) for k in range(11, -1, -1)]


def page_context(card: dict[str, Any]) -> dict[str, Any]:
    """Everything the board templates (page and PDF) need besides the card."""
    chart_labels = {
        "measured": gettext("Kept share, with 95% interval"),
        "forecast": gettext("Forecast if nothing changes"),
        "target": gettext("Target"),
        "hidden_mark": disclosure.SYMBOL,
    }
    promise_charts: dict[str, dict[str, Any]] = {}
    summaries = {}
    for promise in card["promises"]:
        summaries[promise["id"]] = trend_summary(promise)
        promise_charts[promise["id"]] = {
            "trend": charts.trend_chart(
                f"chart-{promise['id']}",
                gettext("%(promise)s: share saying the promise is kept, by quarter", promise=data_label(promise["label"])),
                summaries[promise["id"]],
                promise["by_quarter"], (promise["curve"] or {}).get("forecast"), promise["better_off"]["target"],
                chart_labels, percent,
            ),
        }
        for dimension, rows in promise["breakdowns"].items():
            if rows:
                promise_charts[promise["id"]][dimension] = charts.bar_chart(
                    f"chart-{promise['id']}-{dimension}",
                    gettext("%(promise)s by %(dimension)s", promise=promise["id"], dimension=str(DIMENSION_LABELS[dimension]).lower()),
                    breakdown_summary(rows), rows, group_label, percent, disclosure.SYMBOL,
                )
    return {
        "card": card,
        "charts": promise_charts,
        "summaries": summaries,
        "format_points": lambda trend: format_decimal(round(trend * 100, 1)),
        "theme_label": theme_label,
        "language_name": language_name,
        "percent": percent,
        "number": number,
        "interval": interval,
        "group_label": group_label,
        "dimension_labels": DIMENSION_LABELS,
        "cohort_labels": COHORT_LABELS,
        "rag_labels": RAG_LABELS,
        "service_labels": SERVICE_LABELS,
        "symbol": disclosure.SYMBOL,
    }


def trend_summary(promise: dict[str, Any]) -> str:
    """One or two sentences a screen reader user gets instead of the chart."""
    better = promise["better_off"]
    curve = promise["curve"]
    if better["rate"] == disclosure.SYMBOL:
        text = gettext("The share for the whole period is hidden because some numbers are small.")
    elif better["rate"] is None:
        text = gettext("No answers about this promise in the period.")
    else:
        text = gettext("%(rate)s of %(n)s answers said this promise is kept (95%% interval %(ci)s).",
                       rate=percent(better["rate"]), n=number(better["answered"]), ci=interval(better["ci"]))
    trend = curve.get("trend_per_quarter")
    if trend is not None:
        if abs(trend) < 0.005:
            text += " " + gettext("The curve is flat.")
        elif trend > 0:
            text += " " + gettext("The curve is rising by about %(points)s points a quarter.", points=format_decimal(round(trend * 100, 1)))
        else:
            text += " " + gettext("The curve is falling by about %(points)s points a quarter.", points=format_decimal(round(-trend * 100, 1)))
    if better.get("target") is not None:
        text += " " + gettext("The target is %(target)s.", target=percent(better["target"]))
    return text


def breakdown_summary(rows: list[dict[str, Any]]) -> str:
    """The groups and their shares, as a sentence."""
    parts = [f"{group_label(r['group'])}: {percent(r['rate'])}" for r in rows]
    return "; ".join(parts)


# ------------------------------------------------------------------------------------------ board
@bp.get("/board")
@roles_required(*BOARD_ROLES)
def board() -> str:
    """The scorecard page."""
    card, args = _card()
    return render_template(
        "scorecard/board.html", args=args, surveys=_survey_choices(), quarters=_quarter_choices(),
        **page_context(card),
    )


@bp.get("/board/download.<fmt>")
@roles_required(*BOARD_ROLES)
def download(fmt: str) -> Response:
    """The same figures as JSON, CSV or a PDF board pack."""
    if fmt not in ("json", "csv", "pdf"):
        abort(404)
    card, args = _card()
    name = f"scorecard-{args['from']}-{args['to']}.{fmt}"
    if fmt == "json":
        body: bytes | str = json.dumps(card, ensure_ascii=False, indent=2)
        mimetype = "application/json"
    elif fmt == "csv":
        from feedback_app.scorecard.export_csv import scorecard_csv

        body, mimetype = scorecard_csv(card), "text/csv"
    else:
        from flask_babel import get_locale

        from feedback_app.scorecard.export_pdf import scorecard_pdf

        body, mimetype = scorecard_pdf(card, str(get_locale())), "application/pdf"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ---------------------------------------------------------------------------------------- targets
@bp.route("/board/targets", methods=["GET", "POST"])
@roles_required("admin")
def targets() -> Any:
    """Admins set a target and amber margin per promise (percentages)."""
    from feedback_app.models import Promise

    promises = list(db.session.scalars(select(Promise).where(Promise.active.is_(True)).order_by(Promise.sort_order)))
    errors: dict[str, str] = {}
    if request.method == "POST":
        for promise in promises:
            raw = (request.form.get(f"target-{promise.id}") or "").strip()
            margin_raw = (request.form.get(f"margin-{promise.id}") or "5").strip()
            stored = db.session.get(ScorecardTarget, promise.id)
            if not raw:
                if stored is not None:
                    db.session.delete(stored)
                continue
            try:
                value, margin = float(raw) / 100, float(margin_raw) / 100
            except ValueError:
                errors[promise.id] = gettext("Enter a percentage from 0 to 100")
                continue
            if not (0 <= value <= 1 and 0 <= margin <= 1):
                errors[promise.id] = gettext("Enter a percentage from 0 to 100")
                continue
            if stored is None:
                stored = ScorecardTarget(promise_id=promise.id, target=value, amber_margin=margin)
                db.session.add(stored)
            stored.target, stored.amber_margin = value, margin
            stored.set_by = getattr(_user(), "id", None)
        if not errors:
            db.session.commit()
            flash(gettext("Targets saved"))
            return redirect(url_for("scorecard.targets"))
        db.session.rollback()
    current = {t.promise_id: t for t in db.session.scalars(select(ScorecardTarget))}
    return render_template("scorecard/targets.html", promises=promises, current=current, errors=errors,
                           form=request.form), (400 if errors else 200)


# ---------------------------------------------------------------------------------------- stories
@bp.route("/board/stories", methods=["GET", "POST"])
@roles_required("admin", "participation_officer")
def stories() -> Any:
    """The story behind the curve, per promise and quarter, written for the Board."""
    from feedback_app.models import Promise

    promises = list(db.session.scalars(select(Promise).where(Promise.active.is_(True)).order_by(Promise.sort_order)))
    error = None
    if request.method == "POST":
        promise_id = request.form.get("promise_id", "")
        quarter = (request.form.get("quarter") or "").upper()
        text = (request.form.get("text") or "").strip()
        if promise_id not in {p.id for p in promises} or not text or quarter not in _quarter_choices():
            error = gettext("Choose a promise and a quarter, and write the story")
        elif len(text) > 2000:
            error = gettext("Keep the story to 2,000 characters")
        else:
            note = db.session.scalar(select(StoryNote).filter_by(promise_id=promise_id, quarter=quarter))
            if note is None:
                note = StoryNote(promise_id=promise_id, quarter=quarter, text=text)
                db.session.add(note)
            note.text = text
            note.written_by = getattr(_user(), "id", None)
            db.session.commit()
            flash(gettext("Story saved"))
            return redirect(url_for("scorecard.stories"))
    notes = list(db.session.scalars(select(StoryNote).order_by(StoryNote.quarter.desc(), StoryNote.promise_id)))
    return render_template("scorecard/stories.html", promises=promises, notes=notes, quarters=_quarter_choices(),
                           error=error, form=request.form), (400 if error else 200)


# ----------------------------------------------------------------------------------------- quotes
@bp.route("/board/quotes", methods=["GET", "POST"])
@roles_required("participation_officer")
def quotes() -> Any:
    """Propose a quote from a comment (with a redaction suggestion), edit it, approve or withdraw it."""
    from feedback_app.audit.log import record
    from feedback_app.models import Comment
    from feedback_app.scorecard.redaction import looks_unredacted, suggest_redaction

    draft = None
    warning = None
    if request.method == "POST":
        action = request.form.get("action")
        if action == "propose":
            comment = db.session.get(Comment, _int(request.form.get("comment_id")))
            if comment is None:
                abort(404)
            record("comment.viewed", target_type="comment", target_id=comment.id, detail={"why": "quote proposal"})
            draft = {"comment_id": comment.id, "promise_id": comment.promise_id or "", "original": comment.text,
                     "text": suggest_redaction(comment.text)}
            db.session.commit()
        elif action == "approve":
            comment = db.session.get(Comment, _int(request.form.get("comment_id")))
            text = (request.form.get("text") or "").strip()
            if comment is None or not text:
                abort(400)
            if looks_unredacted(text) and not request.form.get("checked"):
                warning = gettext("This may still contain a name, place or school. Check it, then tick the box to confirm.")
                draft = {"comment_id": comment.id, "promise_id": request.form.get("promise_id", ""), "original": comment.text, "text": text}
                record("comment.viewed", target_type="comment", target_id=comment.id, detail={"why": "quote approval"})
                db.session.commit()
            else:
                quote = db.session.scalar(select(ApprovedQuote).filter_by(comment_id=comment.id))
                if quote is None:
                    quote = ApprovedQuote(comment_id=comment.id)
                    db.session.add(quote)
                quote.promise_id = request.form.get("promise_id") or comment.promise_id
                quote.theme_id = request.form.get("theme_id") or None
                quote.redacted_text = text
                quote.status = APPROVED
                quote.approved_by = getattr(_user(), "id", None)
                quote.approved_at = datetime.now(UTC)
                record("quote.approved", target_type="comment", target_id=comment.id)
                db.session.commit()
                flash(gettext("Quote approved for the Board"))
                return redirect(url_for("scorecard.quotes"))
        elif action == "withdraw":
            quote = db.session.get(ApprovedQuote, _int(request.form.get("quote_id")))
            if quote is None:
                abort(404)
            quote.status = WITHDRAWN
            record("quote.withdrawn", target_type="comment", target_id=quote.comment_id)
            db.session.commit()
            flash(gettext("Quote withdrawn"))
            return redirect(url_for("scorecard.quotes"))
    approved = list(db.session.scalars(select(ApprovedQuote).where(ApprovedQuote.status.in_((APPROVED, PENDING)))
                                       .order_by(ApprovedQuote.id.desc())))
    return render_template("scorecard/quotes.html", draft=draft, approved=approved, warning=warning,
                           themes=_theme_ids()), (400 if warning else 200)


def _theme_ids() -> list[str]:
    from feedback_app.models import Theme

    return list(db.session.scalars(select(Theme.id).order_by(Theme.id)))


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        abort(400)


def _user() -> Any:
    from flask import g

    return g.get("staff_user")


@bp.app_template_global()
def scorecard_print_css() -> str:
    """URL of the board print stylesheet."""
    return url_for("static", filename="css/print-board.css")

