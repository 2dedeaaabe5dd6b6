"""Staff sign-in: Argon2id passwords, a single-use TOTP second factor, server-side sessions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from feedback_app.extensions import db
from tests.staff.support import PASSWORD, code_for, csrf, make_user, post, sign_in


def test_password_is_stored_as_argon2id_with_at_least_46_mib(app_ctx: Flask) -> None:
    user = make_user("admin")
    assert user.password_hash.startswith("$argon2id$")
    memory = int(re.search(r"m=(\d+)", user.password_hash).group(1))  # type: ignore[union-attr]
    assert memory >= 46 * 1024
    assert PASSWORD not in user.password_hash


def test_long_unicode_password_signs_in_and_normalised_forms_match(app_ctx: Flask, client: FlaskClient) -> None:
    long_password = "ثلاثة كلمات طويلة جداً " * 20 + "ｆｕｌｌｗｉｄｔｈ"
    user = make_user("participation_officer", password=long_password)
    # The full-width letters were typed on another keyboard: NFKC makes them plain ASCII.
    sign_in(client, user, password=long_password.replace("ｆｕｌｌｗｉｄｔｈ", "fullwidth"))
    assert client.get("/staff/").status_code == 200


def test_common_and_short_passwords_are_refused(app_ctx: Flask) -> None:
    from feedback_app.staff.passwords import password_problems

    assert password_problems("password1234")
    assert password_problems("Qwertyuiop123")
    assert password_problems("LeedsUnited1!")
    assert password_problems("short")
    assert password_problems("jo.bloggs-is-great-2025", "jo.bloggs@leeds.gov.uk")
    assert password_problems("orchard kettle lantern violet") == []


def test_wrong_password_keeps_the_typed_email_and_says_nothing_about_which_was_wrong(app_ctx: Flask, client: FlaskClient) -> None:
    make_user("admin")
    page = post(client, "/staff/sign-in", "/staff/sign-in", {"email": "admin@example.test", "password": "nope nope nope"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert 'value="admin@example.test"' in html
    unknown = post(client, "/staff/sign-in", "/staff/sign-in", {"email": "nobody@example.test", "password": "nope nope nope"})
    assert "is not right" in unknown.get_data(as_text=True)


def test_password_alone_reaches_no_page_with_childrens_text(app_ctx: Flask, client: FlaskClient) -> None:
    user = make_user("participation_officer")
    post(client, "/staff/sign-in", "/staff/sign-in", {"email": user.email, "password": PASSWORD})
    for url in ("/staff/", "/triage/", "/safeguarding/alerts"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/staff/two-factor" in response.headers["Location"]


def test_totp_code_is_single_use(app_ctx: Flask, client: FlaskClient, new_client) -> None:
    user = make_user("safeguarding_lead")
    code = code_for(user.totp_secret)
    post(client, "/staff/sign-in", "/staff/sign-in", {"email": user.email, "password": PASSWORD})
    assert post(client, "/staff/two-factor", "/staff/two-factor", {"code": code}).status_code == 302
    other = new_client()
    post(other, "/staff/sign-in", "/staff/sign-in", {"email": user.email, "password": PASSWORD})
    replay = post(other, "/staff/two-factor", "/staff/two-factor", {"code": code})
    assert replay.status_code == 400
    assert other.get("/safeguarding/alerts").status_code == 302


def test_first_sign_in_enrols_an_authenticator_from_a_server_drawn_qr_code(app_ctx: Flask, client: FlaskClient) -> None:
    user = make_user("advocate", enrolled=False)
    response = post(client, "/staff/sign-in", "/staff/sign-in", {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].startswith("/staff/two-factor/set-up")
    page = client.get("/staff/two-factor/set-up").get_data(as_text=True)
    assert "<svg" in page and "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")
    secret = re.search(r'<p class="secret" id="secret">([A-Z2-7 ]+)</p>', page).group(1).replace(" ", "")  # type: ignore[union-attr]
    wrong = post(client, "/staff/two-factor/set-up", "/staff/two-factor/set-up", {"code": "000000"})
    assert wrong.status_code == 400
    done = post(client, "/staff/two-factor/set-up", "/staff/two-factor/set-up", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302
    db.session.refresh(user)
    assert user.totp_confirmed and user.totp_secret == secret
    assert client.get("/advocate/").status_code == 200


def test_sign_out_ends_the_server_session_so_a_replayed_cookie_is_refused(app_ctx: Flask, client: FlaskClient, new_client) -> None:
    user = make_user("safeguarding_lead")
    sign_in(client, user)
    cookie = client.get_cookie("session")
    assert cookie is not None
    stolen = cookie.value
    assert client.get("/safeguarding/alerts").status_code == 200
    post(client, "/staff/", "/staff/sign-out", {})
    assert client.get("/safeguarding/alerts").status_code == 302
    attacker = new_client()
    attacker.set_cookie("session", stolen)
    response = attacker.get("/safeguarding/alerts")
    assert response.status_code == 302 and "/staff/sign-in" in response.headers["Location"]


def test_idle_and_absolute_timeouts_end_the_session(app_ctx: Flask, client: FlaskClient) -> None:
    from feedback_app.models.staff import StaffSession

    user = make_user("participation_officer")
    sign_in(client, user)
    row = db.session.scalar(select(StaffSession).filter_by(user_id=user.id))
    row.last_seen_at = datetime.now(UTC) - timedelta(minutes=31)
    db.session.commit()
    response = client.get("/triage/")
    assert response.status_code == 302 and "timed_out=idle_timeout" in response.headers["Location"]
    assert "not used for a while" in client.get(response.headers["Location"]).get_data(as_text=True)

    sign_in(client, user)
    row = db.session.scalars(select(StaffSession).filter_by(user_id=user.id, ended_at=None)).one()
    row.created_at = datetime.now(UTC) - timedelta(hours=8, minutes=1)
    db.session.commit()
    response = client.get("/triage/")
    assert "timed_out=absolute_timeout" in response.headers["Location"]


def test_repeated_failures_lock_the_account_for_a_while(app_ctx: Flask, client: FlaskClient, app: Flask) -> None:
    user = make_user("admin")
    for _ in range(int(app.config.get("STAFF_LOCKOUT_THRESHOLD", 10))):
        post(client, "/staff/sign-in", "/staff/sign-in", {"email": user.email, "password": "wrong wrong wrong"})
    locked = post(client, "/staff/sign-in", "/staff/sign-in", {"email": user.email, "password": PASSWORD})
    assert locked.status_code == 400
    db.session.refresh(user)
    user.locked_until = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    sign_in(client, user)


def test_sign_in_is_rate_limited_and_the_limit_keeps_the_typed_email(database_url: str) -> None:
    from feedback_app import create_app
    from feedback_app.staff import init_staff

    limited = create_app("testing", {
        "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True,
        "STAFF_SIGN_IN_RATE_LIMIT": "3 per minute",
    })
    init_staff(limited)
    client = limited.test_client()
    statuses = []
    for _ in range(4):
        token = csrf(client, "/staff/sign-in")
        reply = client.post("/staff/sign-in", data={"csrf_token": token, "email": "someone@example.test", "password": "x" * 12})
        statuses.append(reply.status_code)
    assert statuses == [400, 400, 400, 429]
    body = reply.get_data(as_text=True)
    assert 'value="someone@example.test"' in body and "too many" in body.lower()


def test_next_parameter_cannot_send_people_off_site(app_ctx: Flask, client: FlaskClient) -> None:
    user = make_user("admin")
    post(client, "/staff/sign-in", "/staff/sign-in", {"email": user.email, "password": PASSWORD, "next": "https://evil.example/"})
    response = post(client, "/staff/two-factor", "/staff/two-factor?next=//evil.example/", {"code": code_for(user.totp_secret)})
    assert response.headers["Location"] == "/staff/"


def test_staff_pages_send_no_store_and_security_headers(app_ctx: Flask, client: FlaskClient) -> None:
    response = client.get("/staff/sign-in")
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_users_create_command_takes_the_password_from_stdin(app_ctx: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    from feedback_app.models.staff import StaffUser
    from feedback_app.staff.passwords import verify_password

    result = runner.invoke(args=["users", "create", "--role", "participation_officer", "--email", "Officer@Example.test"],
                           input="lantern orchard kettle violet\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(StaffUser).filter_by(email="officer@example.test"))
    assert user is not None and user.role == "participation_officer"
    assert verify_password(user.password_hash, "lantern orchard kettle violet")
    weak = runner.invoke(args=["users", "create", "--role", "admin", "--email", "x@example.test"], input="password1234\n")
    assert weak.exit_code != 0 and "common" in weak.output
    bad_role = runner.invoke(args=["users", "create", "--role", "wizard", "--email", "y@example.test"], input="lantern orchard kettle violet\n")
    assert bad_role.exit_code != 0
