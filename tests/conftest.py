"""Shared fixtures: the app on a real database, migrated by Alembic, emptied between tests.

Tests run on SQLite always and on PostgreSQL when TEST_DATABASE_URL is set. On PostgreSQL each
test run gets its own freshly created database, so parallel runs on one server never collide.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from feedback_app import create_app
from feedback_app.config import normalise_database_url
from feedback_app.extensions import db

# Reference data loaded once per run and kept between tests.
KEEP_TABLES = {"alembic_version", "promises", "themes", "survey_versions"}


def _postgres_database(base_url: str) -> tuple[str, sa.Engine, str]:
    """Create a throwaway database on the server of ``base_url``; return its URL."""
    url = sa.make_url(normalise_database_url(base_url))
    name = f"vocp_test_{secrets.token_hex(4)}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return url.set(database=name).render_as_string(hide_password=False), admin, name


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A new, empty database for this test run."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        return
    url, admin, name = _postgres_database(base)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The application, migrated with Alembic and loaded with the taxonomy and surveys."""
    application = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    with application.app_context():
        upgrade()
        from feedback_app.surveys.registry import sync_survey_definitions, sync_taxonomy

        sync_taxonomy()
        sync_survey_definitions()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _empty_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty every table except reference data after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    application: Flask = request.getfixturevalue("app")
    with application.app_context():
        db.session.rollback()
        meta = sa.MetaData()
        meta.reflect(bind=db.engine)
        with db.engine.begin() as conn:
            for table in reversed(meta.sorted_tables):
                if table.name not in KEEP_TABLES:
                    conn.execute(table.delete())
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client with real CSRF protection."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    """The Flask CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    """An application context, for tests that use the data layer directly."""
    with app.app_context():
        yield app


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
