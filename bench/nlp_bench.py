"""Throughput of the English tagging pipeline on one core, against bare spaCy tokenisation.

    .venv/bin/python bench/nlp_bench.py [--n 20000]

Prints comments per second for the full pipeline (language routing, lemmatizer, lexicon rules,
three classifiers, safeguarding decision, sentiment, TagResult objects) and for
`spacy.blank("en")` tokenising the same texts, and the ratio between them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

# One core: keep numpy's BLAS (used by the classifiers) single-threaded.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import spacy  # noqa: E402

from nlp import load_tagger  # noqa: E402
from nlp.data import load_split, read_jsonl  # noqa: E402

FALLBACK = [
    "my sw never answers tbh",
    "I like my foster carers they take me to football and help with homework",
    "nothing",
    "i want to see my mum and my little brother more, contact is only once a month and its not fair",
    "college is ok but i need more money for the bus",
]


def english_texts(n: int) -> list[str]:
    """n English comments cycled from the project's labelled data (all splits)."""
    texts = [
        r["text"] for split in ("train", "dev", "test") for r in load_split(split, langs=["en"])
    ]
    hn = Path(__file__).resolve().parents[1] / "nlp" / "data" / "hard_negatives.jsonl"
    if hn.exists():
        texts += [r["text"] for r in read_jsonl(hn)]
    texts = texts or FALLBACK
    return [texts[i % len(texts)] for i in range(n)]


def rate(fn, texts: list[str], repeats: int = 3) -> tuple[float, float]:
    """Best and median of `repeats` runs, in comments per second."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(texts)
        times.append(time.perf_counter() - start)
    return len(texts) / min(times), len(texts) / statistics.median(times)


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    texts = english_texts(args.n)
    tagger = load_tagger()
    blank = spacy.blank("en")
    tagger.tag_many(texts[:500], ["en"] * 500)  # warm up: build matchers, load tables
    full = rate(lambda t: tagger.tag_many(t, ["en"] * len(t)), texts)
    detect = rate(lambda t: tagger.tag_many(t), texts)
    bare = rate(lambda t: list(blank.pipe(t, batch_size=512)), texts)
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(
        f"texts: {len(texts)} English comments, mean {words:.1f} words, model {tagger.model_version}"
    )
    print(f"load average at start: {os.getloadavg()[0]:.2f} (figures are best / median of 3)")
    for name, (best, median) in (
        ("full pipeline, lang given:   ", full),
        ("full pipeline, lang detected:", detect),
        ('bare spacy.blank("en"):      ', bare),
    ):
        print(f"{name} {best:>10,.0f} / {median:>10,.0f} comments/s")
    print(
        f"ratio full/bare (best): {full[0] / bare[0]:.3f} (bare is {bare[0] / full[0]:.1f}x faster)"
    )
    print(f"target >= 5,000 comments/s (best): {'PASS' if full[0] >= 5000 else 'FAIL'}")


if __name__ == "__main__":
    main()
