"""`python -m nlp train`: rebuild nlp/models/ reproducibly from nlp/data/train (+ dev for selection).

For each language with a lexicon: train the three bag-of-words classifiers (themes,
safeguarding, sentiment) on the train split plus staff corrections, then choose on the dev
split only: how rules and model combine for themes (rules only, model only or a blend),
the safeguarding model's threshold (no dev disclosure missed), and the sentiment method.
Fixed seeds and a fixed example order make the result byte-for-byte repeatable.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, cast

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from nlp import safeguarding
from nlp.data import (
    DATA_DIR,
    fingerprint,
    held_out_texts,
    load_corrections,
    load_hard_negatives,
    load_split,
    without_held_out,
)
from nlp.lexicon import Lexicon, lexicon_languages, load_rule_lexicon
from nlp.metrics import macro_f1
from nlp.pipeline import (
    SENTIMENT_LABELS,
    SG_LABEL,
    SG_PIPE,
    THEME_PIPE,
    affix_bow,
    build_pipeline,
    save_pipeline,
)
from nlp.tagger import MODEL_DIR, choose_sentiment, normalise, theme_rule_labels
from nlp.taxonomy import THEMES
from nlp.version import BASE_VERSION

log = logging.getLogger(__name__)

SEED = 20261125
EPOCHS = 12
BATCH_SIZE = 16
MIN_TRAIN_FOR_MODEL = 20  # below this a language runs on its lexicon alone
ALPHAS = (0.0, 0.2, 0.35, 0.5, 0.65, 0.8, 1.0)
THRESHOLDS = tuple(round(0.1 + 0.05 * i, 2) for i in range(13))  # 0.10 .. 0.70
SG_THRESHOLDS = tuple(round(0.9 - 0.05 * i, 2) for i in range(18))  # 0.90 .. 0.05
MIN_THEME_SUPPORT = 8  # dev examples a theme needs before it gets its own blend
PER_THEME_MARGIN = 0.03  # and the F1 gain it must show, against noise
SG_MAX_THRESHOLD = 0.5  # the model always backs the rules up at least at this level
SG_FALSE_ALARM_BUDGET = 0.12  # ordinary comments: below the 15% target, room for unseen text
# Hard negatives are the adversarial end ("this survey is killing me"): recall comes first, so
# they may use more of the 15% limit than ordinary comments do.
SG_HARD_NEGATIVE_BUDGET = 0.14
BOW_LENGTH = {"en": 2**15}
DEFAULT_BOW_LENGTH = 2**12
# Words + character n-gram classifiers (nlp/features.py): hash-table sizes and n-gram sizes.
THEME_LENGTH = {"en": 2**16}
DEFAULT_THEME_LENGTH = 2**15
SG_LENGTH = 2**16
NGRAM_SIZES = (3,)
RULE_FEATURES = True
# A non-English theme model is trained on its own comments (repeated OWN_WEIGHT times) plus every
# other language's: with ~150 own comments, the shared ones teach loanwords, names and the
# English children mix in, and the repetition keeps the language's own words in front.
OWN_WEIGHT = 3


@dataclass
class DevScores:
    """What the dev split says about one language's choices (written to meta and README)."""

    n_train: int
    n_dev: int
    theme_rules_f1: float = 0.0
    theme_model_f1: float = 0.0
    theme_combined_f1: float = 0.0
    sg_rules_recall: float = 0.0
    sg_recall: float = 0.0
    sg_false_alarm_rate: float = 0.0
    sg_hard_negative_rate: float = 0.0
    sentiment_accuracy: dict[str, float] = field(default_factory=dict)


def theme_model_config(lang: str) -> dict[str, Any]:
    """The theme (and sentiment) classifier of a language: words + character n-grams, and the
    lexicon's matches as features (RULE_FEATURES)."""
    return affix_bow(THEME_LENGTH.get(lang, DEFAULT_THEME_LENGTH), NGRAM_SIZES, RULE_FEATURES)


def sg_model_config() -> dict[str, Any]:
    """The shared, multilingual safeguarding classifier: words + character n-grams."""
    return affix_bow(SG_LENGTH, NGRAM_SIZES)


