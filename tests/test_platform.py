"""Operator-facing guarantees: health check, safe settings, migrations, headers, privacy at rest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask.testing import FlaskClient

from feedback_app import create_app
from feedback_app.config import ConfigurationError
from feedback_app.extensions import db
from feedback_app.models import Comment
from tests.helpers import csrf_token, submit_page, text_of

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_reports_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["status"] == "ok"


def test_healthz_is_503_when_the_database_is_down(tmp_path: Path) -> None:
    broken = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    assert broken.test_client().get("/healthz").status_code == 503


def test_production_refuses_sqlite_and_default_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="SQLite"):
        create_app("production")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/test")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    with pytest.raises(ConfigurationError, match="FIELD_ENCRYPTION_KEY"):
        create_app("production")
    monkeypatch.setenv("FIELD_ENCRYPTION_KEY", "a-real-production-key-from-the-vault")
    with pytest.raises(ConfigurationError, match="CHILD_KEY_SECRET"):
        create_app("production")
    monkeypatch.setenv("CHILD_KEY_SECRET", "another-secret-from-the-vault")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_NAME"].startswith("__Host-")


def test_models_and_migrations_agree(app: Flask) -> None:
    """Fails when a model changes without an Alembic revision (like `flask db check`)."""
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_taxonomy_copy_matches_the_shared_contract() -> None:
    shared = ROOT.parent / "shared" / "taxonomy.yaml"
    if not shared.exists():  # the contract folder sits beside the repo on every dev and CI machine
        pytest.fail("../shared/taxonomy.yaml is missing")
    assert (ROOT / "feedback_app" / "data" / "taxonomy.yaml").read_text() == shared.read_text()


def test_security_headers_on_every_page(client: FlaskClient) -> None:
    for url in ("/", "/surveys/young-people", "/help", "/resume", "/healthz", "/no-such-page"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "'nonce-" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"


def test_pages_load_nothing_from_another_origin(client: FlaskClient) -> None:
    for url in ("/", "/surveys/young-people", "/help", "/resume"):
        html = text_of(client.get(url))
        assert "http://" not in html and "https://" not in html and "//cdn" not in html


def test_free_text_is_encrypted_at_rest(app: Flask, client: FlaskClient) -> None:
    canary = "purple-elephant-canary-7731"
    page = client.get("/surveys/young-people")
    first = client.post("/surveys/young-people/start", data={"csrf_token": csrf_token(text_of(page))}).location
    url = first.rsplit("/", 1)[0] + "/anything_else"
    assert submit_page(client, url, {"answer": canary, "action": "continue"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Comment.text)) == canary
        with db.engine.connect() as conn:
            raw = conn.execute(sa.text("SELECT text FROM comments")).scalar_one()
            dump = " ".join(str(row) for table in ("comments", "answers", "responses")
                            for row in conn.execute(sa.text(f"SELECT * FROM {table}")))
    assert canary.encode() not in bytes(raw)
    assert canary not in dump


def test_anonymous_respondent_gets_only_the_session_cookie(client: FlaskClient) -> None:
    page = client.get("/surveys/young-people")
    client.post("/surveys/young-people/start", data={"csrf_token": csrf_token(text_of(page))})
    names = {cookie.key for cookie in client._cookies.values()}  # type: ignore[attr-defined]
    assert names == {"session"}


def test_no_client_address_or_agent_is_stored(app: Flask, client: FlaskClient) -> None:
    page = client.get("/surveys/young-people", environ_base={"REMOTE_ADDR": "203.0.113.77"},
                      headers={"User-Agent": "UniqueAgent/9.9"})
    client.post("/surveys/young-people/start", data={"csrf_token": csrf_token(text_of(page))},
                environ_base={"REMOTE_ADDR": "203.0.113.77"}, headers={"User-Agent": "UniqueAgent/9.9"})
    with app.app_context(), db.engine.connect() as conn:
        dump = " ".join(str(row) for row in conn.execute(sa.text("SELECT * FROM responses")))
    assert "203.0.113.77" not in dump and "UniqueAgent" not in dump


def test_demo_command_loads_responses_in_several_languages(runner, app: Flask) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["demo", "--per-survey", "20"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        languages = set(db.session.scalars(sa.text("SELECT DISTINCT language FROM responses")))
        count = db.session.scalar(sa.text("SELECT count(*) FROM responses WHERE status = 'submitted'"))
    assert {"en", "ar", "pl"} <= languages and count >= 80
    again = runner.invoke(args=["demo"])
    assert "already has" in again.output


def test_test_database_is_the_one_asked_for(app: Flask) -> None:
    wanted = os.environ.get("TEST_DATABASE_URL")
    dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    assert ("postgresql" in dialect) == bool(wanted)
