"""A bag-of-words text classifier whose features survive new wording: words, word pairs and
the character n-grams inside each word.

spaCy's `TextCatBOW` keys every feature on the exact spelling (ORTH), so "bullying",
"bullyin", "bulied" and "Bullied" are four unrelated features and a word never seen in
training contributes nothing. Children misspell, inflect and invent words; the languages
beside English inflect heavily (Polish "szkoła/szkole/szkołę"). Here every word also
contributes its folded character 3- and 4-grams with word-boundary marks ("<bu", "bul",
"lly", "ing>"), so an unseen form still shares most of its features with the seen ones.

It stays a linear model over hashed sparse features (thinc's `SparseLinear`), so it is as
fast as the plain bag-of-words: a word's n-gram hashes are computed once and cached.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, cast

import numpy
from spacy.attrs import LOWER
from spacy.ml.models.textcat import resize_and_set_ref
from spacy.strings import hash_string  # type: ignore[attr-defined]  # a Cython function the stubs omit
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import (
    Logistic,
    Model,
    NumpyOps,
    SparseLinear_v2,
    chain,
    resizable,
    softmax_activation,
)
from thinc.layers.resizable import resize_linear_weighted
from thinc.types import Floats2d

from nlp.textnorm import fold

NEG_VALUE = -5000
_MAX_WORD = 24  # longer tokens (links, keyboard mashing) contribute their first characters only
_CACHE_LIMIT = 200_000
_OPS = NumpyOps()

# word (LOWER hash) -> its sub-word feature hashes, per n-gram configuration. Hashes are
# murmurhash of strings (spaCy's hash_string), so they are the same in every process.
_CACHES: dict[tuple[int, ...], dict[int, tuple[int, ...]]] = {}


def subword_keys(word: str, sizes: Sequence[int]) -> numpy.ndarray:
    """Hashes of the folded word and of its boundary-marked character n-grams."""
    folded = fold(word[:_MAX_WORD])
    marked = f"<{folded}>"
    grams = [f"w:{folded}"]
    for n in sizes:
        if len(marked) > n:  # a word no longer than n is already covered by the folded word
            grams.extend(f"{n}:{marked[i : i + n]}" for i in range(len(marked) - n + 1))
    return numpy.asarray([hash_string(g) for g in grams], dtype="uint64")


def extract_features(ngram_sizes: Sequence[int], word_bigrams: bool, rule_features: bool = False) -> Model:
    """thinc layer: docs -> (keys, values, lengths) for SparseLinear."""
    model: Model = Model("extract_voice_features", _forward)
    model.attrs["sizes"] = tuple(int(n) for n in ngram_sizes)
    model.attrs["bigrams"] = bool(word_bigrams)
    model.attrs["rules"] = bool(rule_features)
    return model


def _rule_keys(doc: Doc) -> list[int]:
    """One feature per lexicon match in the doc ("rule:theme:education", "rule:sg:neglect"):
    the classifier learns how far to trust each rule for each label, and what a rule says
    about other labels (a neglect match is evidence for health), which a fixed blend cannot."""
    hits = doc._.rule_hits if Doc.has_extension("rule_hits") else None
    if not hits:
        return []
    return [hash_string(f"rule:{h.kind}:{h.label}") for h in hits]


def _doc_features(
    doc: Doc,
    sizes: tuple[int, ...],
    bigrams: bool,
    cache: dict[int, tuple[int, ...]],
    xp: Any,
) -> tuple[Any, Any]:
    lowers = doc.to_array(LOWER)
    keys: list[int] = lowers.tolist()
    if bigrams and len(keys) > 1:
        keys.extend(_OPS.ngrams(2, lowers).tolist())
    if sizes:
        strings = doc.vocab.strings
        for key in lowers.tolist():
            sub = cache.get(key)
            if sub is None:
                sub = cache[key] = tuple(subword_keys(strings[key], sizes).tolist())
            keys.extend(sub)
    # A repeated key is left repeated with value 1: SparseLinear sums, so that equals one key
    # with its count, without the cost of sorting for unique keys.
    return xp.asarray(keys, dtype="uint64"), xp.ones(len(keys), dtype="f")


def _with_rule_keys(found: tuple[Any, Any], doc: Doc, xp: Any) -> tuple[Any, Any]:
    extra = _rule_keys(doc)
    if not extra:
        return found
    keys = xp.concatenate([found[0], xp.asarray(extra, dtype="uint64")])
    return keys, xp.ones(keys.shape[0], dtype="f")


def _forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[Any, Any]:
    sizes = tuple(model.attrs["sizes"])  # a list after the model is loaded from disk
    bigrams = bool(model.attrs["bigrams"])
    rules = bool(model.attrs.get("rules", False))
    cache = _CACHES.setdefault(sizes, {})
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    xp = model.ops.xp
    # The themes and safeguarding classifiers read the same word features: computed once per
    # doc; the themes classifier adds the rule matches to its copy.
    memo = f"voice_features:{sizes}:{bigrams}"
    batch_keys = []
    batch_vals = []
    for doc in docs:
        found = doc.user_data.get(memo)
        if found is None:
            found = doc.user_data[memo] = _doc_features(doc, sizes, bigrams, cache, xp)
        if rules:
            found = _with_rule_keys(found, doc, xp)
        batch_keys.append(found[0])
        batch_vals.append(found[1])
    lengths = model.ops.asarray([k.shape[0] for k in batch_keys], dtype="int32")
    keys_all = xp.concatenate(batch_keys) if batch_keys else xp.zeros((0,), dtype="uint64")
    vals_all = model.ops.asarray(
        xp.concatenate(batch_vals) if batch_vals else xp.zeros((0,)), dtype="f"
    )

    def backprop(d_output: Any) -> list[Any]:
        return []

    return (keys_all, vals_all, lengths), backprop


@registry.architectures("voice.AffixBOW.v1")
def build_affix_bow(
    exclusive_classes: bool,
    length: int = 2**18,
    ngram_sizes: list[int] = [3, 4],  # noqa: B006  (spaCy configs pass lists)
    word_bigrams: bool = True,
    nO: int | None = None,
    rule_features: bool = False,
) -> Model[list[Doc], Floats2d]:
    """Linear classifier over words, word bigrams and folded character n-grams."""
    length = 2 ** (length - 1).bit_length()
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    fill_defaults = {"b": NEG_VALUE, "W": 0}
    output_layer = softmax_activation() if exclusive_classes else Logistic()
    resizable_layer: Model[Floats2d, Floats2d] = resizable(
        sparse_linear, resize_layer=partial(resize_linear_weighted, fill_defaults=fill_defaults)
    )
    model: Model = chain(
        extract_features(ngram_sizes, word_bigrams, rule_features), resizable_layer, output_layer
    )
    if nO is not None:
        model.set_dim("nO", cast(int, nO))
    model.set_ref("output_layer", sparse_linear)
    model.attrs["multi_label"] = not exclusive_classes
    model.attrs["resize_output"] = partial(resize_and_set_ref, resizable_layer=resizable_layer)
    return model
