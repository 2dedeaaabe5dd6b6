"""The command-line contract: `python -m nlp tag`, `evaluate`, `train`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from nlp import MODEL_VERSION, Tagger
from nlp.taxonomy import SENTIMENTS, THEMES
from tests.nlp.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nlp", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_tag_writes_one_line_per_input_in_the_agreed_format() -> None:
    lines = [
        {"id": "a1", "text": "my sw never answers and i miss my mum", "lang": "en"},
        {"id": "a2", "text": "Tęsknię za mamą"},
        {"id": "a3", "text": "i want to kms"},
    ]
    proc = run_cli("tag", stdin="\n".join(json.dumps(x) for x in lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a1", "a2", "a3"]
    for o in out:
        assert {"id", "lang", "themes", "safeguarding", "sentiment", "scores"} <= set(o)
        assert set(o["themes"]) <= set(THEMES)
        assert set(o["scores"]) == set(THEMES)
        assert all(0.0 <= v <= 1.0 for v in o["scores"].values())
        assert o["sentiment"] in SENTIMENTS
        assert o["model_version"] == MODEL_VERSION
    assert {"social_worker", "family_contact"} <= set(out[0]["themes"])
    assert out[1]["lang"] == "pl"
    assert out[2]["safeguarding"] is True


def test_tag_answers_even_for_a_line_it_cannot_parse() -> None:
    proc = run_cli("tag", stdin='not json\n{"id": 7, "text": "college is good"}\n')
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) == 2
    assert out[0]["safeguarding"] is True and out[0]["readable"] is False
    assert out[1]["id"] == 7 and "education" in out[1]["themes"]


def test_evaluate_prints_per_theme_scores_and_safeguarding_figures() -> None:
    proc = run_cli("evaluate", str(FIXTURES / "gold.jsonl"))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "precision" in out and "recall" in out
    for theme in THEMES:
        assert theme in out
    assert "theme macro-F1" in out
    assert "safeguarding recall: 1.000 (1/1)" in out
    assert "safeguarding false-alarm rate" in out
    assert "sentiment accuracy" in out


def test_evaluate_without_a_file_checks_the_targets_on_the_test_split() -> None:
    proc = run_cli("evaluate")
    assert "split: test" in proc.stdout
    assert "== targets ==" in proc.stdout
    assert ("ALL TARGETS HOLD" in proc.stdout) == (proc.returncode == 0)


def test_tag_result_json_matches_the_cli_line(tagger: Tagger) -> None:
    result = tagger.tag("my carers are kind", lang="en")
    line = json.loads(result.to_json("x"))
    assert line["id"] == "x"
    assert line["themes"] == result.themes
    assert line["safeguarding"] is result.safeguarding
