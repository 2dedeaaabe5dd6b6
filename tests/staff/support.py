"""The staff-enabled app for tests, and helpers to sign in as each role.

Until the lead calls ``init_staff`` in create_app, tests build their own app on the same test
database, register the staff side on it before its first request, and create the staff tables
(the Alembic revision for them is the lead's to write).
"""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
from flask import Flask
from flask.testing import FlaskClient

_apps: dict[str, Flask] = {}


class FreshContextClient(FlaskClient):
    """A test client whose requests never share the test's application context.

    Flask reuses an already pushed app context (and its ``g``) for a request; a real server never
    does, and sharing ``g`` would hide bugs (and break CSRF after sign-in clears the session).
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        from flask.globals import _cv_app

        token = _cv_app.set(None)  # type: ignore[arg-type]
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)

PASSWORD = "correct horse battery staple ünïcødé 🐎"
ROLES = ("advocate", "participation_officer", "safeguarding_lead", "board_member", "admin")


def staff_app(database_url: str) -> Flask:
    """One staff-enabled app per test database, migrated and with the staff tables."""
    if database_url in _apps:
        return _apps[database_url]
    from flask_migrate import upgrade

    from feedback_app import create_app
    from feedback_app.extensions import db
    from feedback_app.staff import init_staff

    application = create_app("testing", {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SAFEGUARDING_LEAD_EMAIL": "lead@example.test",
        "SAFEGUARDING_DEPUTY_EMAIL": "deputy@example.test",
        "MAIL_FROM": "alerts@example.test",
        "MAIL_SERVER": "",
        "STAFF_BASE_URL": "https://voice.example.test",
        # The limiter stays on in tests (one shared object); limits no test reaches, except the
        # rate-limit test, which builds its own app with a low one.
        "STAFF_SIGN_IN_RATE_LIMIT": "100000 per minute",
    })
    init_staff(application)
    with application.app_context():
        upgrade()
        from feedback_app.models.base import Base
        from feedback_app.surveys.registry import sync_survey_definitions, sync_taxonomy

        Base.metadata.create_all(db.engine, tables=staff_tables())
        sync_taxonomy()
        sync_survey_definitions()
    _apps[database_url] = application
    return application


def staff_tables() -> list[Any]:
    """The tables this package owns (created here until a migration exists)."""
    from feedback_app.models import actions, alerts, audit, staff, triage

    return [
        staff.StaffUser.__table__, staff.StaffSession.__table__, staff.AdvocateVisit.__table__,
        alerts.Alert.__table__, alerts.AlertEvent.__table__, alerts.Notification.__table__,
        audit.AuditEntry.__table__, triage.TagReview.__table__,
        actions.Action.__table__, actions.ActionText.__table__,
    ]


def make_user(role: str, email: str | None = None, *, enrolled: bool = True, password: str = PASSWORD) -> Any:
    """Create an account (with an enrolled authenticator unless ``enrolled`` is False)."""
    from feedback_app.extensions import db
    from feedback_app.models.staff import StaffUser
    from feedback_app.staff.passwords import hash_password

    user = StaffUser(
        email=email or f"{role}@example.test", display_name=role.replace("_", " ").title(), role=role,
        password_hash=hash_password(password),
        totp_secret=pyotp.random_base32() if enrolled else None, totp_confirmed=enrolled,
    )
    db.session.add(user)
    db.session.commit()
    return user


_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: FlaskClient, url: str) -> str:
    """The CSRF token from the page at ``url``."""
    page = client.get(url)
    match = _TOKEN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return match.group(1)


def post(client: FlaskClient, form_page: str, url: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """POST ``data`` to ``url`` with the CSRF token from ``form_page``."""
    return client.post(url, data={"csrf_token": csrf(client, form_page), **data}, **kwargs)


def code_for(secret: str, offset_steps: int = 0) -> str:
    """A TOTP code for now (or ``offset_steps`` steps away)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def sign_in(client: FlaskClient, user: Any, password: str = PASSWORD) -> None:
    """Password then TOTP, as a person would."""
    response = post(client, "/staff/sign-in", "/staff/sign-in", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True).split('id="main"')[-1][:600]
    from feedback_app.extensions import db

    db.session.refresh(user)
    # Each sign-in in a test uses a different step so single-use codes never collide.
    step = int(time.time() // 30)
    offset = 1 if user.totp_last_step >= step else 0
    if user.totp_last_step >= step + 1:
        user.totp_last_step = 0
        db.session.commit()
        offset = 0
    response = post(client, "/staff/two-factor", "/staff/two-factor", {"code": code_for(user.totp_secret, offset)})
    assert response.status_code == 302, response.get_data(as_text=True).split('id="main"')[-1][:600]


def submitted_response(text: str = "I do not like the food at my placement and nobody listens.", *, slug: str = "young-people", lang: str = "en") -> Any:
    """A submitted response with one free-text comment, made through the data layer."""
    from feedback_app.extensions import db
    from feedback_app.models import Comment
    from feedback_app.survey_flow import drafts
    from feedback_app.surveys.registry import open_version_id, survey_by_version_id

    version_id = open_version_id(slug)
    assert version_id is not None
    survey = survey_by_version_id(version_id)
    response = drafts.start_draft(version_id, slug, lang)
    question = next(q for q in survey.questions if q.is_text)
    drafts.save_answer(response, question, ["text"], text)
    drafts.submit(response)
    comment = db.session.query(Comment).filter_by(response_id=response.id).one()
    return response, comment
