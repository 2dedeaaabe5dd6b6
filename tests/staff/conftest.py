"""Staff tests run on the staff-enabled app (see support.staff_app)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.staff.support import FreshContextClient, staff_app


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    """Overrides the shared ``app``: the same test database, with the staff side registered."""
    yield staff_app(database_url)


@pytest.fixture
def new_client(app: Flask) -> Callable[[], FlaskClient]:
    """Make another browser (its own cookies), each request in its own application context."""
    return lambda: FreshContextClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def client(new_client: Callable[[], FlaskClient]) -> FlaskClient:
    return new_client()
