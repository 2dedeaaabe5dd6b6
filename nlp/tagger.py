"""The public tagger: language routing, themes, sentiment and the safeguarding flag per comment."""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from spacy.language import Language
from spacy.tokens import Doc

from nlp import safeguarding
from nlp.langdetect import LanguageDetector, script_counts
from nlp.lexicon import lexicon_languages, load_rule_lexicon
from nlp.pipeline import (
    SENTIMENT_LABELS,
    SG_LABEL,
    THEME_PIPE,
    build_pipeline,
    load_pipeline,
)
from nlp.rules import RuleHit
from nlp.taxonomy import LANGUAGE_SCRIPT, SENTIMENTS, THEME_OF_SAFEGUARDING_CATEGORY, THEMES
from nlp.version import BASE_VERSION

MODEL_DIR = Path(__file__).resolve().parent / "models"

log = logging.getLogger(__name__)

# Settings for a language that has a lexicon but no trained model: rules carry everything.
RULES_ONLY_SETTINGS: dict[str, Any] = {
    "theme_mode": "rules",
    "theme_alpha": 1.0,
    "theme_threshold": 0.5,
    "sg_threshold": None,
    "sentiment_mode": "lexicon",
    "lemmatizer": True,
}


@dataclass
class TagResult:
    """What the tagger says about one comment (see nlp/README.md for each field)."""

    lang: str
    lang_detected: bool
    themes: list[str]
    scores: dict[str, float]
    safeguarding: bool
    safeguarding_reasons: list[str]
    sentiment: str
    readable: bool
    model_version: str
    safeguarding_categories: list[str] = field(default_factory=list)
    safeguarding_suppressed: list[str] = field(default_factory=list)

    def to_dict(self, comment_id: Any = None) -> dict[str, Any]:
        """The `python -m nlp tag` output object (id first when given)."""
        body = asdict(self)
        if comment_id is None:
            return body
        return {"id": comment_id, **body}

    def to_json(self, comment_id: Any = None) -> str:
        """One JSON line in the `python -m nlp tag` format."""
        return json.dumps(self.to_dict(comment_id), ensure_ascii=False)


