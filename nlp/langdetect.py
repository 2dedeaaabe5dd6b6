"""Language detection without downloads: writing system first, then letters and stopwords.

Arabic script is shared by ar, ur, fa, ckb and ps; each has letters the others lack
(Pashto ټ ډ ښ, Sorani ڕ ڵ ێ ۆ, Urdu ٹ ڈ ڑ ے, Persian پ چ ژ گ with Persian yeh and keheh,
Arabic ة and Arabic yeh/kaf). Latin script is shared by en, pl, ro and sq; diacritics decide
when present, stopwords otherwise (people often type without diacritics).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Letters that mark one Arabic-script language, with a weight each. Shared letters weigh less.
_ARABIC_SCRIPT_LETTERS: dict[str, dict[str, float]] = {
    "ps": {c: 3.0 for c in "ټډړږښګڼېۍځڅ"} | {"ئ": 0.5},
    "ckb": {c: 3.0 for c in "ڕڵێۆڤە"} | {"ھ": 0.5, "ی": 0.3, "ک": 0.3},
    "ur": {c: 3.0 for c in "ٹڈڑںےۓ"} | {"ھ": 1.0, "ۃ": 2.0},
    "fa": {c: 1.0 for c in "پچژگ"} | {"ی": 0.5, "ک": 0.5},
    "ar": {c: 2.0 for c in "ةيكىإأآؤ"},
}
# Urdu also uses پ چ ژ گ ی ک, so they count a little for Urdu too.
for _c in "پچگیک":
    _ARABIC_SCRIPT_LETTERS["ur"].setdefault(_c, 0.3)

_LATIN_DIACRITICS: dict[str, str] = {
    "pl": "ąćęłńśźż",
    "ro": "ăâîșşțţ",
    "sq": "ëç",
}

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Detection:
    """The outcome of language detection; lang is None when the text cannot be read."""

    lang: str | None
    script: str
    reason: str


def char_script(ch: str) -> str:
    """The writing system of one character: latin, arabic, ethiopic, other, or '' for non-letters."""
    cp = ord(ch)
    if (
        0x0600 <= cp <= 0x06FF
        or 0x0750 <= cp <= 0x077F
        or 0xFB50 <= cp <= 0xFDFF
        or 0xFE70 <= cp <= 0xFEFF
    ):
        return "arabic" if unicodedata.category(ch).startswith("L") else ""
    if 0x1200 <= cp <= 0x139F or 0x2D80 <= cp <= 0x2DDF or 0xAB00 <= cp <= 0xAB2F:
        return "ethiopic"
    if not unicodedata.category(ch).startswith("L"):
        return ""
    if cp < 0x250 or 0x1E00 <= cp <= 0x1EFF:
        return "latin"
    return "other"


_ARABIC_RANGE = re.compile(
    r"[\u0620-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"
)
_ETHIOPIC_RANGE = re.compile(r"[\u1200-\u139f\u2d80-\u2ddf\uab00-\uab2f]")
_LATIN_RANGE = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
_LETTER = re.compile(r"[^\W\d_]")


def script_counts(text: str) -> dict[str, int]:
    """How many letters of each writing system the text holds."""
    if text.isascii():
        latin = len(_LATIN_RANGE.findall(text))
        return {"latin": latin} if latin else {}
    counts = {
        "latin": len(_LATIN_RANGE.findall(text)),
        "arabic": len(_ARABIC_RANGE.findall(text)),
        "ethiopic": len(_ETHIOPIC_RANGE.findall(text)),
    }
    letters = len(_LETTER.findall(text))
    # Combining marks (Arabic harakat, Ge'ez vowel signs) are not \w letters everywhere; never negative.
    counts["other"] = max(0, letters - sum(counts.values()))
    return {k: v for k, v in counts.items() if v}


def has_content(text: str) -> bool:
    """True when anything readable is left: letters, digits or emoji/symbols."""
    return any(unicodedata.category(ch)[0] in "LNS" for ch in text)


class LanguageDetector:
    """Detects the language of a comment among the languages that have lexicons."""

    def __init__(self, stopwords: Mapping[str, Sequence[str]], default_latin: str = "en") -> None:
        self.languages = set(stopwords)
        self.default_latin = default_latin
        self._stopwords: dict[str, frozenset[str]] = {
            lang: frozenset(w.lower() for w in words if " " not in w)
            for lang, words in stopwords.items()
        }

    def detect(self, text: str) -> Detection:
        """Pick the most likely language, or lang=None with the reason it is unreadable."""
        counts = script_counts(text)
        if not counts:
            if has_content(text):
                # Digits or emoji only ("10/10", a thumbs-up): readable, nothing language-specific.
                return Detection(self.default_latin, "none", "no letters; default language")
            return Detection(None, "none", "unreadable: empty after normalising")
        script = max(counts, key=lambda s: counts[s])
        if script == "other":
            return Detection(None, script, "unreadable: unknown script")
        words = [w.lower() for w in _WORD.findall(text)]
        if script == "ethiopic":
            if "ti" in self.languages:
                return Detection("ti", script, "Ge'ez script")
            return Detection(None, script, "unreadable: no lexicon for Ge'ez script")
        if script == "arabic":
            return self._arabic(text, words)
        return self._latin(text, words)

    def _stopword_scores(self, words: Sequence[str], candidates: Sequence[str]) -> dict[str, float]:
        scores = {}
        for lang in candidates:
            sw = self._stopwords.get(lang, frozenset())
            scores[lang] = float(sum(1 for w in words if w in sw))
        return scores

    def _arabic(self, text: str, words: Sequence[str]) -> Detection:
        candidates = [lang for lang in ("ar", "ur", "fa", "ckb", "ps") if lang in self.languages]
        if not candidates:
            return Detection(None, "arabic", "unreadable: no lexicon for Arabic script")
        scores = self._stopword_scores(words, candidates)
        for lang in candidates:
            weights = _ARABIC_SCRIPT_LETTERS.get(lang, {})
            scores[lang] += sum(weights.get(ch, 0.0) for ch in text) * 0.5
        best = max(candidates, key=lambda lang: (scores[lang], lang == "ar"))
        if scores[best] == 0:
            best = "ar" if "ar" in candidates else candidates[0]
        return Detection(best, "arabic", f"Arabic script; letters and stopwords favour {best}")

    def _latin(self, text: str, words: Sequence[str]) -> Detection:
        lowered = text.lower()
        native = [lang for lang in self.languages if self._is_latin_language(lang)]
        if self.default_latin not in native:
            native.append(self.default_latin)
        scores = self._stopword_scores(words, native)
        for lang, letters in _LATIN_DIACRITICS.items():
            if lang in scores:
                scores[lang] += 2.0 * sum(lowered.count(ch) for ch in letters)
        # English wins ties: most Latin-script comments are English, and a tie means little evidence.
        best = max(native, key=lambda lang: (scores[lang], lang == self.default_latin))
        if scores[best] == 0:
            best = self.default_latin
        # Romanised Urdu, Arabic chat alphabet and the like: a language written in another script
        # whose lexicon lists Latin-script stopwords wins only on clearly more evidence, because
        # short romanised words ("to", "me") are also English.
        romanised = [lang for lang in self.languages if lang not in native]
        if romanised:
            rscores = self._stopword_scores(words, romanised)
            rbest = max(romanised, key=lambda lang: rscores[lang])
            if rscores[rbest] >= 2 and rscores[rbest] >= scores[best] + 2:
                return Detection(rbest, "latin", f"romanised {rbest}: stopwords")
        return Detection(best, "latin", f"Latin script; diacritics and stopwords favour {best}")

    def _is_latin_language(self, lang: str) -> bool:
        from nlp.taxonomy import LANGUAGE_SCRIPT

        script = LANGUAGE_SCRIPT.get(lang)
        if script is not None:
            return script == "latin"
        words = self._stopwords.get(lang, frozenset())
        return any(char_script(ch) == "latin" for w in words for ch in w[:1])
