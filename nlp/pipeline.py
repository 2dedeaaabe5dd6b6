"""Building, saving and loading the spaCy pipeline of one language.

Pipeline order: [lemmatizer (lookup, where spacy-lookups-data has a table)] -> voice_rules
(lexicon matchers) -> themes (textcat_multilabel: 18 theme labels and 4 sentiment labels, the
sentiment read as arg-max of the four) -> safeguarding_model (textcat_multilabel, one label).
The lemmatizer's tables are not written into nlp/models/: they come from the installed
spacy-lookups-data package at load time, which keeps the shipped model small.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, cast

import spacy
from spacy.language import Language

import nlp.features  # registers the voice.AffixBOW.v1 architecture
import nlp.lemmas  # registers the voice_lemmatizer factory
import nlp.rules  # noqa: F401  (registers the voice_rules factory)
from nlp.lexicon import Lexicon
from nlp.taxonomy import SENTIMENTS, THEMES

log = logging.getLogger(__name__)

THEME_PIPE = "themes"
SG_PIPE = "safeguarding_model"
SG_LABEL = "safeguarding"
SENTIMENT_LABELS = tuple(f"sentiment_{s}" for s in SENTIMENTS)
MODEL_PIPES = (THEME_PIPE, SG_PIPE)


def _bow(length: int) -> dict[str, Any]:
    # Bag-of-words over unigrams and bigrams: fast enough for thousands of comments a
    # second on one core, and robust for short, misspelt text.
    return {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": False,
        "ngram_size": 2,
        "no_output_layer": False,
        "length": length,
    }


def add_lemmatizer(nlp: Language) -> bool:
    """Add a lookup lemmatizer as the first pipe if spacy-lookups-data has a table for the language."""
    if "lemmatizer" in nlp.pipe_names:
        return True
    try:
        lemmatizer = cast(Any, nlp.add_pipe("voice_lemmatizer", name="lemmatizer", first=True))
        lemmatizer.initialize()
    except Exception as exc:  # no lookup table for this language (or pos_lookup only)
        if "lemmatizer" in nlp.pipe_names:
            nlp.remove_pipe("lemmatizer")
        log.info("no lookup lemmatizer for %s: %s", nlp.lang, exc)
        return False
    return True


def affix_bow(
    length: int, ngram_sizes: tuple[int, ...] = (3, 4), rule_features: bool = False
) -> dict[str, Any]:
    """Config of the words + character n-grams classifier (nlp/features.py); with
    ``rule_features`` the lexicon's matches in the doc are features too."""
    config: dict[str, Any] = {
        "@architectures": "voice.AffixBOW.v1",
        "exclusive_classes": False,
        "length": length,
        "ngram_sizes": list(ngram_sizes),
        "word_bigrams": True,
    }
    if rule_features:
        config["rule_features"] = True
    return config


def build_pipeline(
    lexicon: Lexicon,
    *,
    with_models: bool = True,
    bow_length: int = 2**15,
    theme_model: dict[str, Any] | None = None,
    sg_model: dict[str, Any] | None = None,
) -> Language:
    """A fresh, untrained pipeline for the lexicon's language (model configs default to
    the plain bag-of-words)."""
    try:
        nlp = spacy.blank(lexicon.spacy_lang)
    except Exception:  # an unknown spacy_lang in a lexicon file: fall back to multi-language
        log.warning("spacy.blank(%r) failed, using 'xx'", lexicon.spacy_lang)
        nlp = spacy.blank("xx")
    add_lemmatizer(nlp)
    rules = cast(Any, nlp.add_pipe("voice_rules"))
    rules.set_lexicon(lexicon)
    if with_models:
        themes = cast(
            Any,
            nlp.add_pipe(
                "textcat_multilabel",
                name=THEME_PIPE,
                config={"model": theme_model or _bow(bow_length)},
            ),
        )
        # Sentiment shares the themes classifier: a bag-of-words layer has no shared hidden
        # state, so four more output labels are the same model as a separate component, and
        # one feature extraction per doc instead of two.
        for label in (*THEMES, *SENTIMENT_LABELS):
            themes.add_label(label)
        sg = cast(
            Any,
            nlp.add_pipe(
                "textcat_multilabel",
                name=SG_PIPE,
                config={"model": sg_model or _bow(max(bow_length // 2, 2**12))},
            ),
        )
        sg.add_label(SG_LABEL)
    return nlp


def save_pipeline(nlp: Language, path: Path, settings: dict[str, Any]) -> None:
    """Write the pipeline (without lemmatizer tables) and its decision settings to `path`."""
    nlp.meta["voice_settings"] = settings
    nlp.to_disk(path, exclude=["lemmatizer"])
    # Drop the lemmatizer from the saved config so that loading never looks for its tables
    # on disk; load_pipeline re-adds it from spacy-lookups-data.
    (path / "settings.json").write_text(
        json.dumps(settings, indent=2, sort_keys=True), encoding="utf-8"
    )


def load_pipeline(path: Path) -> tuple[Language, dict[str, Any]]:
    """Load a saved language pipeline and its decision settings."""
    nlp = spacy.load(path, exclude=["lemmatizer"])
    settings: dict[str, Any] = json.loads((path / "settings.json").read_text(encoding="utf-8"))
    if settings.get("lemmatizer"):
        add_lemmatizer(nlp)
    return nlp, settings
