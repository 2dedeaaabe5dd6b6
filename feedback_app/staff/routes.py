"""Sign-in (password, then TOTP), second-factor enrolment, sign-out, the staff home page, users."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response as WerkzeugResponse

from feedback_app.audit.log import (
    SIGN_IN,
    SIGN_IN_FAILED,
    SIGN_OUT,
    TWO_FACTOR_ENROLLED,
    USER_CHANGED,
    record,
)
from feedback_app.extensions import db, limiter
from feedback_app.models.staff import ROLE_LABELS, ROLES, StaffUser
from feedback_app.staff import bp, passwords, sessions, totp
from feedback_app.staff.roles import is_safe_next, roles_required

Page = str | WerkzeugResponse | tuple[str, int]

_TIMED_OUT = {
    "idle_timeout": "You were signed out because the page was not used for a while. Sign in again.",
    "absolute_timeout": "You were signed out because you have been signed in for a long time. Sign in again.",
    "deactivated": "This account is no longer active.",
}
_BAD_SIGN_IN = "The e-mail address or password is not right, or the account is locked for a few minutes after too many tries."


def _sign_in_limit() -> str:
    return str(current_app.config.get("STAFF_SIGN_IN_RATE_LIMIT", "10 per minute;100 per hour"))


def _lockout() -> tuple[int, timedelta]:
    threshold = int(current_app.config.get("STAFF_LOCKOUT_THRESHOLD", 10))
    minutes = int(current_app.config.get("STAFF_LOCKOUT_MINUTES", 15))
    return threshold, timedelta(minutes=minutes)


def _is_locked(user: StaffUser) -> bool:
    until = sessions.aware(user.locked_until)
    return until is not None and until > datetime.now(UTC)


def _count_failure(user: StaffUser) -> None:
    threshold, period = _lockout()
    user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
    if user.failed_sign_ins >= threshold:
        user.locked_until = datetime.now(UTC) + period
        user.failed_sign_ins = 0


def _next_url(default: str = "staff.home") -> str:
    target = request.values.get("next")
    return target if is_safe_next(target) else url_for(default)  # type: ignore[return-value]


@bp.route("/staff/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in() -> Page:
    """E-mail and password; then the second factor."""
    message = _TIMED_OUT.get(request.args.get("timed_out") or "")
    if request.method == "GET":
        if current_user.is_authenticated and sessions.second_factor_done():
            return redirect(_next_url())
        return render_template("staff/sign_in.html", email="", error=None, message=message)
    email = request.form.get("email", "").strip().lower()
    password = request.form.get("password", "")
    user = db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email)) if email else None
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active or _is_locked(user):
        if user is not None:
            if not _is_locked(user):
                _count_failure(user)
            record(SIGN_IN_FAILED, target_type="staff_user", target_id=user.id, actor=user,
                   detail={"locked": _is_locked(user)})
            db.session.commit()
        return render_template("staff/sign_in.html", email=email, error=_BAD_SIGN_IN, message=None), 400
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.failed_sign_ins = 0
    # A fresh cookie session on sign-in: nothing set before (by anyone) carries over.
    session.clear()
    sessions.start_session(user)
    login_user(user)
    if user.totp_confirmed:
        return redirect(url_for("staff.two_factor", next=request.form.get("next") or None))
    return redirect(url_for("staff.two_factor_setup", next=request.form.get("next") or None))


def _partial_user() -> StaffUser:
    """The person who gave a password but not yet a code (or redirect them to sign in)."""
    if not current_user.is_authenticated:
        abort(redirect(url_for("staff.sign_in")))
    return current_user._get_current_object()  # type: ignore[attr-defined,no-any-return]


def _finish_sign_in(user: StaffUser) -> WerkzeugResponse:
    sessions.mark_second_factor_done()
    user.last_sign_in_at = datetime.now(UTC)
    user.failed_sign_ins = 0
    record(SIGN_IN, target_type="staff_session", target_id=g.staff_session.id, actor=user)
    db.session.commit()
    return redirect(_next_url())


@bp.route("/staff/two-factor", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def two_factor() -> Page:
    """The six-digit code from the authenticator app."""
    user = _partial_user()
    if not user.totp_confirmed:
        return redirect(url_for("staff.two_factor_setup"))
    if sessions.second_factor_done():
        return redirect(_next_url())
    if request.method == "GET":
        return render_template("staff/two_factor.html", error=None)
    if _is_locked(user) or not totp.verify_for_user(user, request.form.get("code", "")):
        if not _is_locked(user):
            _count_failure(user)
        record(SIGN_IN_FAILED, target_type="staff_user", target_id=user.id, actor=user, detail={"step": "totp"})
        db.session.commit()
        return render_template(
            "staff/two_factor.html",
            error="That code is not right or was already used. Wait for the next code and try again.",
        ), 400
    return _finish_sign_in(user)


@bp.route("/staff/two-factor/set-up", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def two_factor_setup() -> Page:
    """Enrol an authenticator app: a QR code drawn here, then one code to prove it works."""
    user = _partial_user()
    if user.totp_confirmed:
        return redirect(url_for("staff.two_factor"))
    # The new secret waits in the signed session cookie (only this person's browser sees it)
    # until a code proves the app has it; only then is it stored, encrypted.
    secret = session.get("totp_pending")
    if not secret:
        secret = session["totp_pending"] = totp.new_secret()
    uri = totp.provisioning_uri(secret, user.email)
    error = None
    if request.method == "POST":
        step = totp.matching_step(secret, request.form.get("code", ""))
        if step is not None:
            user.totp_secret = secret
            user.totp_confirmed = True
            user.totp_last_step = step
            session.pop("totp_pending", None)
            record(TWO_FACTOR_ENROLLED, target_type="staff_user", target_id=user.id, actor=user)
            return _finish_sign_in(user)
        error = "That code is not right. Check the app shows 'Your voice – staff' and try the newest code."
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render_template(
        "staff/two_factor_setup.html", qr=totp.qr_svg(uri), secret=grouped, error=error
    ), (400 if error else 200)


@bp.post("/staff/sign-out")
def sign_out() -> Page:
    """End the server-side session: the cookie is worthless from now on."""
    if current_user.is_authenticated:
        user = current_user._get_current_object()  # type: ignore[attr-defined]
        record(SIGN_OUT, target_type="staff_user", target_id=user.id, actor=user)
        sessions.end_session(user.session_token, "signed_out")
        logout_user()
    session.clear()
    return redirect(url_for("staff.sign_in", signed_out=1))


@bp.get("/staff/")
@roles_required(*ROLES)
def home() -> Page:
    """Each role's starting points."""
    return render_template("staff/home.html")


