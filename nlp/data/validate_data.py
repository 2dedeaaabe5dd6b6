"""Check every labelled-comment file against the shared format and print counts.

Run: ``.venv/bin/python nlp/data/validate_data.py``. Reads every ``<split>/<lang>*.jsonl`` and
``hard_negatives*.jsonl`` (several authors each add their own file). Exits non-zero on any format
error, a repeated id, or a text found in more than one split (the held-out test must not leak).
The tables count the English files.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent
TAXONOMY = Path("/work/shared/taxonomy.yaml")
CATEGORIES = {
    "physical_abuse", "sexual_abuse", "emotional_abuse", "neglect", "locked_in_or_food", "self_harm",
    "suicidal", "sexual_exploitation", "criminal_exploitation", "missing", "frightening_adult",
}
SENTIMENTS = {"positive", "negative", "mixed", "neutral"}
VOICES = {"child_8_11", "young_person", "care_leaver", "carer", "advocate"}
SPLITS = ("train", "dev", "test")


def data_files() -> list[tuple[str, Path]]:
    """(split, path) of every data file; hard negatives count as their own split "hn"."""
    files = [(split, path) for split in SPLITS for path in sorted((DATA / split).glob("*.jsonl"))]
    files += [("hn", path) for path in sorted(DATA.glob("hard_negatives*.jsonl"))]
    return files


def file_lang(split: str, path: Path) -> str:
    """The language a file holds: its name up to the first "_" (hard negatives are English)."""
    return "en" if split == "hn" else path.stem.split("_", 1)[0]


def theme_ids() -> set[str]:
    """Return the 18 theme ids from the shared taxonomy (falls back to the list in the code)."""
    if TAXONOMY.exists():
        return {t["id"] for t in yaml.safe_load(TAXONOMY.read_text())["themes"]}
    # Without the shared folder, use the copy of the ids the tagger itself ships with.
    sys.path.insert(0, str(DATA.parent.parent))
    from nlp.taxonomy import THEMES

    return set(THEMES)


def norm(text: str) -> str:
    """Normalise a text for duplicate detection: case-folded words of any script, no punctuation."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def check(split: str, path: Path, themes: set[str]) -> tuple[list[str], list[dict]]:
    """Validate one file; return (errors, rows)."""
    errors: list[str] = []
    rows: list[dict] = []
    lang = file_lang(split, path)
    id_re = re.compile(rf"^{lang}-[a-z0-9-]+-?\d{{3,4}}$")
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            r = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{path}:{n} not JSON: {exc}")
            continue
        rows.append(r)
        where = f"{path.name}:{n} {r.get('id')}"
        if not id_re.match(str(r.get("id"))):
            errors.append(f"{where} bad id")
        if r.get("lang") != lang or not str(r.get("text", "")).strip():
            errors.append(f"{where} bad lang or empty text")
        if not set(r.get("themes", [])) <= themes or len(set(r["themes"])) != len(r["themes"]):
            errors.append(f"{where} bad themes {r.get('themes')}")
        sg, cat = r.get("safeguarding"), r.get("safeguarding_category")
        valid_true = sg is True and cat in CATEGORIES
        valid_false = sg is False and cat is None
        if not (valid_true or valid_false):
            errors.append(f"{where} bad safeguarding {sg}/{cat}")
        if split == "hn" and sg:
            errors.append(f"{where} hard negative flagged true")
        if r.get("sentiment") not in SENTIMENTS or r.get("voice") not in VOICES:
            errors.append(f"{where} bad sentiment/voice")
    return errors, rows


def main() -> int:
    """Validate every file, report duplicates across files and print the tables for the README."""
    themes = theme_ids()
    errors: list[str] = []
    data: dict[str, list[dict]] = {split: [] for split in (*SPLITS, "hn")}
    ids: Counter[str] = Counter()
    seen: dict[tuple[str, str], str] = {}
    shared_with_test: list[str] = []
    for split, path in data_files():
        errs, rows = check(split, path, themes)
        errors += errs
        lang = file_lang(split, path)
        for r in rows:
            ids[str(r.get("id"))] += 1
            text_key = (lang, norm(str(r.get("text", ""))))
            # Train, dev and hard negatives may share a short answer ("no"). So may test: people
            # write "idk" everywhere, and `nlp train` leaves out any training comment whose text
            # is in test; this reports how many, so a copied long comment is noticed.
            other = seen.get(text_key)
            if other is not None and other != split and "test" in (other, split):
                shared_with_test.append(f"{path.name}: {r['text'][:60]!r}")
            seen.setdefault(text_key, split)
        if lang == "en":
            data[split] += rows
    errors += [f"id used {n} times: {i}" for i, n in ids.items() if n > 1]
    for line in shared_with_test:
        print(f"note: also in another split (left out of training): {line}")
    order = sorted(themes)
    print("| theme | " + " | ".join(data) + " |")
    print("|---|" + "---|" * len(data))
    for t in order:
        print(f"| {t} | " + " | ".join(str(sum(t in r["themes"] for r in rows)) for rows in data.values()) + " |")
    for label, fn in [
        ("lines", len),
        ("no theme", lambda rs: sum(not r["themes"] for r in rs)),
        ("2+ themes", lambda rs: sum(len(r["themes"]) > 1 for r in rs)),
        ("safeguarding true", lambda rs: sum(r["safeguarding"] for r in rs)),
    ]:
        print(f"| *{label}* | " + " | ".join(str(fn(rows)) for rows in data.values()) + " |")
    print()
    print("| safeguarding category | " + " | ".join(data) + " |")
    print("|---|" + "---|" * len(data))
    for c in sorted(CATEGORIES):
        print(f"| {c} | " + " | ".join(
            str(sum(r["safeguarding_category"] == c for r in rows)) for rows in data.values()) + " |")
    print()
    for key, values in [("sentiment", SENTIMENTS), ("voice", VOICES)]:
        print(f"| {key} | " + " | ".join(data) + " |")
        print("|---|" + "---|" * len(data))
        for v in sorted(values):
            print(f"| {v} | " + " | ".join(
                str(Counter(r[key] for r in rows)[v]) for rows in data.values()) + " |")
        print()
    for e in errors:
        print("ERROR", e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
