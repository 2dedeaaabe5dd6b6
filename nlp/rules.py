"""The rule layer: a spaCy component that matches a language's lexicon against each doc.

Phrases are matched token by token on LOWER (and on LEMMA where the language has a lookup
lemmatizer); regexes run on the lower-cased text. Every match is kept as a `RuleHit` on
`doc._.rule_hits`, with whether a negation cue governs it, so that theme scoring, sentiment
and the safeguarding detector can all explain themselves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import ensure_path

from nlp.lexicon import Lexicon, PatternSet, lexicon_from_dict
from nlp.textnorm import fold

# Tokens that end the reach of a negation cue: "nobody hurts me but he hits me".
_SCOPE_BREAKERS = frozenset(
    {
        ".",
        "!",
        "?",
        ";",
        ",",
        "but",
        "except",
        "apart",
        "although",
        "though",
        "however",
        "and",
        "ale",
        "dar",
        "por",
        "و",
        "لكن",
        "لیکن",
        "مگر",
        "اما",
        "بس",
    }
)
NEGATION_WINDOW = 3  # tokens before a match in which a cue negates it

if not Doc.has_extension("rule_hits"):
    Doc.set_extension("rule_hits", default=None)
if not Doc.has_extension("past_markers"):
    Doc.set_extension("past_markers", default=None)


@dataclass(frozen=True)
class RuleHit:
    """One lexicon match: kind is 'theme', 'sg' or 'sentiment'; label the theme/category/polarity."""

    kind: str
    label: str
    text: str
    start_char: int
    end_char: int
    negated_by: str | None = None
    via: str = "phrase"


def _key(kind: str, label: str) -> str:
    return f"{kind}\t{label}"


class VoiceRules:
    """spaCy component that applies one language's lexicon (see module docstring)."""

    def __init__(self, nlp: Language, name: str = "voice_rules") -> None:
        self.nlp = nlp
        self.name = name
        self.lexicon: Lexicon | None = None
        self._built = False
        self._lower: PhraseMatcher | None = None
        self._lemma: PhraseMatcher | None = None
        self._regexes: list[tuple[str, str, re.Pattern[str]]] = []
        self._negation: tuple[tuple[str, ...], ...] = ()
        self._past: tuple[str, ...] = ()
        self._fold = False
        # Safeguarding phrases of inflected, free-word-order languages, matched order-free.
        self._loose: list[tuple[str, frozenset[str], str]] = []

    # -- configuration -------------------------------------------------------------------
    def set_lexicon(self, lexicon: Lexicon) -> None:
        """Use this lexicon; matchers are (re)built lazily on the next call."""
        self.lexicon = lexicon
        self._built = False

    def _pattern_sets(self) -> Iterable[tuple[str, str, PatternSet]]:
        assert self.lexicon is not None
        for theme, ps in self.lexicon.themes.items():
            yield "theme", theme, ps
        for category, ps in self.lexicon.safeguarding.items():
            yield "sg", category, ps
        yield "sentiment", "positive", PatternSet(self.lexicon.positive)
        yield "sentiment", "negative", PatternSet(self.lexicon.negative)

    def build(self) -> None:
        """Compile the phrase matchers and regexes from the lexicon."""
        if self.lexicon is None:
            raise ValueError("voice_rules has no lexicon; call set_lexicon() first")
        vocab = self.nlp.vocab
        # English text rarely carries diacritics; every other language is folded (textnorm).
        self._fold = self.lexicon.lang != "en"
        norm = fold if self._fold else str.lower
        lemmatizer = (
            self.nlp.get_pipe("lemmatizer") if "lemmatizer" in self.nlp.pipe_names else None
        )
        self._lower = PhraseMatcher(vocab, attr="LOWER")
        self._lemma = PhraseMatcher(vocab, attr="LEMMA") if lemmatizer is not None else None
        self._regexes = []
        for kind, label, ps in self._pattern_sets():
            key = _key(kind, label)
            docs = [self.nlp.make_doc(norm(p)) for p in ps.phrases]
            docs = [d for d in docs if len(d)]
            if docs:
                self._lower.add(key, docs)
                if self._lemma is not None and lemmatizer is not None:
                    self._lemma.add(
                        key,
                        [lemmatizer(self.nlp.make_doc(p.lower())) for p in ps.phrases if p.strip()],
                    )
            if ps.regex:
                combined = "|".join(f"(?:{norm(r) if self._fold else r})" for r in ps.regex)
                self._regexes.append((kind, label, re.compile(combined, re.IGNORECASE)))
        self._loose = []
        if self._fold:
            for category, ps in self.lexicon.safeguarding.items():
                for phrase in ps.phrases:
                    words = frozenset(
                        t.lower_ for t in self.nlp.make_doc(norm(phrase)) if not t.is_punct
                    )
                    if 2 <= len(words) <= 4:
                        self._loose.append((category, words, phrase))
        self._negation = tuple(
            tuple(t.lower_ for t in self.nlp.make_doc(norm(cue)))
            for cue in self.lexicon.negation
            if cue.strip()
        )
        self._past = tuple(norm(m) for m in self.lexicon.past_markers if m.strip())
        self._built = True

    # -- matching ------------------------------------------------------------------------
    def _negation_cue(self, doc: Doc, start: int) -> str | None:
        """The negation cue in the few tokens before token `start`, if one governs it."""
        lo = start
        while lo > 0 and start - lo < NEGATION_WINDOW and doc[lo - 1].lower_ not in _SCOPE_BREAKERS:
            lo -= 1
        window = [t.lower_ for t in doc[lo:start]]
        for cue in self._negation:
            n = len(cue)
            for i in range(len(window) - n + 1):
                if tuple(window[i : i + n]) == cue:
                    return " ".join(cue)
        return None

    def __call__(self, doc: Doc) -> Doc:
        if not self._built:
            self.build()
        assert self._lower is not None
        hits: list[RuleHit] = []
        seen: set[tuple[str, int, int]] = set()
        strings = self.nlp.vocab.strings
        text = doc.text
        lowered = fold(text) if self._fold else text.lower()
        # Token matching runs on a folded copy of the doc; folding keeps every character in
        # place, so offsets (and the matched text shown in reasons) come from the original.
        mdoc = self.nlp.make_doc(lowered) if self._fold else doc
        matches = [(m, s, e, mdoc) for m, s, e in self._lower(mdoc)]
        if self._lemma is not None:
            matches.extend((m, s, e, doc) for m, s, e in self._lemma(doc))
        for match_id, start, end, source in matches:
            key = strings[match_id]
            span = source[start:end]
            if (key, span.start_char, span.end_char) in seen:
                continue
            seen.add((key, span.start_char, span.end_char))
            kind, label = key.split("\t", 1)
            hits.append(
                RuleHit(
                    kind,
                    label,
                    text[span.start_char : span.end_char],
                    span.start_char,
                    span.end_char,
                    self._negation_cue(mdoc, start)
                    if source is mdoc
                    else self._negation_cue(doc, start),
                )
            )
        if self._loose:
            hits.extend(
                self._loose_hits(
                    mdoc, text, {(h.label, h.start_char) for h in hits if h.kind == "sg"}
                )
            )
        for kind, label, pattern in self._regexes:
            for m in pattern.finditer(lowered):
                if m.end() == m.start():
                    continue
                span = mdoc.char_span(m.start(), m.end(), alignment_mode="expand")
                cue = self._negation_cue(mdoc, span.start) if span is not None else None
                hits.append(
                    RuleHit(
                        kind, label, text[m.start() : m.end()], m.start(), m.end(), cue, "regex"
                    )
                )
        doc._.rule_hits = hits
        doc._.past_markers = [m for m in self._past if m in lowered]
        return doc

    def _loose_hits(self, mdoc: Doc, text: str, already: set[tuple[str, int]]) -> list[RuleHit]:
        """Multi-word safeguarding phrases whose words all occur, in any order, close together.

        "bije mnie" should also catch "mnie bije" and "bije mnie i brata": Polish, Romanian,
        Albanian and the Arabic-script languages order words freely.
        """
        words = [t.lower_ for t in mdoc]
        present = set(words)
        found: list[RuleHit] = []
        for category, phrase_words, _phrase in self._loose:
            if not phrase_words <= present:
                continue
            window = len(phrase_words) + 3
            positions = [i for i, w in enumerate(words) if w in phrase_words]
            for i in positions:
                seen = {words[j] for j in positions if i <= j < i + window}
                if seen >= phrase_words:
                    end = max(j for j in positions if i <= j < i + window)
                    start_char, end_char = mdoc[i].idx, mdoc[end].idx + len(mdoc[end])
                    if (category, start_char) not in already:
                        cue = self._negation_cue(mdoc, i)
                        found.append(
                            RuleHit(
                                "sg",
                                category,
                                text[start_char:end_char],
                                start_char,
                                end_char,
                                cue,
                                "words",
                            )
                        )
                    break
        return found

    # -- serialisation: the lexicon travels with the model, so a model is self-contained --
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write the lexicon snapshot this component was built from."""
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        data = self.lexicon.to_dict() if self.lexicon else {}
        (path / "lexicon.json").write_text(
            json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8"
        )

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> VoiceRules:
        """Read the lexicon snapshot; matchers are built on first use."""
        path = ensure_path(path)
        data: dict[str, Any] = json.loads((path / "lexicon.json").read_text(encoding="utf-8"))
        self.set_lexicon(lexicon_from_dict(data))
        return self


@Language.factory("voice_rules")
def make_voice_rules(nlp: Language, name: str) -> VoiceRules:
    """spaCy factory for the rule component (registered on import of nlp.rules)."""
    return VoiceRules(nlp, name)