def _cats(record: dict[str, Any]) -> dict[str, float]:
    cats = {theme: float(theme in record["themes"]) for theme in THEMES}
    cats[SG_LABEL] = float(record["safeguarding"])
    if record.get("sentiment"):
        for label in SENTIMENT_LABELS:
            cats[label] = float(label == f"sentiment_{record['sentiment']}")
    return cats


def _annotated(nlp: Language, text: str) -> Doc:
    """A doc with what the components before the classifiers add (lemmas, rule matches), as
    the classifiers see it at tagging time: the themes classifier reads the rule matches."""
    doc = nlp.make_doc(text)
    doc.user_data["text"] = text
    for name, proc in nlp.pipeline:
        if name not in (THEME_PIPE, SG_PIPE):
            doc = proc(doc)
    return doc


def train_models(
    nlp: Language,
    records: Sequence[dict[str, Any]],
    seed: int,
    epochs: int,
    sg_bytes: bytes | None = None,
) -> None:
    """Fit the classifiers of `nlp` on the records, deterministically. With `sg_bytes` (the
    shared multilingual safeguarding classifier) only the themes classifier is trained and
    the safeguarding one is loaded from those bytes."""
    fix_random_seed(seed)
    examples = [
        Example.from_dict(_annotated(nlp, normalise(r["text"])), {"cats": _cats(r)}) for r in records
    ]
    # Give each classifier its own labels; otherwise initialize() would infer every label in
    # the examples' cats for each of them and the last one would overwrite the others' scores.
    nlp.config["initialize"]["components"] = {
        THEME_PIPE: {"labels": [*THEMES, *SENTIMENT_LABELS]},
        SG_PIPE: {"labels": [SG_LABEL]},
    }
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    order = list(examples)
    exclude = [SG_PIPE] if sg_bytes is not None else []
    for _ in range(epochs):
        rng.shuffle(order)
        for batch in minibatch(order, size=BATCH_SIZE):
            nlp.update(batch, sgd=optimizer, drop=0.0, exclude=exclude)
    if sg_bytes is not None:
        cast(Any, nlp.get_pipe(SG_PIPE)).from_bytes(sg_bytes, exclude=["vocab"])


def train_sg_model(
    records: Sequence[dict[str, Any]],
    tokenizers: dict[str, Language],
    seed: int,
    epochs: int,
) -> Language:
    """One safeguarding classifier for every language, each comment tokenised by its own
    language's tokenizer (disclosures share slang, app names and English loanwords)."""
    nlp = spacy.blank("xx")
    sg = cast(
        Any, nlp.add_pipe("textcat_multilabel", name=SG_PIPE, config={"model": sg_model_config()})
    )
    sg.add_label(SG_LABEL)
    fix_random_seed(seed)
    fallback = nlp
    examples = [
        Example.from_dict(
            tokenizers.get(r.get("lang") or "", fallback).make_doc(normalise(r["text"])),
            {"cats": {SG_LABEL: float(r["safeguarding"])}},
        )
        for r in records
    ]
    nlp.config["initialize"]["components"] = {SG_PIPE: {"labels": [SG_LABEL]}}
    optimizer = nlp.initialize(partial(list, examples))
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=BATCH_SIZE):
            nlp.update(batch, sgd=optimizer, drop=0.0)
    return nlp


def _one_theme_f1(
    theme: str,
    gold: Sequence[set[str]],
    rules: Sequence[set[str]],
    probs: Sequence[dict[str, float]],
    alpha: float,
    threshold: float,
) -> float:
    tp = fp = fn = 0
    for g, rule_set, prob in zip(gold, rules, probs, strict=True):
        hit = alpha * (theme in rule_set) + (1 - alpha) * prob.get(theme, 0.0) >= threshold
        tp += hit and theme in g
        fp += hit and theme not in g
        fn += (not hit) and theme in g
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def predict_themes(
    rules: Sequence[set[str]], probs: Sequence[dict[str, float]], settings: dict[str, Any]
) -> list[set[str]]:
    """Themes under the chosen settings (same rule as the tagger's theme_scores)."""
    out = []
    for rule_set, prob in zip(rules, probs, strict=True):
        chosen = set()
        for theme in THEMES:
            alpha, threshold = settings.get("theme_per_label", {}).get(
                theme, (settings["theme_alpha"], settings["theme_threshold"])
            )
            if alpha * (theme in rule_set) + (1 - alpha) * prob.get(theme, 0.0) >= threshold:
                chosen.add(theme)
        out.append(chosen)
    return out


