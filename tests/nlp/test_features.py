"""The classifiers' sub-word features: new spellings of a known word still count as that word."""

from __future__ import annotations

from pathlib import Path

from nlp.data import load_hard_negatives
from nlp.features import subword_keys


def _overlap(a: str, b: str) -> float:
    ka, kb = set(subword_keys(a, (3,)).tolist()), set(subword_keys(b, (3,)).tolist())
    return len(ka & kb) / len(ka | kb)


def test_misspelt_and_inflected_words_share_most_features() -> None:
    # A child's spelling of a word the model learnt keeps most of its evidence ...
    assert _overlap("bullying", "bullyin") > 0.5
    assert _overlap("szkoła", "szkola") == 1.0  # Polish typed without diacritics
    # ... while unrelated words share little.
    assert _overlap("bullying", "football") < 0.1


def test_every_hard_negatives_file_is_read(tmp_path: Path) -> None:
    line = (
        '{{"id": "{id}", "text": "{text}", "lang": "en", "themes": [], "safeguarding": false,'
        ' "safeguarding_category": null, "sentiment": "neutral"}}\n'
    )
    (tmp_path / "hard_negatives.jsonl").write_text(line.format(id="a", text="i cut my hair"))
    (tmp_path / "hard_negatives_more.jsonl").write_text(
        line.format(id="b", text="this survey is killing me")
    )
    assert [r["id"] for r in load_hard_negatives(tmp_path)] == ["a", "b"]
