"""Scorecard fixtures: the lead's migrated app plus the scorecard tables and blueprint.

The scorecard tables join the Alembic migration at integration; until then they are created here
(create_all skips tables that already exist), and ``init_scorecard`` is called here. The board
pages sit behind the staff side's sign-in, so the app is the staff tests' staff-enabled app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.extensions import db
from feedback_app.models.scorecard import SCORECARD_TABLES
from feedback_app.scorecard import init_scorecard


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    """Overrides the shared ``app``: the staff-enabled app (sign-in and roles guard /board)."""
    from tests.staff.support import staff_app

    application = staff_app(database_url)
    init_scorecard(application)
    with application.app_context():
        db.metadata.create_all(db.engine, tables=SCORECARD_TABLES)
    yield application


@pytest.fixture
def new_client(app: Flask) -> Callable[[], FlaskClient]:
    """Another browser whose requests never share the test's application context (see staff)."""
    from tests.staff.support import FreshContextClient

    return lambda: FreshContextClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def client(new_client: Callable[[], FlaskClient]) -> FlaskClient:
    return new_client()


@pytest.fixture(scope="session")
def scorecard_app(app: Flask) -> Flask:
    """The session app with the scorecard tables, pages and command."""
    init_scorecard(app)
    with app.app_context():
        db.metadata.create_all(db.engine, tables=SCORECARD_TABLES)
    return app


@pytest.fixture
def sc_ctx(scorecard_app: Flask) -> Iterator[Flask]:
    """An application context on the database with the scorecard tables."""
    with scorecard_app.app_context():
        yield scorecard_app