def _theme_f1(
    gold: Sequence[set[str]],
    rules: Sequence[set[str]],
    probs: Sequence[dict[str, float]],
    alpha: float,
    threshold: float,
) -> float:
    predicted = []
    for rule_set, prob in zip(rules, probs, strict=True):
        predicted.append(
            {
                t
                for t in THEMES
                if alpha * (t in rule_set) + (1 - alpha) * prob.get(t, 0.0) >= threshold
            }
        )
    return macro_f1(gold, predicted)


def out_of_fold_sg_probabilities(
    records: Sequence[dict[str, Any]],
    tokenizers: dict[str, Language],
    seed: int,
    epochs: int,
    folds: int = 5,
) -> list[float]:
    """Safeguarding probabilities of each record from a model that never saw it (k-fold).

    Dev alone holds only a handful of disclosures per language, too few to place a threshold;
    out-of-fold scores over train + dev + hard negatives show how the model treats unseen wording.
    """
    order = list(range(len(records)))
    random.Random(seed).shuffle(order)
    probabilities = [0.0] * len(records)
    for fold in range(folds):
        held = [i for k, i in enumerate(order) if k % folds == fold]
        kept = [records[i] for k, i in enumerate(order) if k % folds != fold]
        if not held or not any(r["safeguarding"] for r in kept):
            continue
        nlp = train_sg_model(kept, tokenizers, seed + fold, epochs)
        sg = nlp.get_pipe(SG_PIPE)
        docs = [
            tokenizers.get(records[i].get("lang") or "", nlp).make_doc(
                normalise(records[i]["text"])
            )
            for i in held
        ]
        for i, doc in zip(held, sg.pipe(docs), strict=True):  # type: ignore[attr-defined]
            probabilities[i] = float(doc.cats.get(SG_LABEL, 0.0))
    return probabilities


def _recall(flags: Sequence[bool], gold: Sequence[bool]) -> float:
    positives = [f for f, g in zip(flags, gold, strict=True) if g]
    return sum(positives) / len(positives) if positives else 1.0


def choose_sg_threshold(
    rule_flags: Sequence[bool],
    probabilities: Sequence[float],
    gold: Sequence[bool],
    hard: Sequence[bool] | None = None,
) -> float:
    """Lowest threshold whose false alarms stay within budget, both on ordinary comments and,
    separately, on the hard negatives (`hard` marks them)."""
    hard = hard or [False] * len(gold)
    best: tuple[float, float] | None = None  # (recall, threshold)
    for threshold in SG_THRESHOLDS:
        if threshold > SG_MAX_THRESHOLD:
            continue
        flags = [f or p >= threshold for f, p in zip(rule_flags, probabilities, strict=True)]
        pos = [f for f, g in zip(flags, gold, strict=True) if g]
        neg = [f for f, g, h in zip(flags, gold, hard, strict=True) if not g and not h]
        hard_neg = [f for f, h in zip(flags, hard, strict=True) if h]
        recall = sum(pos) / len(pos) if pos else 1.0
        over_budget = (sum(neg) / len(neg) if neg else 0.0) > SG_FALSE_ALARM_BUDGET or (
            sum(hard_neg) / len(hard_neg) if hard_neg else 0.0
        ) > SG_HARD_NEGATIVE_BUDGET
        if over_budget and best is not None:
            break
        # Recall first: go as low as the false-alarm budget allows, even when the pool's recall
        # has stopped rising (rules written on train make the pool look easier than new text).
        if best is None or recall >= best[0] - 1e-9:
            best = (recall, threshold)
    return best[1] if best else SG_MAX_THRESHOLD


