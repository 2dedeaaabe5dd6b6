"""Scorecard fixtures: the lead's migrated app plus the scorecard tables and blueprint.

The scorecard tables join the Alembic migration at integration; until then they are created here
(create_all skips tables that already exist), and ``init_scorecard`` is called here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from feedback_app.extensions import db
from feedback_app.models.scorecard import SCORECARD_TABLES
from feedback_app.scorecard import init_scorecard


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
