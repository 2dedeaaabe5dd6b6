"""The rule layer: a spaCy component that matches a language's lexicon against each doc.

Phrases are matched token by token on LOWER (and on LEMMA where the language has a lookup
lemmatizer); regexes run on the lower-cased text. Every match is kept as a `RuleHit` on
`doc._.rule_hits`, with whether a negation cue governs it, so that theme scoring, sentiment
and the safeguarding detector can all explain themselves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

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
        # A new subject starts a new clause: in "if im not grateful she'll send me back" the "not"
        # belongs to the first clause, so it must not clear the threat in the second. English
        # only; a pronoun before the cue ("he doesnt hit me") is never reached, as the scan stops
        # at the first breaker going back from the match.
        "i",
        "im",
        "i'm",
        "ive",
        "i've",
        "he",
        "she",
        "they",
        "hes",
        "he's",
        "shes",
        "she's",
        "theyre",
        "they're",
        "he'll",
        "she'll",
        "they'll",
        "theyll",
        "he'd",
        "she'd",
        "they'd",
    }
)
NEGATION_WINDOW = 3  # words before a match in which a cue negates it
_NEG_WORDS = re.compile(r"[\w'’]+|[.!?;,]")

if not Doc.has_extension("rule_hits"):
    Doc.set_extension("rule_hits", default=None)
if not Doc.has_extension("past_markers"):
    Doc.set_extension("past_markers", default=None)


class RuleHit(NamedTuple):
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


# Non-negatable safeguarding categories first, so that where two categories' regexes match the
# same words the one that cannot be cleared by a negation cue wins (recall first).
_SG_ORDER = (
    "self_harm",
    "suicidal",
    "neglect",
    "locked_in_or_food",
    "sexual_exploitation",
    "criminal_exploitation",
    "sexual_abuse",
    "physical_abuse",
    "emotional_abuse",
    "missing",
    "frightening_adult",
)


def _top_branches(pattern: str) -> list[str]:
    """The top-level alternatives of a regex (split on | outside groups and classes)."""
    branches: list[str] = []
    depth, in_class, start, i = 0, False, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    branches.append(pattern[start:])
    return branches


def _first_chars(branch: str) -> frozenset[str] | None:
    """Characters a regex branch can start with, or None when that is not simple to know."""
    try:
        parsed = re._parser.parse(branch)  # type: ignore[attr-defined]
    except Exception:
        return None
    return _first_of(list(parsed))


def _first_of(items: list[Any]) -> frozenset[str] | None:
    c = re._constants  # type: ignore[attr-defined]
    for position, (op, arg) in enumerate(items):
        if op is c.AT:
            continue  # a zero-width assertion: look at what follows
        if op is c.LITERAL:
            return frozenset(chr(arg))
        if op is c.IN:
            chars: set[str] = set()
            for kind, value in arg:
                if kind is c.LITERAL:
                    chars.add(chr(value))
                elif kind is c.RANGE and value[1] - value[0] < 40:
                    chars.update(chr(x) for x in range(value[0], value[1] + 1))
                elif kind is c.CATEGORY and value is c.CATEGORY_DIGIT:
                    chars.update("0123456789")
                else:
                    return None
            return frozenset(chars)
        if op is c.SUBPATTERN:
            return _first_of(list(arg[-1]))
        if op is c.BRANCH:
            union: set[str] = set()
            for alternative in arg[1]:
                first = _first_of(list(alternative))
                if first is None:
                    return None
                union |= first
            return frozenset(union)
        if op in (c.MAX_REPEAT, c.MIN_REPEAT) and arg[0] >= 1:
            return _first_of(list(arg[2]))
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            # Optional ("(?:un)?safe"): what it starts with, or what follows it does.
            optional = _first_of(list(arg[2]))
            rest = _first_of(items[position + 1 :])
            if optional is None or rest is None:
                return None
            return optional | rest
        return None
    return None


def _dispatch(groups: list[tuple[str, str, str]]) -> str:
    """Alternatives grouped under a one-character lookahead on their possible first character.

    `groups` holds (group name, label, branch). With about 400 alternatives, trying each at
    every word start is what makes the scan slow; a lookahead per first letter skips most.
    """
    buckets: dict[str, list[tuple[str, str]]] = {}
    unknown: list[tuple[str, str]] = []
    for name, _label, branch in groups:
        first = _first_chars(branch)
        if first is None or len(first) > 12:
            unknown.append((name, branch))
            continue
        for ch in sorted(first):
            buckets.setdefault(ch, []).append((name, branch))
    pieces: list[str] = []
    at_word_start: list[str] = []  # buckets of a word character: "(?<!\w)" then stands for the "\b"
    for ch, members in sorted(buckets.items()):
        by_name: dict[str, list[str]] = {}
        for name, branch in members:
            by_name.setdefault(name, []).append(branch)
        inner = "|".join(
            f"(?P<{name}_{ord(ch)}>" + "|".join(f"(?:{b})" for b in branches) + ")"
            for name, branches in by_name.items()
        )
        piece = f"(?={re.escape(ch)})(?:{inner})"
        (at_word_start if re.fullmatch(r"\w", ch) else pieces).append(piece)
    by_name_unknown: dict[str, list[str]] = {}
    for name, branch in unknown:
        by_name_unknown.setdefault(name, []).append(branch)
    pieces.extend(
        f"(?P<{name}_u>" + "|".join(f"(?:{b})" for b in branches) + ")"
        for name, branches in by_name_unknown.items()
    )
    # Before a word character, "\b" is "(?<!\w)": testing that first skips every position at
    # the end of a word, where "\b" also holds, and halves the positions the buckets are tried at.
    parts = [r"(?<!\w)(?:" + "|".join(at_word_start) + ")"] if at_word_start else []
    if pieces:
        parts.append(r"\b(?:" + "|".join(pieces) + ")")
    return "|".join(parts)


def _combine(
    kind: str, parts: list[tuple[str, list[str]]]
) -> tuple[str, re.Pattern[str], dict[str, str]]:
    """One alternation with a named group per label; IGNORECASE only if a pattern needs it.

    Alternatives that start with a word boundary share one leading \\b: `re` then rejects a
    position inside a word once instead of once per alternative (about twice as fast).
    """
    if kind == "sg":
        rank = {c: i for i, c in enumerate(_SG_ORDER)}
        parts = sorted(parts, key=lambda p: rank.get(p[0], len(rank)))
    names: dict[str, str] = {}
    bounded: list[tuple[str, str, str]] = []
    free = []
    for i, (label, regexes) in enumerate(parts):
        branches = [b for r in regexes for b in _top_branches(r)]
        at_word = [b[2:] for b in branches if b.startswith("\\b") and b[2:]]
        elsewhere = [b for b in branches if not (b.startswith("\\b") and b[2:])]
        bounded.extend((f"b{i}", label, b) for b in at_word)
        if elsewhere:
            names[f"f{i}"] = label
            free.append(f"(?P<f{i}>" + "|".join(f"(?:{b})" for b in elsewhere) + ")")
    pieces = [_dispatch(bounded)] if bounded else []
    pieces += free
    for name, label, _branch in bounded:
        names[name] = label
    # The text is lower-cased already; case-insensitive matching is slow, so only when a
    # pattern spells an upper-case letter outside an escape.
    everything = "".join(r for _, regexes in parts for r in regexes)
    needs_case = any(ch.isupper() for ch in re.sub(r"\\.", "", everything))
    flags = re.IGNORECASE if needs_case else 0
    try:
        return kind, re.compile("|".join(pieces) or "(?!x)x", flags), names
    except re.error:
        # A pattern with back-references cannot be combined; keep those that compile alone.
        ok = [(label, r) for label, regexes in parts for r in regexes if _compiles(r)]
        names = {f"g{i}": label for i, (label, _) in enumerate(ok)}
        joined = "|".join(f"(?P<g{i}>(?:{r}))" for i, (_, r) in enumerate(ok))
        return kind, re.compile(joined or "(?!x)x", flags), names


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def _group_label(match: re.Match[str], names: dict[str, str]) -> str:
    """The label whose named group matched (when lastgroup is an inner, unnamed group)."""
    for group, value in match.groupdict().items():
        base = group.rsplit("_", 1)[0]
        if value is not None and base in names:
            return names[base]
    return next(iter(names.values()))


class VoiceRules:
    """spaCy component that applies one language's lexicon (see module docstring)."""

    def __init__(self, nlp: Language, name: str = "voice_rules") -> None:
        self.nlp = nlp
        self.name = name
        self.lexicon: Lexicon | None = None
        self._built = False
        self._lower: PhraseMatcher | None = None
        self._lemma: PhraseMatcher | None = None
        # One combined regex per kind, each label a named group (g0, g1, ...): a single
        # alternation scans several times faster than one regex per label.
        self._regexes: list[tuple[str, re.Pattern[str], dict[str, str]]] = []
        self._negation: tuple[tuple[str, ...], ...] = ()
        self._negation_words: frozenset[str] = frozenset()
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
        by_kind: dict[str, list[tuple[str, list[str]]]] = {}
        for kind, label, ps in self._pattern_sets():
            key = _key(kind, label)
            docs = [self.nlp.make_doc(norm(p)) for p in ps.phrases]
            docs = [d for d in docs if len(d)]
            if docs:
                self._lower.add(key, docs)
                # Lemmas broaden single words ("starved" would match "starving after football"),
                # so safeguarding phrases match on their written forms and explicit regexes only.
                if self._lemma is not None and lemmatizer is not None and kind != "sg":
                    # Only multi-word phrases: on single words lemmas over-reach ("meeting" would
                    # match "met", "be a" would match "is a").
                    lemma_docs = [self.nlp.make_doc(p.lower()) for p in ps.phrases]
                    lemma_docs = [lemmatizer(d) for d in lemma_docs if len(d) >= 2]
                    if lemma_docs:
                        self._lemma.add(key, lemma_docs)
            if ps.regex:
                # One alternative per label (its regexes inside): much faster in `re` than one
                # alternative per regex.
                regexes = [norm(r) if self._fold else r for r in ps.regex]
                by_kind.setdefault(kind, []).append((label, regexes))
        for kind, parts in by_kind.items():
            self._regexes.append(_combine(kind, parts))
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
            tuple(_NEG_WORDS.findall(norm(cue))) for cue in self.lexicon.negation if cue.strip()
        )
        self._negation_words = frozenset(word for cue in self._negation for word in cue)
        self._past = tuple(norm(m) for m in self.lexicon.past_markers if m.strip())
        self._built = True

    # -- matching ------------------------------------------------------------------------
    def _negation_cue(self, lowered: str, start_char: int) -> str | None:
        """The negation cue among the few words before `start_char`, if one governs the match.

        Works on the (folded) lower-cased text rather than on tokens: it runs for every
        sentiment and safeguarding match, and string slicing is far cheaper than Token objects.
        """
        words = _NEG_WORDS.findall(lowered, max(0, start_char - 60), start_char)
        window: list[str] = []
        for word in reversed(words):
            if word in _SCOPE_BREAKERS or len(window) == NEGATION_WINDOW:
                break
            window.append(word)
        if not window:
            return None
        # Most windows hold no cue word at all: one set intersection settles them.
        if self._negation_words.isdisjoint(window):
            return None
        window.reverse()
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
        # Doc.text re-joins every token (slow); the tagger passes the text it already has.
        text = doc.user_data.get("text") or doc.text
        lowered = fold(text) if self._fold else text.lower()
        # Token matching runs on a folded copy of the doc; folding keeps every character in
        # place, so offsets (and the matched text shown in reasons) come from the original.
        mdoc = self.nlp.make_doc(lowered) if self._fold else doc
        matches = list(self._lower(mdoc))
        if self._lemma is not None:
            matches.extend(self._lemma(doc))
        if matches:
            # Character offsets from two arrays: slicing the Doc builds Span and Token objects.
            offsets = mdoc.to_array([IDX, LENGTH]).tolist()
        for match_id, start, end in matches:
            key = strings[match_id]
            if (key, start, end) in seen:
                continue
            seen.add((key, start, end))
            kind, label = key.split("\t", 1)
            start_char = offsets[start][0]
            end_char = offsets[end - 1][0] + offsets[end - 1][1]
            # Themes ignore negation: "no friends" is still about friends.
            cue = self._negation_cue(lowered, start_char) if kind != "theme" else None
            hits.append(RuleHit(kind, label, text[start_char:end_char], start_char, end_char, cue))
        found_themes = {h.label for h in hits if h.kind == "theme"}
        for kind, pattern, names in self._regexes:
            for m in pattern.finditer(lowered):
                start, end = m.span()
                if end == start:
                    continue
                label = names.get((m.lastgroup or "").rsplit("_", 1)[0]) or _group_label(m, names)
                if kind == "theme":
                    # A theme needs one match only; negation does not apply to themes.
                    if label in found_themes:
                        continue
                    found_themes.add(label)
                    cue = None
                else:
                    cue = self._negation_cue(lowered, start)
                hits.append(RuleHit(kind, label, text[start:end], start, end, cue, "regex"))
        if self._loose:
            words = [t.lower_ for t in mdoc]
            already = {(h.label, h.start_char) for h in hits if h.kind == "sg"}
            hits.extend(self._loose_hits(mdoc, words, text, lowered, already))
        underscore = doc._  # each doc._ access builds a new accessor object
        underscore.rule_hits = hits
        underscore.past_markers = [m for m in self._past if m in lowered]
        return doc

    def _loose_hits(
        self,
        mdoc: Doc,
        words: Sequence[str],
        text: str,
        lowered: str,
        already: set[tuple[str, int]],
    ) -> list[RuleHit]:
        """Multi-word safeguarding phrases whose words all occur, in any order, close together.

        "bije mnie" should also catch "mnie bije" and "bije mnie i brata": Polish, Romanian,
        Albanian and the Arabic-script languages order words freely.
        """
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
                        cue = self._negation_cue(lowered, start_char)
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
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        data = self.lexicon.to_dict() if self.lexicon else {}
        (path / "lexicon.json").write_text(
            json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8"
        )

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> VoiceRules:
        """Read the lexicon snapshot; matchers are built on first use."""
        path = Path(path)
        data: dict[str, Any] = json.loads((path / "lexicon.json").read_text(encoding="utf-8"))
        self.set_lexicon(lexicon_from_dict(data))
        return self


@Language.factory("voice_rules")
def make_voice_rules(nlp: Language, name: str) -> VoiceRules:
    """spaCy factory for the rule component (registered on import of nlp.rules)."""
    return VoiceRules(nlp, name)
