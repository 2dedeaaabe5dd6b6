"""Reference data in the database: the taxonomy and the stored survey versions."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import yaml
from flask import current_app
from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models import Promise, SurveyVersion, Theme
from feedback_app.surveys.definitions_loader import (
    Survey,
    SurveyDefinitionError,
    build_survey,
    checksum,
    read_definition_files,
)

# The order surveys are listed on the start page: youngest first, carers last.
AUDIENCE_ORDER = ["child_4_7", "child_8_11", "young_person", "care_leaver", "carer"]


def load_taxonomy(path: str | Path | None = None) -> dict[str, Any]:
    """Read taxonomy.yaml (promise, theme and flag IDs: a fixed contract)."""
    source = Path(path or current_app.config["TAXONOMY_PATH"])
    return dict(yaml.safe_load(source.read_text(encoding="utf-8")))


def sync_taxonomy() -> None:
    """Add promises and themes missing from the database; labels already edited are kept."""
    taxonomy = load_taxonomy()
    for order, item in enumerate(taxonomy["promises"]):
        if db.session.get(Promise, item["id"]) is None:
            db.session.add(Promise(id=item["id"], label=item["label"], sort_order=order))
    for item in taxonomy["themes"]:
        if db.session.get(Theme, item["id"]) is None:
            db.session.add(Theme(id=item["id"], label=item["label"], promise_ids=list(item["promises"])))
    db.session.commit()


def sync_survey_definitions(directory: str | Path | None = None) -> list[str]:
    """Store every new definition version; refuse a changed file for a version already stored.

    Returns the ``slug vN`` names newly stored. The newest version of each slug stays open and
    older ones close to new responses (their answers stay, requirement 27).
    """
    promise_ids = set(db.session.scalars(select(Promise.id)))
    definitions = read_definition_files(directory or current_app.config["SURVEY_DEFINITIONS_DIR"], promise_ids)
    added = []
    for data in definitions:
        stored = db.session.scalar(
            select(SurveyVersion).filter_by(slug=data["slug"], version=data["version"])
        )
        digest = checksum(data)
        if stored is None:
            db.session.add(SurveyVersion(slug=data["slug"], version=data["version"], checksum=digest, definition=data))
            added.append(f"{data['slug']} v{data['version']}")
        elif stored.checksum != digest:
            raise SurveyDefinitionError(
                f"{data['slug']} v{data['version']} differs from the stored version: "
                "add a new version file instead of editing one that has answers"
            )
    db.session.flush()
    newest: dict[str, int] = {}
    for data in definitions:
        newest[data["slug"]] = max(newest.get(data["slug"], 0), data["version"])
    for version in db.session.scalars(select(SurveyVersion)):
        if version.slug in newest:
            version.open = version.version == newest[version.slug]
    db.session.commit()
    _open_ids.clear()
    return added


def open_survey_versions() -> list[SurveyVersion]:
    """The survey versions taking responses now, in start-page order."""
    versions = list(db.session.scalars(select(SurveyVersion).filter_by(open=True)))

    def order(v: SurveyVersion) -> tuple[int, str]:
        audience = survey_of(v).audience
        rank = AUDIENCE_ORDER.index(audience) if audience in AUDIENCE_ORDER else len(AUDIENCE_ORDER)
        return rank, v.slug

    return sorted(versions, key=order)


def open_version_for(slug: str) -> SurveyVersion | None:
    """The open version of ``slug``, or None."""
    return db.session.scalar(select(SurveyVersion).filter_by(slug=slug, open=True))


_open_ids: dict[str, tuple[float, int | None]] = {}
OPEN_VERSION_TTL_SECONDS = 5.0


def open_version_id(slug: str) -> int | None:
    """The id of the open version of ``slug``.

    Asked on every page of every survey, so each process remembers the answer for a few
    seconds; a newly synced version is served within that time.
    """
    now = time.monotonic()
    cached = _open_ids.get(slug)
    if cached is not None and now - cached[0] < OPEN_VERSION_TTL_SECONDS:
        return cached[1]
    version_id = db.session.scalar(select(SurveyVersion.id).filter_by(slug=slug, open=True))
    _open_ids[slug] = (now, version_id)
    return version_id


# Stored versions never change (sync refuses an edited one), so a process may keep them.
_surveys_by_version: dict[int, Survey] = {}


def survey_by_version_id(version_id: int) -> Survey:
    """The Survey for a stored version id, loading its definition only the first time."""
    survey = _surveys_by_version.get(version_id)
    if survey is None:
        version = db.session.get(SurveyVersion, version_id)
        if version is None:
            raise LookupError(f"No survey version {version_id}")
        survey = _surveys_by_version[version_id] = build_survey(version.definition)
    return survey


def survey_of(version: SurveyVersion) -> Survey:
    """The Survey object for a stored version."""
    return survey_by_version_id(version.id)