def select_settings(
    nlp: Language,
    dev: Sequence[dict[str, Any]],
    negatives: Sequence[dict[str, Any]],
    has_model: bool,
    oof: tuple[Sequence[dict[str, Any]], Sequence[float]] | None = None,
) -> tuple[dict[str, Any], DevScores]:
    """Choose theme blend, safeguarding threshold and sentiment method on dev (never on test)."""
    settings: dict[str, Any] = {
        "theme_mode": "rules",
        "theme_alpha": 1.0,
        "theme_threshold": 0.5,
        "sg_threshold": None,
        "sentiment_mode": "lexicon",
        "lemmatizer": "lemmatizer" in nlp.pipe_names,
    }
    scores = DevScores(n_train=0, n_dev=len(dev))
    if not dev:
        return settings, scores
    docs = list(nlp.pipe(normalise(r["text"]) for r in dev))
    gold = [set(r["themes"]) for r in dev]
    rules = [theme_rule_labels(d._.rule_hits or []) for d in docs]
    probs = [dict(d.cats) for d in docs]
    scores.theme_rules_f1 = macro_f1(gold, rules)
    if has_model:
        best = (scores.theme_rules_f1, 1.0, 0.5)
        model_best = 0.0
        for alpha in ALPHAS:
            for threshold in THRESHOLDS:
                if alpha == 1.0 and threshold != 0.5:
                    continue
                f1 = _theme_f1(gold, rules, probs, alpha, threshold)
                if alpha == 0.0:
                    model_best = max(model_best, f1)
                # Strictly better only: ties keep the earlier (more rule-driven) choice.
                if f1 > best[0] + 1e-9:
                    best = (f1, alpha, threshold)
        scores.theme_model_f1 = model_best
        scores.theme_combined_f1 = best[0]
        settings["theme_alpha"], settings["theme_threshold"] = best[1], best[2]
        settings["theme_mode"] = (
            "rules" if best[1] == 1.0 else "model" if best[1] == 0.0 else "combined"
        )
        # Per theme, a different blend where dev clearly prefers one (some themes' words are
        # precise, "social worker"; others are everywhere, "school"), given enough examples.
        per_theme: dict[str, list[float]] = {}
        for theme in THEMES:
            support = sum(1 for g in gold if theme in g)
            if support < MIN_THEME_SUPPORT:
                continue
            base = _one_theme_f1(theme, gold, rules, probs, best[1], best[2])
            choice = (base, best[1], best[2])
            for alpha in ALPHAS:
                for threshold in THRESHOLDS:
                    f1 = _one_theme_f1(theme, gold, rules, probs, alpha, threshold)
                    if f1 > choice[0] + PER_THEME_MARGIN:
                        choice = (f1, alpha, threshold)
            if choice[1:] != (best[1], best[2]):
                per_theme[theme] = [choice[1], choice[2]]
        settings["theme_per_label"] = per_theme
        scores.theme_combined_f1 = macro_f1(gold, predict_themes(rules, probs, settings))
    else:
        scores.theme_combined_f1 = scores.theme_rules_f1

    # Safeguarding threshold: from out-of-fold scores of the shared model over this language's
    # train + dev (+ hard negatives) with the rules: recall first, within the false-alarm budget.
    chosen: float | None = None
    if has_model and oof is not None and oof[0]:
        pool, pool_probs = oof
        pool_docs = list(nlp.pipe(normalise(r["text"]) for r in pool))
        pool_flags = [safeguarding.decide(d._.rule_hits or [], None, None).flag for d in pool_docs]
        pool_gold = [r["safeguarding"] for r in pool]
        hard = [bool(r.get("_hard")) for r in pool]
        chosen = choose_sg_threshold(pool_flags, list(pool_probs), pool_gold, hard)
        settings["sg_threshold"] = chosen
        # Dev figures from the out-of-fold scores: the shipped model has seen dev.
        on_dev = [i for i, r in enumerate(pool) if r.get("_split") == "dev" or r.get("_hard")]
        scores.sg_rules_recall = _recall(
            [pool_flags[i] for i in on_dev], [pool_gold[i] for i in on_dev]
        )
        flags = [pool_flags[i] or pool_probs[i] >= chosen for i in on_dev]
        gold_dev = [pool_gold[i] for i in on_dev]
        scores.sg_recall = _recall(flags, gold_dev)
        ordinary = [
            f for f, g, i in zip(flags, gold_dev, on_dev, strict=True) if not g and not hard[i]
        ]
        hard_flags = [f for i, f in zip(on_dev, flags, strict=True) if hard[i]]
        scores.sg_false_alarm_rate = sum(ordinary) / len(ordinary) if ordinary else 0.0
        scores.sg_hard_negative_rate = sum(hard_flags) / len(hard_flags) if hard_flags else 0.0
    else:
        neg_docs = list(nlp.pipe(normalise(r["text"]) for r in negatives)) if negatives else []
        all_docs = docs + neg_docs
        all_gold = [r["safeguarding"] for r in dev] + [False] * len(neg_docs)
        flags = [safeguarding.decide(d._.rule_hits or [], None, None).flag for d in all_docs]
        scores.sg_recall = scores.sg_rules_recall = _recall(flags, all_gold)
        negs = [f for f, g in zip(flags, all_gold, strict=True) if not g]
        scores.sg_false_alarm_rate = sum(negs) / len(negs) if negs else 0.0

    # Sentiment: lexicon, model, or lexicon with the model where the lexicon found nothing.
    gold_sent = [r.get("sentiment") for r in dev]
    modes = ("lexicon", "hybrid", "model") if has_model else ("lexicon",)
    for mode in modes:
        predicted = [choose_sentiment(d, mode, has_model) for d in docs]
        pairs = [(p, g) for p, g in zip(predicted, gold_sent, strict=True) if g]
        scores.sentiment_accuracy[mode] = (
            sum(p == g for p, g in pairs) / len(pairs) if pairs else 0.0
        )
    settings["sentiment_mode"] = max(
        modes, key=lambda m: (scores.sentiment_accuracy[m], -modes.index(m))
    )
    return settings, scores


