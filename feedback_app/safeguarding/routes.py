"""The alert queue, one alert with its life cycle, the outbox for admins, and "I feel unsafe"."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    abort,
    current_app,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import case, select
from werkzeug.wrappers import Response as WerkzeugResponse

from feedback_app.audit.log import VIEW_COMMENT_TEXT, record
from feedback_app.extensions import db
from feedback_app.models import Comment, Response
from feedback_app.models.alerts import (
    CLOSED,
    FAILED,
    GAVE_UP,
    HIGH,
    NEXT_STATUS,
    OUTCOMES,
    QUEUED,
    Alert,
    Notification,
)
from feedback_app.models.staff import StaffUser
from feedback_app.safeguarding import bp, mail
from feedback_app.safeguarding.alerts import (
    SOURCE_LABELS,
    STATUS_LABELS,
    AlertTransitionError,
    is_overdue,
    open_alert_for_response,
    raise_alert,
    transition,
)
from feedback_app.safeguarding.deadlines import local_time
from feedback_app.staff.roles import roles_required

Page = str | WerkzeugResponse | tuple[str, int]


def _waiting(since: datetime, now: datetime) -> str:
    since = since if since.tzinfo else since.replace(tzinfo=UTC)
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min"
    return f"{hours // 24} days"


@bp.app_template_filter("council_time")
def _council_time(moment: datetime | None) -> str:
    return local_time(moment)


@bp.get("/safeguarding/alerts")
@roles_required("safeguarding_lead")
def queue() -> str:
    """Open alerts, highest severity first, then longest waiting; closed ones on request."""
    show_closed = request.args.get("show") == "closed"
    severity_order = case((Alert.severity == HIGH, 0), else_=1)
    query = select(Alert)
    if show_closed:
        query = query.where(Alert.status == CLOSED).order_by(Alert.closed_at.desc()).limit(200)
    else:
        query = query.where(Alert.status != CLOSED).order_by(severity_order, Alert.created_at)
    alerts = list(db.session.scalars(query))
    now = datetime.now(UTC)
    rows = [
        {"alert": a, "waiting": _waiting(a.created_at, now), "overdue": is_overdue(a, now)}
        for a in alerts
    ]
    return render_template(
        "safeguarding/queue.html", rows=rows, show_closed=show_closed,
        source_labels=SOURCE_LABELS, status_labels=STATUS_LABELS,
    )


def _alert_or_404(alert_id: int) -> Alert:
    alert = db.session.get(Alert, alert_id)
    if alert is None:
        abort(404)
    return alert


@bp.get("/safeguarding/alerts/<int:alert_id>")
@roles_required("safeguarding_lead")
def alert_detail(alert_id: int, error: str | None = None, status: int = 200) -> Page:
    """One alert: why, what the child wrote (each view audited), its history and the next step."""
    alert = _alert_or_404(alert_id)
    comments: list[Comment] = []
    response = db.session.get(Response, alert.response_id) if alert.response_id else None
    if response is not None:
        comments = list(response.comments)
    elif alert.comment_id:
        comment = db.session.get(Comment, alert.comment_id)
        comments = [comment] if comment else []
        response = comment.response if comment else None
    for comment in comments:
        record(VIEW_COMMENT_TEXT, target_type="comment", target_id=comment.id, detail={"via": "alert", "alert": alert.id})
    db.session.commit()
    people = {u.id: u for u in db.session.scalars(select(StaffUser))}
    return render_template(
        "safeguarding/alert.html",
        alert=alert, response=response, comments=comments, people=people,
        next_status=NEXT_STATUS.get(alert.status), outcomes=OUTCOMES,
        source_labels=SOURCE_LABELS, status_labels=STATUS_LABELS,
        overdue=is_overdue(alert), error=error, form=request.form if error else {},
        messages=get_flashed_messages(),
    ), status


@bp.post("/safeguarding/alerts/<int:alert_id>/status")
@roles_required("safeguarding_lead")
def change_status(alert_id: int) -> Page:
    """Move the alert one step on (acknowledge, record action, close with outcome and note)."""
    alert = _alert_or_404(alert_id)
    try:
        transition(
            alert, request.form.get("to", ""), current_user,
            note=request.form.get("note", ""), outcome=request.form.get("outcome", ""),
        )
    except AlertTransitionError as exc:
        db.session.rollback()
        return alert_detail(alert_id, error=str(exc), status=400)
    flash(f"Alert #{alert.id} is now {STATUS_LABELS[alert.status]}.")
    if alert.status == CLOSED:
        return redirect(url_for("safeguarding.queue"))
    return redirect(url_for("safeguarding.alert_detail", alert_id=alert.id))


@bp.get("/safeguarding/outbox")
@roles_required("admin", "safeguarding_lead")
def outbox() -> str:
    """E-mails that failed or wait to be sent (requirement 21), then the latest sent."""
    pending = list(db.session.scalars(
        select(Notification).where(Notification.status.in_((QUEUED, FAILED, GAVE_UP, mail.SENDING))).order_by(Notification.id.desc())
    ))
    recent = list(db.session.scalars(
        select(Notification).where(Notification.status == "sent").order_by(Notification.id.desc()).limit(50)
    ))
    return render_template("safeguarding/outbox.html", pending=pending, recent=recent, messages=get_flashed_messages())


@bp.post("/safeguarding/outbox/retry")
@roles_required("admin", "safeguarding_lead")
def retry_outbox() -> Page:
    """Try every unsent e-mail again now."""
    sent, failed = mail.send_due(include_waiting=True)
    flash(f"Sent {sent}; {failed} still failing.")
    return redirect(url_for("safeguarding.outbox"))


def _return_path(value: str | None) -> str | None:
    # Only back into the survey journey: never an open redirect.
    if value and value.startswith("/surveys/") and "//" not in value and "\\" not in value:
        return value
    return None


@bp.post("/i-feel-unsafe")
def i_feel_unsafe() -> Page:
    """One tap: a high-severity alert even if nothing else was answered, then what happens next."""
    from feedback_app.survey_flow import drafts

    slug = request.form.get("slug") or None
    response = drafts.find_draft(request.form.get("draft"), slug) if request.form.get("draft") else None
    existing = open_alert_for_response(response.id, "unsafe_button") if response is not None else None
    if existing is None:
        try:
            raise_alert(
                source="unsafe_button", severity=HIGH, reasons=["unsafe_button"],
                response_id=response.id if response is not None else None,
            )
        except Exception:
            # The child still sees where to get help now, whatever went wrong here.
            db.session.rollback()
            current_app.logger.exception("Could not raise the 'I feel unsafe' alert")
    return render_template(
        "safeguarding/unsafe_done.html",
        reference=response.reference if response is not None else None,
        back=_return_path(request.form.get("return_to")),
    )
