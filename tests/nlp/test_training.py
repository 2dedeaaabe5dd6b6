"""Training is reproducible, and models load and run with no network."""

from __future__ import annotations

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
