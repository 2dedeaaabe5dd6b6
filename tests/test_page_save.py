"""The page save, the hottest request: what it writes, what it refuses, and its connections."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event, select

from feedback_app import create_app
from feedback_app.extensions import db
from feedback_app.models import Answer, Comment, Response
from tests.helpers import csrf_token, hidden, submit_page, text_of
from tests.test_survey_journey import _complete, _start, _survey


def test_a_page_from_another_tab_after_sending_changes_nothing(app: Flask) -> None:
    """Tab B still shows question 1 when tab A sends the survey: B's late answer is not written
    into the sent response, and B is taken to the confirmation, not to an error."""
    survey = _survey(app, "young-people")
    client = app.test_client()
    first = survey.questions[0]
    check = _complete(client, survey)
    other_tab = text_of(client.get(f"/surveys/young-people/questions/{first.id}"))
    sent = client.post("/surveys/young-people/submit", data={"csrf_token": csrf_token(check), "draft": hidden(check, "draft")})
    assert sent.status_code == 302
    late = client.post(
        f"/surveys/young-people/questions/{first.id}",
        data={"csrf_token": csrf_token(other_tab), "draft": hidden(other_tab, "draft"),
              "version": hidden(other_tab, "version"), "answer": first.options[-1].value, "action": "continue"},
    )
    assert late.status_code == 302 and late.location.endswith("/surveys/young-people/done")
    with app.app_context():
        stored = db.session.scalar(select(Answer).filter_by(question_id=first.id))
        assert stored is not None and stored.values == [first.options[0].value]


def test_each_page_is_one_atomic_write_that_replaces_the_earlier_answer(app: Flask) -> None:
    """Answering a page again replaces the answer and its comment; clearing it removes the comment."""
    survey = _survey(app, "young-people")
    text_q = next(q for q in survey.questions if q.is_text)
    client = app.test_client()
    _start(client, "young-people")
    url = f"/surveys/young-people/questions/{text_q.id}"
    assert submit_page(client, url, {"answer": "first words", "action": "continue"}).status_code == 302
    assert submit_page(client, url, {"answer": "second words", "action": "continue"}).status_code == 302
    with app.app_context():
        comments = db.session.scalars(select(Comment)).all()
        assert [c.text for c in comments] == ["second words"]
        assert db.session.scalar(select(sa.func.count()).select_from(Answer)) == 1
        assert db.session.scalar(select(Response.expires_at)) is not None
    # Free text may be left blank: clearing it removes the comment, the answer stays (blank).
    assert submit_page(client, url, {"answer": "", "action": "continue"}).status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Comment)).all() == []
        assert db.session.scalar(select(Answer.values)) == []


def test_a_saved_page_costs_one_statement_on_postgresql(app: Flask) -> None:
    """PostgreSQL: the draft is found, touched and the answer upserted in ONE statement (one round
    trip, autocommit). SQLite runs the same save as a few in-process statements in one transaction."""
    survey = _survey(app, "young-people")
    client = app.test_client()
    url = _start(client, "young-people")
    page = text_of(client.get(url))
    form = {"csrf_token": csrf_token(page), "version": hidden(page, "version"),
            "answer": survey.questions[0].options[0].value, "action": "continue"}
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        client.post(url, data=form)  # the first save may look up the open version; not counted
        statements.clear()
        saved = client.post(url, data=form)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert saved.status_code == 302
    if engine.dialect.name == "postgresql":
        assert len(statements) == 1, statements
        assert statements[0].lstrip().upper().startswith("WITH TOUCHED AS")
    else:
        assert 1 < len(statements) <= 4, statements


@pytest.fixture()
def pinging_app(database_url: str, app: Flask) -> Iterator[tuple[Flask, list[Any]]]:
    """A second app on the test database whose pool pings connections idle 0 s or longer, with
    every DBAPI connection it opens recorded so a test can cut them off."""
    opened: list[Any] = []
    second = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "DB_PING_AFTER_IDLE_SECONDS": 0.0})
    with second.app_context():
        event.listen(db.engine, "connect", lambda dbapi, _record: opened.append(dbapi))
    yield second, opened
    with second.app_context():
        db.engine.dispose()


def _cut_off(app: Flask, opened: list[Any]) -> None:
    """What a database restart or a firewall's idle timeout does to pooled connections."""
    with app.app_context():
        url = db.engine.url
    if url.get_backend_name() == "postgresql":
        admin = sa.create_engine(url, poolclass=sa.NullPool, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for dbapi in opened:
                conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": dbapi.info.backend_pid})
        admin.dispose()
    else:
        for dbapi in opened:
            dbapi.close()


def test_a_pooled_connection_cut_off_while_idle_is_replaced_before_use(
    pinging_app: tuple[Flask, list[Any]],
) -> None:
    second, opened = pinging_app
    client = second.test_client()
    assert client.get("/healthz").status_code == 200
    assert opened, "the health check opened a connection"
    _cut_off(second, opened)
    # Without the ping this request would meet the dead connection (see the next test).
    again = client.get("/healthz")
    assert again.status_code == 200 and again.get_json()["database"] == "ok"


def test_without_the_idle_ping_a_cut_off_connection_fails_the_next_request(database_url: str, app: Flask) -> None:
    """The control for the test above: the ping is what saves the request."""
    opened: list[Any] = []
    second = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "DB_PING_AFTER_IDLE_SECONDS": 3600.0})
    with second.app_context():
        event.listen(db.engine, "connect", lambda dbapi, _record: opened.append(dbapi))
    try:
        client = second.test_client()
        assert client.get("/healthz").status_code == 200
        _cut_off(second, opened)
        assert client.get("/healthz").status_code == 503
        # SQLAlchemy throws the broken pool away on that error, so the service recovers by itself.
        assert client.get("/healthz").status_code == 200
    finally:
        with second.app_context():
            db.engine.dispose()
