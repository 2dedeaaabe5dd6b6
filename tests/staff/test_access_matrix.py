"""The role x route matrix (requirement 13): every route of the app, for every role and for
anonymous visitors. Board members and admins never receive a child's free text; every response
carries the security headers (requirement 15)."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from feedback_app.extensions import db
from feedback_app.models.actions import Action, ActionText
from tests.staff.support import ROLES, make_user, sign_in, submitted_response

CANARY = "purple giraffe canary 7731 says my carer shouts"
# Staff-side pages that must be reachable before signing in (they are the way in).
OPEN_STAFF_ENDPOINTS = {"staff.sign_in", "staff.two_factor", "staff.two_factor_setup", "staff.sign_out",
                        "staff.static", "safeguarding.static", "triage.static", "safeguarding.i_feel_unsafe",
                        "actions.public", "scorecard.static"}
STAFF_BLUEPRINTS = {"staff", "advocates", "triage", "safeguarding", "actions", "audit", "scorecard", "placements_admin"}
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _url(app: Flask, rule: Any, ids: dict[str, Any]) -> str:
    values = {}
    for arg in rule.arguments:
        if arg == "filename":
            values[arg] = {"staff.static": "staff.css", "safeguarding.static": "unsafe.css", "triage.static": "triage.js"}.get(rule.endpoint, "css/app.css")
        else:
            values[arg] = ids.get(arg, "x")
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _check_headers(response: Any, where: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "'nonce-" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy"), where


def test_every_route_for_every_role(app: Flask, new_client) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        from feedback_app.safeguarding.alerts import raise_alert
        from feedback_app.surveys.registry import open_version_id, survey_by_version_id

        response, comment = submitted_response(CANARY)
        alert = raise_alert(source="tagger", severity="high", reasons=["test"], comment_id=comment.id, response_id=response.id)
        action = Action(title="Matrix action", owner="Team", status="planned", promise_ids=["P1"], theme_ids=[], published=True,
                        texts=[ActionText(lang="en", you_said="You said a thing.", we_did="We did a thing.")])
        db.session.add(action)
        db.session.commit()
        spare = make_user("board_member", "spare@example.test")
        # A placement import run and an invitation batch, so the admin pages have something to show.
        from feedback_app.placements.linking import create_invitations
        from tests.placements.conftest import EPISODE_COLUMNS, HEADER_COLUMNS, csv_text, import_csv

        run = import_csv({
            "header.csv": csv_text(HEADER_COLUMNS, "811,1,01/01/2010,WBRI,,,"),
            "episodes.csv": csv_text(EPISODE_COLUMNS, "811,01/04/2020,S,C2,N1,U1,PR1,,X1,,,,"),
        })
        batch, _ = create_invitations(["811"], None)
        db.session.commit()
        survey = survey_by_version_id(open_version_id("young-people"))  # type: ignore[arg-type]
        ids = {"alert_id": alert.id, "comment_id": comment.id, "action_id": action.id, "user_id": spare.id,
               "slug": "young-people", "question_id": survey.questions[0].id, "import_id": run.import_id, "batch": batch, "fmt": "json"}
        clients: dict[str, FlaskClient] = {"anonymous": new_client()}
        for role in ROLES:
            clients[role] = new_client()
            sign_in(clients[role], make_user(role))

    tokens = {}
    for who, client in clients.items():
        match = _TOKEN.search(client.get("/surveys/young-people").get_data(as_text=True))
        assert match
        tokens[who] = match.group(1)

    checked = 0
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        allowed = getattr(view, "allowed_roles", None)
        blueprint = rule.endpoint.split(".")[0] if "." in rule.endpoint else ""
        if blueprint in STAFF_BLUEPRINTS and rule.endpoint not in OPEN_STAFF_ENDPOINTS:
            assert allowed is not None, f"{rule.endpoint} is a staff page without a role check"
        url = _url(app, rule, ids)
        for who, client in clients.items():
            where = f"{who} {rule.endpoint} {url}"
            if "GET" in rule.methods:
                reply = client.get(url)
                checked += 1
                assert reply.status_code < 500, where
                _check_headers(reply, where)
                body = reply.get_data(as_text=True) if reply.mimetype.startswith("text") else ""
                if who in ("anonymous", "board_member", "admin", "advocate"):
                    assert CANARY not in body, f"free text reached {where}"
                if allowed is not None:
                    if who == "anonymous":
                        assert reply.status_code == 302 and "/staff/sign-in" in reply.headers["Location"], where
                    elif who in allowed:
                        assert reply.status_code == 200, where
                    else:
                        assert reply.status_code == 403, where
            if "POST" in rule.methods and allowed is not None and who not in allowed:
                reply = client.post(url, data={"csrf_token": tokens[who]})
                checked += 1
                _check_headers(reply, where)
                if who == "anonymous":
                    assert reply.status_code == 302 and "/staff/sign-in" in reply.headers["Location"], f"POST {where}"
                else:
                    assert reply.status_code == 403, f"POST {where}"
    assert checked > 100


def test_no_get_route_changes_state(app: Flask, new_client) -> None:  # type: ignore[no-untyped-def]
    """Walking every GET route as each role writes nothing but audit rows and session touches."""
    import sqlalchemy as sa

    with app.app_context():
        submitted_response("A comment for the walk.")
        clients = []
        for role in ROLES:
            client = new_client()
            sign_in(client, make_user(role))
            clients.append(client)

        def snapshot() -> dict[str, int]:
            meta = sa.MetaData()
            meta.reflect(bind=db.engine)
            skip = {"audit_log", "staff_sessions", "alembic_version"}
            with db.engine.connect() as conn:
                return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                        for t in meta.sorted_tables if t.name not in skip}

        before = snapshot()
    for client in clients:
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and not rule.arguments:
                client.get(rule.rule)
    with app.app_context():
        assert snapshot() == before