def train_language(
    lexicon: Lexicon,
    train: Sequence[dict[str, Any]],
    dev: Sequence[dict[str, Any]],
    negatives: Sequence[dict[str, Any]] = (),
    seed: int = SEED,
    epochs: int = EPOCHS,
    shared: Sequence[dict[str, Any]] = (),
    sg_bytes: bytes | None = None,
    oof: tuple[Sequence[dict[str, Any]], Sequence[float]] | None = None,
) -> tuple[Language, dict[str, Any], DevScores]:
    """Train one language's pipeline and choose its settings on dev.

    `shared`: other languages' training comments, added to a non-English theme model;
    `sg_bytes`: the shared safeguarding classifier (else one is trained on `train` alone);
    `oof`: this language's records with out-of-fold safeguarding scores, for the threshold.
    """
    has_model = len(train) >= MIN_TRAIN_FOR_MODEL
    nlp = build_pipeline(
        lexicon,
        with_models=has_model,
        theme_model=theme_model_config(lexicon.lang),
        sg_model=sg_model_config(),
    )
    if has_model:
        records = list(train)
        if shared and lexicon.lang != "en":
            records = records * OWN_WEIGHT + list(shared)
        train_models(nlp, records, seed, epochs, sg_bytes)
    settings, scores = select_settings(nlp, dev, negatives, has_model, oof)
    scores.n_train = len(train)
    return nlp, settings, scores


def _tokenizers(langs: Sequence[str], lexicon_dir: Path | None) -> dict[str, Language]:
    out = {}
    for lang in langs:
        try:
            out[lang] = spacy.blank(load_rule_lexicon(lang, lexicon_dir).spacy_lang)
        except Exception:
            out[lang] = spacy.blank("xx")
    return out


