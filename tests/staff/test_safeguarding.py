"""Safeguarding alerts: raised by the tagger or "I feel unsafe", worked through a life cycle,
escalated past a deadline, and e-mailed to the lead and deputy through a real SMTP server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models.alerts import Alert, Notification
from feedback_app.models.audit import AuditEntry
from tests.staff.support import make_user, post, sign_in, submitted_response


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp(app: Flask) -> Iterator[_Inbox]:
    """A real SMTP server on localhost; the app is pointed at it for the test."""
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    old = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox
    app.config.update(old)
    controller.stop()


def test_unsafe_button_on_a_question_page_raises_a_high_alert_with_nothing_answered(app: Flask, client: FlaskClient, smtp: _Inbox) -> None:
    start = client.get("/surveys/young-people")
    token = start.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    question_url = client.post("/surveys/young-people/start", data={"csrf_token": token}).headers["Location"]
    page = client.get(question_url).get_data(as_text=True)
    assert "I feel unsafe" in page and 'action="/i-feel-unsafe"' in page
    form = page.split('class="unsafe"')[1].split("</form>")[0]
    fields = dict(
        (chunk.split('name="')[1].split('"')[0], chunk.split('value="')[1].split('"')[0])
        for chunk in form.split("<input")[1:]
    )
    done = client.post("/i-feel-unsafe", data=fields)
    html = done.get_data(as_text=True)
    assert done.status_code == 200
    assert "999" in html and "0800 1111" in html and "What happens next" in html
    assert 'href="/surveys/young-people/questions/' in html  # back to where the child was
    with app.app_context():
        alert = db.session.scalars(select(Alert)).one()
        assert (alert.source, alert.severity, alert.status) == ("unsafe_button", "high", "new")
        assert alert.response_id is not None
        sent = db.session.scalars(select(Notification)).all()
        assert {n.to_address for n in sent} == {"lead@example.test", "deputy@example.test"}
        assert all(n.status == "sent" for n in sent)
    assert sorted(rcpt for m in smtp.messages for rcpt in m.rcpt_tos) == ["deputy@example.test", "lead@example.test"]
    body = smtp.messages[0].content.decode()
    assert f"https://voice.example.test/safeguarding/alerts/{alert.id}" in body
    # Pressing again for the same draft does not flood the queue.
    client.post("/i-feel-unsafe", data=fields)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Alert.id))) == 1


def test_unsafe_button_works_in_the_childs_language_without_any_draft(app: Flask, client: FlaskClient) -> None:
    token = client.get("/help?lang=ar").get_data(as_text=True)
    start = client.get("/surveys/young-people?lang=ar").get_data(as_text=True)
    token = start.split('name="csrf_token" value="')[1].split('"')[0]
    page = client.post("/i-feel-unsafe", data={"csrf_token": token})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'dir="rtl"' in html and 'lang="ar"' in html
    with app.app_context():
        assert db.session.scalars(select(Alert)).one().response_id is None


def test_a_failed_send_never_fails_the_caller_and_is_retried_then_shown_to_admins(app: Flask, new_client) -> None:  # type: ignore[no-untyped-def]
    from feedback_app.safeguarding import mail
    from feedback_app.safeguarding.alerts import raise_alert

    port = _free_port()  # nothing listens here: every send is refused
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        with app.app_context():
            alert = raise_alert(source="tagger", severity="high", reasons=["disclosure"])
            rows = db.session.scalars(select(Notification)).all()
            assert alert.id and {r.status for r in rows} == {"failed"}
            assert all(r.attempts == 1 and "Connection" in (r.last_error or "") for r in rows)
            # Not due yet: the retry waits its back-off.
            assert mail.send_due() == (0, 0)
        admin = make_admin_client(app, new_client)
        outbox = admin.get("/safeguarding/outbox").get_data(as_text=True)
        assert "failed" in outbox and "lead@example.test" in outbox
        inbox = _Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            with app.app_context():
                later = datetime.now(UTC) + timedelta(minutes=2)
                assert mail.send_due(now=later) == (2, 0)
                assert {r.status for r in db.session.scalars(select(Notification))} == {"sent"}
        finally:
            controller.stop()
        assert len(inbox.messages) == 2
    finally:
        app.config.update(MAIL_SERVER="", MAIL_PORT=25)


def make_admin_client(app: Flask, new_client) -> FlaskClient:  # type: ignore[no-untyped-def]
    with app.app_context():
        admin = make_user("admin")
        client = new_client()
        sign_in(client, admin)
    return client


def test_alert_life_cycle_needs_a_person_an_outcome_and_a_note(app: Flask, new_client, smtp: _Inbox) -> None:  # type: ignore[no-untyped-def]
    from feedback_app.safeguarding.alerts import raise_alert

    with app.app_context():
        _response, comment = submitted_response("My carer's boyfriend hits me when I get home late.")
        alert = raise_alert(source="tagger", severity="high", reasons=["physical_harm"], comment_id=comment.id, response_id=comment.response_id)
        alert_id, comment_id = alert.id, comment.id
        lead = make_user("safeguarding_lead")
        client = new_client()
        sign_in(client, lead)
    queue = client.get("/safeguarding/alerts").get_data(as_text=True)
    assert f"#{alert_id}" in queue and "High" in queue
    assert "hits me" not in queue  # the queue itself never shows what a child wrote
    detail = client.get(f"/safeguarding/alerts/{alert_id}")
    assert "hits me" in detail.get_data(as_text=True)
    url = f"/safeguarding/alerts/{alert_id}/status"
    page = f"/safeguarding/alerts/{alert_id}"
    skip = post(client, page, url, {"to": "closed", "outcome": "no_concern", "note": "x"})
    assert skip.status_code == 400  # cannot jump from New to Closed
    assert post(client, page, url, {"to": "acknowledged"}).status_code == 302
    no_note = post(client, page, url, {"to": "action_taken", "note": "  "})
    assert no_note.status_code == 400 and "Say what action was taken" in no_note.get_data(as_text=True)
    assert post(client, page, url, {"to": "action_taken", "note": "Referred to the front door."}).status_code == 302
    typed = post(client, page, url, {"to": "closed", "outcome": "", "note": "Social worker visited the same day."})
    assert typed.status_code == 400 and "Social worker visited the same day." in typed.get_data(as_text=True)
    assert post(client, page, url, {"to": "closed", "outcome": "referred_social_care", "note": "Social worker visited the same day."}).status_code == 302
    with app.app_context():
        closed = db.session.get(Alert, alert_id)
        assert closed.status == "closed" and closed.closed_by == lead.id and closed.outcome == "referred_social_care"
        assert [e.to_status for e in closed.events] == ["new", "acknowledged", "action_taken", "closed"]
        actions = [(a.action, a.actor_email) for a in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert ("view_comment_text", "safeguarding_lead@example.test") in actions
        assert actions.count(("alert_transition", "safeguarding_lead@example.test")) == 3
        viewed = db.session.scalars(select(AuditEntry).filter_by(action="view_comment_text")).first()
        assert viewed.target_id == str(comment_id) and viewed.actor_role == "safeguarding_lead"
        # The staff notes are encrypted at rest like the child's words.
        raw = db.session.execute(db.text("SELECT close_note FROM safeguarding_alerts WHERE id = :i"), {"i": alert_id}).scalar()
        assert b"Social worker" not in bytes(raw)


def test_queue_puts_high_severity_first_then_longest_waiting_and_shows_overdue(app: Flask, new_client) -> None:  # type: ignore[no-untyped-def]
    from feedback_app.safeguarding.alerts import raise_alert

    with app.app_context():
        old_normal = raise_alert(source="unreadable", severity="normal", reasons=["unknown_language"])
        new_high = raise_alert(source="tagger", severity="high", reasons=["self_harm"])
        old_high = raise_alert(source="unsafe_button", severity="high", reasons=["unsafe_button"])
        old_high.created_at = datetime.now(UTC) - timedelta(days=3)
        old_high.deadline_at = datetime.now(UTC) - timedelta(days=2)
        db.session.commit()
        ids = (old_high.id, new_high.id, old_normal.id)
        lead = make_user("safeguarding_lead")
        client = new_client()
        sign_in(client, lead)
    html = client.get("/safeguarding/alerts").get_data(as_text=True)
    positions = [html.index(f">#{i}<") for i in ids]
    assert positions == sorted(positions)
    assert "Overdue" in html


def test_unacknowledged_alerts_escalate_once_after_the_deadline(app: Flask, runner, smtp: _Inbox) -> None:  # type: ignore[no-untyped-def]
    from feedback_app.safeguarding.alerts import raise_alert

    with app.app_context():
        alert = raise_alert(source="tagger", severity="high", reasons=["neglect"])
        alert.deadline_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
        alert_id = alert.id
    before = len(smtp.messages)
    result = runner.invoke(args=["safeguarding", "escalate"])
    assert f"#{alert_id}" in result.output
    escalations = smtp.messages[before:]
    assert len(escalations) == 2 and b"OVERDUE" in escalations[0].content
    again = runner.invoke(args=["safeguarding", "escalate"])
    assert "Escalated 0" in again.output


def test_deadlines_count_working_hours_only(app_ctx: Flask) -> None:
    from feedback_app.safeguarding.deadlines import deadline_for

    friday_4pm = datetime(2025, 6, 6, 15, 0, tzinfo=UTC)  # 16:00 in London (BST)
    assert deadline_for("high", friday_4pm) == datetime(2025, 6, 6, 16, 0, tzinfo=UTC)
    friday_4_30pm = datetime(2025, 6, 6, 15, 30, tzinfo=UTC)
    assert deadline_for("high", friday_4_30pm) == datetime(2025, 6, 9, 8, 30, tzinfo=UTC)  # Monday 09:30
    saturday = datetime(2025, 6, 7, 11, 0, tzinfo=UTC)
    assert deadline_for("normal", saturday) == datetime(2025, 6, 9, 16, 0, tzinfo=UTC)  # Monday 17:00


def test_raise_alert_refuses_unknown_sources(app_ctx: Flask) -> None:
    from feedback_app.safeguarding.alerts import raise_alert

    with pytest.raises(ValueError):
        raise_alert(source="guess", severity="high", reasons=[])
    with pytest.raises(ValueError):
        raise_alert(source="tagger", severity="urgent", reasons=[])
