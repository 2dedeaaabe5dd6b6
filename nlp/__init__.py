"""Theme tagging, sentiment and safeguarding detection for children's free-text comments.

Public API (used by the Flask app):

    from nlp import load_tagger, TagResult, MODEL_VERSION
    tagger = load_tagger()
    result = tagger.tag(text, lang=None)
    results = tagger.tag_many(texts, langs=None)
"""

from __future__ import annotations

import json
from pathlib import Path

from nlp.tagger import Tagger, TagResult, load_tagger
from nlp.version import BASE_VERSION


def _shipped_version() -> str:
    manifest = Path(__file__).resolve().parent / "models" / "manifest.json"
    try:
        return str(json.loads(manifest.read_text(encoding="utf-8"))["model_version"])
    except (OSError, ValueError, KeyError):
        return f"{BASE_VERSION}+rules"


MODEL_VERSION: str = _shipped_version()

__all__ = ["MODEL_VERSION", "TagResult", "Tagger", "load_tagger"]
