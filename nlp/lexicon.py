"""Per-language lexicon files (nlp/lexicons/<lang>.yaml): loading and validation.

A lexicon holds the rule vocabulary of one language: phrases and regexes per theme and per
safeguarding category, negation cues, past-time markers, sentiment words and stopwords
(for language detection). The format is shared with the engineers who write the files.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from nlp.taxonomy import SAFEGUARDING_CATEGORIES, THEMES

LEXICON_DIR = Path(__file__).resolve().parent / "lexicons"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PatternSet:
    """The phrases (token-matched) and regexes (matched on lower-cased text) of one label."""

    phrases: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    """Everything the rule layer needs for one language."""

    lang: str
    spacy_lang: str
    themes: dict[str, PatternSet]
    safeguarding: dict[str, PatternSet]
    negation: tuple[str, ...] = ()
    past_markers: tuple[str, ...] = ()
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    stopwords: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form, stored inside a trained model so the model is self-contained."""
        return {
            "lang": self.lang,
            "spacy_lang": self.spacy_lang,
            "themes": {
                k: {"phrases": list(v.phrases), "regex": list(v.regex)}
                for k, v in self.themes.items()
            },
            "safeguarding": {
                k: {"phrases": list(v.phrases), "regex": list(v.regex)}
                for k, v in self.safeguarding.items()
            },
            "negation": list(self.negation),
            "past_markers": list(self.past_markers),
            "sentiment": {"positive": list(self.positive), "negative": list(self.negative)},
            "stopwords": list(self.stopwords),
        }


def with_borrowed_safeguarding(lexicon: Lexicon, donor: Lexicon) -> Lexicon:
    """The lexicon plus the donor's safeguarding patterns (children mix English into every language:
    "self harm", "kms", "county lines")."""
    if donor.lang == lexicon.lang:
        return lexicon
    merged = {}
    for category in set(lexicon.safeguarding) | set(donor.safeguarding):
        own = lexicon.safeguarding.get(category, PatternSet())
        extra = donor.safeguarding.get(category, PatternSet())
        merged[category] = PatternSet(own.phrases + extra.phrases, own.regex + extra.regex)
    return replace(lexicon, safeguarding=merged)


def _strings(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v).strip() for v in value if v is not None and str(v).strip())


def _pattern_set(raw: Any, where: str, problems: list[str]) -> PatternSet:
    if isinstance(raw, list):  # tolerate a bare phrase list
        raw = {"phrases": raw}
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping with phrases/regex")
        return PatternSet()
    good_regex = []
    for pattern in _strings(raw.get("regex")):
        try:
            re.compile(pattern)
        except re.error as exc:
            # A broken regex written by hand must not take the whole language down.
            problems.append(f"{where}: regex {pattern!r} does not compile ({exc})")
            continue
        good_regex.append(pattern)
    return PatternSet(phrases=_strings(raw.get("phrases")), regex=tuple(good_regex))


def lexicon_from_dict(raw: dict[str, Any]) -> Lexicon:
    """Build a Lexicon from the YAML (or stored JSON) structure, recording any problems."""
    problems: list[str] = []
    lang = str(raw.get("lang", ""))
    themes_raw = raw.get("themes") or {}
    sg_raw = raw.get("safeguarding") or {}
    themes: dict[str, PatternSet] = {}
    for theme, value in themes_raw.items():
        if theme not in THEMES:
            problems.append(f"themes.{theme}: not a taxonomy theme id")
            continue
        themes[theme] = _pattern_set(value, f"themes.{theme}", problems)
    for theme in THEMES:
        if theme not in themes:
            problems.append(f"themes.{theme}: missing")
    safeguarding: dict[str, PatternSet] = {}
    for category, value in sg_raw.items():
        if category not in SAFEGUARDING_CATEGORIES:
            problems.append(f"safeguarding.{category}: not a safeguarding category")
            continue
        safeguarding[category] = _pattern_set(value, f"safeguarding.{category}", problems)
    for category in SAFEGUARDING_CATEGORIES:
        if category not in safeguarding:
            problems.append(f"safeguarding.{category}: missing")
    sentiment = raw.get("sentiment") or {}
    return Lexicon(
        lang=lang,
        spacy_lang=str(raw.get("spacy_lang") or lang),
        themes=themes,
        safeguarding=safeguarding,
        negation=_strings(raw.get("negation")),
        past_markers=_strings(raw.get("past_markers")),
        positive=_strings(sentiment.get("positive")),
        negative=_strings(sentiment.get("negative")),
        stopwords=_strings(raw.get("stopwords")),
        problems=tuple(problems),
    )


def load_lexicon(lang: str, directory: Path | None = None) -> Lexicon:
    """Load and validate nlp/lexicons/<lang>.yaml (problems are logged, not raised)."""
    path = (directory or LEXICON_DIR) / f"{lang}.yaml"
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    raw.setdefault("lang", lang)
    lexicon = lexicon_from_dict(raw)
    for problem in lexicon.problems:
        log.warning("lexicon %s: %s", lang, problem)
    return lexicon


def lexicon_languages(directory: Path | None = None) -> list[str]:
    """Language codes that have a lexicon file, in file-name order."""
    return sorted(p.stem for p in (directory or LEXICON_DIR).glob("*.yaml"))


def load_rule_lexicon(lang: str, directory: Path | None = None) -> Lexicon:
    """The lexicon a pipeline is built from: the language's own, plus English safeguarding patterns."""
    lexicon = load_lexicon(lang, directory)
    english = (directory or LEXICON_DIR) / "en.yaml"
    if lang != "en" and english.exists():
        lexicon = with_borrowed_safeguarding(lexicon, load_lexicon("en", directory))
    return lexicon