def train_all(
    out_dir: Path | None = None,
    data_dir: Path | None = None,
    lexicon_dir: Path | None = None,
    langs: Sequence[str] | None = None,
    seed: int = SEED,
    epochs: int = EPOCHS,
) -> dict[str, Any]:
    """Rebuild every language's model into out_dir (nlp/models/ by default); returns the manifest.

    The safeguarding classifier is one model trained on every language's train + dev + hard
    negatives (a copy sits in each language's pipeline); its thresholds come from out-of-fold
    scores. Theme models are per language, non-English ones with the other languages' data too.
    """
    out_dir = out_dir or MODEL_DIR
    data_dir = data_dir or DATA_DIR
    every = lexicon_languages(lexicon_dir)
    languages = list(langs) if langs else every
    corrections = load_corrections(data_dir)
    held = held_out_texts(data_dir)
    hard_negatives = without_held_out(load_hard_negatives(data_dir), held)
    trains = {
        lang: without_held_out(
            load_split("train", data_dir, [lang]) + [c for c in corrections if c.get("lang") == lang],
            held,
        )
        for lang in every
    }
    devs = {lang: without_held_out(load_split("dev", data_dir, [lang]), held) for lang in every}
    tokenizers = _tokenizers(every, lexicon_dir)
    # The shared safeguarding pool; _split/_hard mark where each record came from.
    pool = (
        [dict(r, _split="train") for lang in every for r in trains[lang]]
        + [dict(r, _split="dev") for lang in every for r in devs[lang]]
        + [dict(r, _hard=True, lang=r.get("lang") or "en") for r in hard_negatives]
    )
    sg_bytes: bytes | None = None
    oof_probs: list[float] = []
    if sum(r["safeguarding"] for r in pool) >= 2:
        sg_nlp = train_sg_model(pool, tokenizers, seed, epochs)
        sg_bytes = cast(Any, sg_nlp.get_pipe(SG_PIPE)).to_bytes(exclude=["vocab"])
        oof_probs = out_of_fold_sg_probabilities(pool, tokenizers, seed, epochs)
    manifest: dict[str, Any] = {"seed": seed, "epochs": epochs, "languages": {}}
    # The version changes with the data, the lexicons and the classifiers' configuration.
    hashed: list[dict[str, Any]] = [
        *hard_negatives,
        {"themes": theme_model_config("en"), "other": theme_model_config("xx")},
        {"safeguarding": sg_model_config(), "own_weight": OWN_WEIGHT},
    ]
    staging = Path(tempfile.mkdtemp(prefix="nlp-models-"))
    try:
        for lang in languages:
            lexicon = load_rule_lexicon(lang, lexicon_dir)
            train, dev = trains.get(lang, []), devs.get(lang, [])
            negatives = [r for r in hard_negatives if (r.get("lang") or "en") == lang]
            shared = [r for other in every if other != lang for r in trains[other]]
            lang_idx = [i for i, r in enumerate(pool) if r.get("lang") == lang]
            oof = (
                ([pool[i] for i in lang_idx], [oof_probs[i] for i in lang_idx])
                if oof_probs
                else None
            )
            hashed.extend(train + dev)
            hashed.append(lexicon.to_dict())
            nlp, settings, scores = train_language(
                lexicon, train, dev, negatives, seed, epochs, shared, sg_bytes, oof
            )
            save_pipeline(nlp, staging / lang, settings)
            manifest["languages"][lang] = {
                "settings": settings,
                "dev": scores.__dict__,
                "pipes": nlp.pipe_names,
            }
            log.info("trained %s: %s", lang, json.dumps(scores.__dict__))
        previous = out_dir / "manifest.json"
        if langs is not None and previous.exists():
            kept = json.loads(previous.read_text(encoding="utf-8")).get("languages", {})
            for lang, info in kept.items():
                if lang not in manifest["languages"] and (out_dir / lang).is_dir():
                    manifest["languages"][lang] = info
                    hashed.append({"kept": lang, "info": info})
        manifest["model_version"] = f"{BASE_VERSION}+{fingerprint(hashed)}"
        (staging / "manifest.json").write_text(
            json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8"
        )
        # Swap in only when every language trained, so a failure never leaves half a model.
        out_dir.mkdir(parents=True, exist_ok=True)
        for child in out_dir.iterdir():
            # Retraining some languages (--lang) keeps the others' models.
            if child.is_dir() and (langs is None or child.name in languages):
                shutil.rmtree(child)
            elif child.is_file():
                child.unlink()
        for child in staging.iterdir():
            shutil.move(str(child), out_dir / child.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest
