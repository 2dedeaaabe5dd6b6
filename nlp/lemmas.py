"""A lookup lemmatizer over spacy-lookups-data's `lemma_lookup` table, vectorised per doc.

spaCy's own Lemmatizer in lookup mode does the same lookup one Token object at a time, which
costs more than the rest of the rule layer together; this reads the ORTH column once and writes
the LEMMA column once. Same table, same result (the word itself where the table has no entry).
"""

from __future__ import annotations

from typing import Any

import numpy
from spacy.attrs import LEMMA, ORTH
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.tokens import Doc


class LookupLemmatizer:
    """Sets token.lemma from the language's lookup table (see module docstring)."""

    def __init__(self, nlp: Language, name: str = "lemmatizer") -> None:
        self.nlp = nlp
        self.name = name
        self._table: dict[int, str] = {}

    def initialize(self, get_examples: object = None, *, nlp: Language | None = None) -> None:
        """Load the table from the installed spacy-lookups-data; raises if there is none."""
        lookups = load_lookups(self.nlp.lang or "", ["lemma_lookup"])
        self._table = dict(lookups.get_table("lemma_lookup").items())
        if not self._table:
            raise ValueError(f"empty lemma_lookup table for {self.nlp.lang}")

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        table = self._table
        add = self.nlp.vocab.strings.add
        orths = doc.to_array(ORTH).tolist()
        lemmas = [add(table[o]) if o in table else o for o in orths]
        column: Any = numpy.asarray(lemmas, dtype="uint64").reshape(-1, 1)
        doc.from_array([LEMMA], column)
        return doc


@Language.factory("voice_lemmatizer")
def make_lookup_lemmatizer(nlp: Language, name: str) -> LookupLemmatizer:
    """spaCy factory for the vectorised lookup lemmatizer."""
    return LookupLemmatizer(nlp, name)
