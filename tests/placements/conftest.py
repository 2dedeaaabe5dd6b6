"""Fixtures for the placement tests: the lead's migrated app plus the placement tables.

The placement tables join the Alembic migration at integration; until then they are created
here on the same test database (create_all skips tables that already exist).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask

from feedback_app.extensions import db
from feedback_app.models import placements as models
from feedback_app.placements.cli import placements_cli
from feedback_app.placements.importer import ImportResult, run_import
from feedback_app.placements.parse import SourceFile

PLACEMENT_TABLES = [
    models.PlacementImport.__table__,
    models.PlacementChild.__table__,
    models.PlacementEpisode.__table__,
    models.PlacementCareLeaver.__table__,
    models.PlacementUasc.__table__,
    models.PlacementPostcode.__table__,
    models.PlacementInvitation.__table__,
]

HEADER_COLUMNS = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODE_COLUMNS = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"


@pytest.fixture(scope="session")
def placement_tables(app: Flask) -> Flask:
    """The session app with the placement tables and the `placements` CLI group."""
    with app.app_context():
        db.metadata.create_all(db.engine, tables=PLACEMENT_TABLES)
    if "placements" not in app.cli.commands:
        app.cli.add_command(placements_cli)
    return app


@pytest.fixture
def ctx(placement_tables: Flask) -> Iterator[Flask]:
    """An application context on the database with placement tables."""
    with placement_tables.app_context():
        yield placement_tables


@pytest.fixture
def admin_client(placement_tables: Flask):  # type: ignore[no-untyped-def]
    """A browser signed in (password and TOTP) as an admin, who may use the placement pages."""
    from tests.staff.support import FreshContextClient, make_user, sign_in

    client = FreshContextClient(placement_tables, placement_tables.response_class, use_cookies=True)
    with placement_tables.app_context():
        sign_in(client, make_user("admin"))
    return client


def csv_text(columns: str, *rows: str) -> str:
    """A CSV file's text from its column line and rows (leading spaces of each row dropped)."""
    return "\n".join([columns, *(r.strip() for r in rows)]) + "\n"


def import_csv(files: dict[str, str], skip_invalid: bool = False, year_ending: date | None = None) -> ImportResult:
    """Run the importer on in-memory CSV files, in the order given."""
    sources = [SourceFile(name, io.BytesIO(text.encode("utf-8"))) for name, text in files.items()]
    return run_import(sources, skip_invalid=skip_invalid, year_ending=year_ending)
