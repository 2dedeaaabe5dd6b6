"""Training is reproducible, and models load and run with no network."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from nlp.tagger import Tagger
from nlp.train import train_all
from tests.nlp.conftest import FIXTURES

TEXTS = ["my social worker never rings", "i love football club", "i want to see my brother"]


def _train(out: Path, seed: int) -> dict:
    return train_all(out_dir=out, data_dir=FIXTURES / "tiny", langs=["en"], seed=seed, epochs=5)


def test_same_seed_gives_the_same_model_and_scores(tmp_path: Path) -> None:
    first = _train(tmp_path / "a", seed=7)
    second = _train(tmp_path / "b", seed=7)
    assert first["model_version"] == second["model_version"]
    assert first["languages"]["en"]["settings"] == second["languages"]["en"]["settings"]
    weights_a = (tmp_path / "a" / "en" / "themes" / "model").read_bytes()
    weights_b = (tmp_path / "b" / "en" / "themes" / "model").read_bytes()
    assert weights_a == weights_b
    scores_a = [r.scores for r in Tagger(tmp_path / "a").tag_many(TEXTS, ["en"] * 3)]
    scores_b = [r.scores for r in Tagger(tmp_path / "b").tag_many(TEXTS, ["en"] * 3)]
    assert scores_a == scores_b


def test_training_records_its_choices_in_the_model(tmp_path: Path) -> None:
    manifest = _train(tmp_path / "m", seed=1)
    settings = manifest["languages"]["en"]["settings"]
    assert settings["theme_mode"] in {"rules", "model", "combined"}
    assert settings["sentiment_mode"] in {"lexicon", "model", "hybrid"}
    assert (tmp_path / "m" / "en" / "settings.json").exists()
    assert (tmp_path / "m" / "manifest.json").exists()


def test_staff_corrections_are_trained_on(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for split in ("train", "dev"):
        (data / split).mkdir(parents=True)
        (data / split / "en.jsonl").write_text((FIXTURES / "tiny" / split / "en.jsonl").read_text())
    without = train_all(out_dir=tmp_path / "m1", data_dir=data, langs=["en"], seed=3, epochs=5)
    (data / "corrections").mkdir()
    (data / "corrections" / "staff.jsonl").write_text(
        '{"id": "c1", "text": "the youth club trip was great", "lang": "en", "themes": ["activities"],'
        ' "safeguarding": false, "safeguarding_category": null, "sentiment": "positive"}\n'
    )
    with_corrections = train_all(
        out_dir=tmp_path / "m2", data_dir=data, langs=["en"], seed=3, epochs=5
    )
    assert (
        with_corrections["languages"]["en"]["dev"]["n_train"]
        == without["languages"]["en"]["dev"]["n_train"] + 1
    )
    assert with_corrections["model_version"] != without["model_version"]


def test_shipped_models_load_and_tag_with_the_network_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    tagger = Tagger()  # a fresh load, not the cached one
    assert {"en", "ar", "pl", "ti"} <= set(tagger.languages)
    result = tagger.tag("i miss my mum", lang="en")
    assert "family_contact" in result.themes


def test_a_training_comment_also_in_the_held_out_test_is_left_out(tmp_path: Path) -> None:
    """Several people write data at once: a comment that is also in test must not be learnt
    from, or the test would score the model on what it memorised."""
    data = tmp_path / "data"
    for split in ("train", "dev"):
        (data / split).mkdir(parents=True)
        (data / split / "en.jsonl").write_text((FIXTURES / "tiny" / split / "en.jsonl").read_text())
    before = train_all(out_dir=tmp_path / "m1", data_dir=data, langs=["en"], seed=3, epochs=5)
    first_train_line = (data / "train" / "en.jsonl").read_text().splitlines()[0]
    (data / "test").mkdir()
    # Same words, other case and spacing: still the same comment.
    record = json.loads(first_train_line)
    record["text"] = "  " + record["text"].upper().replace(" ", "  ") + " "
    (data / "test" / "en_fresh.jsonl").write_text(json.dumps(record) + "\n")
    after = train_all(out_dir=tmp_path / "m2", data_dir=data, langs=["en"], seed=3, epochs=5)
    assert after["languages"]["en"]["dev"]["n_train"] == before["languages"]["en"]["dev"]["n_train"] - 1


def test_the_themes_classifier_reads_the_rule_matches(tmp_path: Path) -> None:
    """A rule match is a feature of the themes classifier: the same words score differently when
    the lexicon matches them, so a rule the model has learnt to trust moves its theme."""
    _train(tmp_path / "m", seed=5)
    tagger = Tagger(tmp_path / "m")
    model = tagger.models["en"]
    themes = model.nlp.get_pipe("themes")
    text = "my social worker never rings"
    with_rules = model.nlp(text)
    without_rules = model.nlp.make_doc(text)
    without_rules._.rule_hits = []
    themes(without_rules)
    assert with_rules._.rule_hits, "the lexicon matches this comment"
    assert with_rules.cats["social_worker"] != pytest.approx(without_rules.cats["social_worker"], abs=1e-6)