@bp.route("/staff/password", methods=["GET", "POST"])
@roles_required(*ROLES)
def change_password() -> Page:
    """Change your own password (ends your other sessions)."""
    user: StaffUser = current_user._get_current_object()  # type: ignore[attr-defined]
    errors: list[str] = []
    if request.method == "POST":
        current = request.form.get("current_password", "")
        new = request.form.get("new_password", "")
        if not passwords.verify_password(user.password_hash, current):
            errors.append("Your current password is not right.")
        errors += passwords.password_problems(new, user.email)
        if not errors:
            user.password_hash = passwords.hash_password(new)
            record(USER_CHANGED, target_type="staff_user", target_id=user.id, detail={"change": "password"})
            db.session.commit()
            token = user.session_token
            from sqlalchemy import update

            from feedback_app.models.staff import StaffSession

            db.session.execute(
                update(StaffSession)
                .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None),
                       StaffSession.token_hash != sessions.token_hash(token or ""))
                .values(ended_at=datetime.now(UTC), end_reason="password_changed")
            )
            db.session.commit()
            return render_template("staff/password.html", errors=[], done=True)
    return render_template("staff/password.html", errors=errors, done=False), (400 if errors else 200)


@bp.get("/staff/users")
@roles_required("admin")
def users() -> Page:
    """Every account, its role and whether it has a second factor."""
    people = list(db.session.scalars(select(StaffUser).order_by(StaffUser.role, StaffUser.email)))
    return render_template("staff/users.html", people=people, role_labels=ROLE_LABELS)


@bp.get("/staff/languages")
@roles_required("admin")
def languages() -> Page:
    """Each catalogue's translation status (how it was translated, whether a translator reviewed it)."""
    from feedback_app.i18n import locale_native_name
    from feedback_app.translation_status import all_statuses

    supported = set(current_app.config["SUPPORTED_LOCALES"])
    statuses = [s for s in all_statuses() if s.locale in supported]
    return render_template("staff/languages.html", statuses=statuses, native_name=locale_native_name)


def _user_or_404(user_id: int) -> StaffUser:
    user = db.session.get(StaffUser, user_id)
    if user is None:
        abort(404)
    return user


@bp.post("/staff/users/<int:user_id>/deactivate")
@roles_required("admin")
def deactivate_user(user_id: int) -> Page:
    """Stop an account signing in and end its sessions."""
    user = _user_or_404(user_id)
    user.active = False
    record(USER_CHANGED, target_type="staff_user", target_id=user.id, detail={"change": "deactivated"})
    db.session.commit()
    sessions.end_all_sessions(user.id, "deactivated")
    return redirect(url_for("staff.users"))


@bp.post("/staff/users/<int:user_id>/reset-two-factor")
@roles_required("admin")
def reset_two_factor(user_id: int) -> Page:
    """A lost phone: the person enrols a new authenticator at next sign-in."""
    user = _user_or_404(user_id)
    user.totp_secret = None
    user.totp_confirmed = False
    user.totp_last_step = 0
    record(USER_CHANGED, target_type="staff_user", target_id=user.id, detail={"change": "two_factor_reset"})
    db.session.commit()
    sessions.end_all_sessions(user.id, "two_factor_reset")
    return redirect(url_for("staff.users"))


@bp.errorhandler(429)
def too_many_tries(_exc: Any) -> Page:
    """The sign-in limit: the form comes back with the e-mail address still typed in."""
    message = "There have been too many tries from here. Wait a minute, then try again."
    if request.endpoint == "staff.sign_in":
        email = request.form.get("email", "").strip()
        return render_template("staff/sign_in.html", email=email, error=message, message=None), 429
    return render_template("staff/two_factor.html", error=message), 429


@bp.app_errorhandler(403)
def forbidden(_exc: Any) -> Page:
    """Signed in, but this page is not part of your role."""
    return render_template("staff/forbidden.html"), 403
