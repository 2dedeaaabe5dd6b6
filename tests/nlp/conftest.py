"""Fixtures for the tagger tests: the shipped models, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp import Tagger, load_tagger

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def tagger() -> Tagger:
    """The tagger the Flask app uses: every shipped language pipeline from nlp/models/."""
    return load_tagger()