_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFC, no control or zero-width characters, single spaces."""
    text = unicodedata.normalize("NFC", text or "")
    if text.isprintable():
        return _SPACES.sub(" ", text).strip()
    text = "".join(
        ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\n\t"
    )
    return _SPACES.sub(" ", text).strip()


@dataclass
class LanguageModel:
    """One language's spaCy pipeline and the decision settings chosen for it on dev."""

    lang: str
    nlp: Language
    settings: dict[str, Any]

    has_model: bool = False

    theme_params: list[tuple[str, float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Computed once: pipe_names builds a new list on every access.
        self.has_model = THEME_PIPE in self.nlp.pipe_names
        self.theme_params = theme_params(self.settings, self.has_model)


def theme_rule_labels(hits: Sequence[RuleHit]) -> set[str]:
    """Themes the rules found: theme matches plus the theme of every safeguarding match."""
    found = set()
    for hit in hits:
        if hit.kind == "theme":
            found.add(hit.label)
        elif hit.kind == "sg" and hit.label in THEME_OF_SAFEGUARDING_CATEGORY:
            found.add(THEME_OF_SAFEGUARDING_CATEGORY[hit.label])
    return found


def theme_params(settings: dict[str, Any], has_model: bool) -> list[tuple[str, float, float]]:
    """(theme, alpha, threshold) for every theme under a language's settings."""
    default = (float(settings.get("theme_alpha", 1.0)), float(settings.get("theme_threshold", 0.5)))
    per_label = settings.get("theme_per_label") or {}
    if not has_model:
        return [(theme, 1.0, 0.5) for theme in THEMES]
    params = []
    for theme in THEMES:
        alpha, threshold = per_label.get(theme, default)
        params.append((theme, float(alpha), float(threshold)))
    return params


def theme_scores(
    doc: Doc,
    settings: dict[str, Any],
    has_model: bool,
    params: list[tuple[str, float, float]] | None = None,
) -> dict[str, float]:
    """Per theme: alpha * rule (0/1) + (1 - alpha) * model probability, rescaled so that the
    theme's own threshold maps to 0.5 (scores read the same whatever blend dev chose)."""
    rules = theme_rule_labels(doc._.rule_hits or [])
    cats = doc.cats if has_model else {}
    scores = {}
    for theme, alpha, threshold in params or theme_params(settings, has_model):
        raw = alpha * (theme in rules) + (1 - alpha) * cats.get(theme, 0.0)
        # _calibrate, inlined: this runs 18 times per comment.
        if raw >= threshold:
            value = 0.5 + 0.5 * (raw - threshold) / (1 - threshold) if threshold < 1 else 1.0
        else:
            value = 0.5 * raw / threshold if threshold > 0 else 0.0
        scores[theme] = round(value, 4)
    return scores


def _calibrate(raw: float, threshold: float) -> float:
    """Piecewise-linear map of [0, threshold, 1] onto [0, 0.5, 1], rounded for output."""
    if raw >= threshold:
        value = 0.5 + 0.5 * (raw - threshold) / (1 - threshold) if threshold < 1 else 1.0
    else:
        value = 0.5 * raw / threshold if threshold > 0 else 0.0
    return round(value, 4)


def lexicon_sentiment(hits: Sequence[RuleHit]) -> str:
    """Positive/negative/mixed/neutral from sentiment words; a negated word counts the other way."""
    pos = neg = 0
    for hit in hits:
        if hit.kind == "sentiment":
            positive = (hit.label == "positive") != bool(hit.negated_by)
            if positive:
                pos += 1
            else:
                neg += 1
        elif hit.kind == "sg" and not hit.negated_by:
            neg += 1
    if pos and neg:
        return "mixed"
    if pos:
        return "positive"
    if neg:
        return "negative"
    return "neutral"


def model_sentiment(doc: Doc) -> str:
    """Arg-max of the sentiment model's four outputs."""
    cats = doc.cats  # a new proxy object on every access: read once
    best = max(SENTIMENT_LABELS, key=lambda label: cats.get(label, 0.0))
    return best.removeprefix("sentiment_")


def choose_sentiment(doc: Doc, mode: str, has_model: bool) -> str:
    """Sentiment by the mode chosen on dev: lexicon, model, or lexicon unless it found nothing."""
    if has_model and mode == "model":
        return model_sentiment(doc)
    lexical = lexicon_sentiment(doc._.rule_hits or [])
    if not has_model or mode == "lexicon":
        return lexical
    return model_sentiment(doc) if lexical == "neutral" else lexical


class Tagger:
    """Tags comments in every language with a lexicon; loads trained pipelines from nlp/models/."""

    def __init__(self, model_dir: Path | None = None, lexicon_dir: Path | None = None) -> None:
        self.model_dir = model_dir or MODEL_DIR
        manifest_path = self.model_dir / "manifest.json"
        self.manifest: dict[str, Any] = (
            json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
        )
        self.model_version: str = self.manifest.get("model_version", f"{BASE_VERSION}+rules")
        self.models: dict[str, LanguageModel] = {}
        langs = set(self.manifest.get("languages", {})) | set(lexicon_languages(lexicon_dir))
        for lang in sorted(langs):
            path = self.model_dir / lang
            try:
                if (path / "settings.json").exists():
                    nlp, settings = load_pipeline(path)
                else:
                    nlp = build_pipeline(load_rule_lexicon(lang, lexicon_dir), with_models=False)
                    settings = dict(RULES_ONLY_SETTINGS, lemmatizer="lemmatizer" in nlp.pipe_names)
            except Exception:
                log.exception(
                    "could not load the %s pipeline; its comments will be flagged unreadable", lang
                )
                continue
            self.models[lang] = LanguageModel(lang, nlp, settings)
        stopwords = {lang: self._stopwords(m) for lang, m in self.models.items()}
        self.detector = LanguageDetector(stopwords)

    @staticmethod
    def _stopwords(model: LanguageModel) -> tuple[str, ...]:
        rules = cast(Any, model.nlp.get_pipe("voice_rules"))
        return rules.lexicon.stopwords if rules.lexicon else ()

    @property
    def languages(self) -> list[str]:
        """Languages this tagger can read."""
        return sorted(self.models)

    # -- routing -------------------------------------------------------------------------
    def route(self, text: str, lang: str | None) -> tuple[str | None, bool, str]:
        """(language to use or None if unreadable, whether it was detected, reason)."""
        if lang:
            lang = lang.lower().split("-")[0].split("_")[0]
            if lang == "ku":
                lang = "ckb"  # Sorani is what Leeds' Kurdish speakers write
        if lang in self.models:
            counts = script_counts(text)
            expected = LANGUAGE_SCRIPT.get(lang)
            if not counts or expected is None or max(counts, key=lambda s: counts[s]) == expected:
                return lang, False, "given"
            # The stated language cannot be right for this script: read it as what it is.
        detection = self.detector.detect(text)
        if detection.lang is not None and detection.lang not in self.models:
            return None, True, f"unreadable: no pipeline for {detection.lang}"
        return detection.lang, True, detection.reason

    # -- tagging -------------------------------------------------------------------------
    def tag(self, text: str, lang: str | None = None) -> TagResult:
        """Tag one comment; lang None means detect it."""
        return self.tag_many([text], [lang])[0]

    def tag_many(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None, batch_size: int = 512
    ) -> list[TagResult]:
        """Tag many comments, batched per language through nlp.pipe."""
        if langs is None:
            langs = [None] * len(texts)
        results: list[TagResult | None] = [None] * len(texts)
        groups: dict[str, list[int]] = {}
        clean: list[str] = []
        for i, (raw, given) in enumerate(zip(texts, langs, strict=True)):
            text = normalise(raw if isinstance(raw, str) else "")
            clean.append(text)
            lang, detected, reason = self.route(text, given)
            if lang is None:
                results[i] = self._unreadable(given or "und", True, reason)
                continue
            groups.setdefault(lang, []).append(i)
            if detected:
                groups.setdefault(f"detected:{lang}", []).append(i)
        detected_idx = {
            i for key, idx in groups.items() if key.startswith("detected:") for i in idx
        }
        for lang, indices in groups.items():
            if lang.startswith("detected:"):
                continue
            model = self.models[lang]
            try:
                docs = list(
                    model.nlp.pipe(
                        (self._make_doc(model.nlp, clean[i]) for i in indices),
                        batch_size=batch_size,
                    )
                )
            except Exception as exc:
                log.exception("tagging failed for %s", lang)
                for i in indices:
                    results[i] = self._unreadable(
                        lang,
                        i in detected_idx,
                        f"unreadable: tagger error ({exc.__class__.__name__})",
                    )
                continue
            for i, doc in zip(indices, docs, strict=True):
                results[i] = self._result(model, doc, i in detected_idx)
        return [r for r in results if r is not None]

    @staticmethod
    def _make_doc(nlp: Language, text: str) -> Doc:
        doc = nlp.make_doc(text)
        doc.user_data["text"] = text  # lets voice_rules skip Doc.text, which rebuilds the string
        return doc

    def _result(self, model: LanguageModel, doc: Doc, detected: bool) -> TagResult:
        settings = model.settings
        has_model = model.has_model
        scores = theme_scores(doc, settings, has_model, model.theme_params)
        themes = [t for t in THEMES if scores[t] >= 0.5]
        sg_prob = float(doc.cats.get(SG_LABEL, 0.0)) if has_model else None
        underscore = doc._  # each doc._ access builds a new accessor object
        decision = safeguarding.decide(
            underscore.rule_hits or [],
            sg_prob,
            settings.get("sg_threshold"),
            underscore.past_markers or [],
        )
        return TagResult(
            lang=model.lang,
            lang_detected=detected,
            themes=themes,
            scores=scores,
            safeguarding=decision.flag,
            safeguarding_reasons=decision.reasons,
            sentiment=choose_sentiment(doc, settings.get("sentiment_mode", "lexicon"), has_model),
            readable=True,
            model_version=self.model_version,
            safeguarding_categories=decision.categories,
            safeguarding_suppressed=decision.suppressed,
        )

    def _unreadable(self, lang: str, detected: bool, reason: str) -> TagResult:
        decision = safeguarding.unreadable(reason)
        return TagResult(
            lang=lang,
            lang_detected=detected,
            themes=[],
            scores=dict.fromkeys(THEMES, 0.0),
            safeguarding=True,
            safeguarding_reasons=decision.reasons,
            sentiment="neutral",
            readable=False,
            model_version=self.model_version,
            safeguarding_categories=decision.categories,
        )


@lru_cache(maxsize=4)
def load_tagger(model_dir: str | None = None) -> Tagger:
    """The shared tagger (cached): every shipped language pipeline from nlp/models/."""
    return Tagger(Path(model_dir) if model_dir else None)


assert set(SENTIMENTS) == {label.removeprefix("sentiment_") for label in SENTIMENT_LABELS}
