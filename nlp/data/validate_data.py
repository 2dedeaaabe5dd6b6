"""Check the English labelled comments against the shared format and print counts.

Run: ``.venv/bin/python nlp/data/validate_data.py``. Exits non-zero on any format error or
on a text that appears in more than one file (the held-out test split must not leak).
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
FILES = {
    "train": DATA / "train" / "en.jsonl",
    "dev": DATA / "dev" / "en.jsonl",
    "test": DATA / "test" / "en.jsonl",
    "hn": DATA / "hard_negatives.jsonl",
}


def theme_ids() -> set[str]:
    """Return the 18 theme ids from the shared taxonomy (falls back to the list in the code)."""
    if TAXONOMY.exists():
        return {t["id"] for t in yaml.safe_load(TAXONOMY.read_text())["themes"]}
    # Without the shared folder, use the copy of the ids the tagger itself ships with.
    sys.path.insert(0, str(DATA.parent.parent))
    from nlp.taxonomy import THEMES

    return set(THEMES)


def norm(text: str) -> str:
    """Normalise a text for duplicate detection: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def check(split: str, path: Path, themes: set[str]) -> tuple[list[str], list[dict]]:
    """Validate one file; return (errors, rows)."""
    errors: list[str] = []
    rows: list[dict] = []
    id_re = re.compile(rf"^en-{split}-\d{{4}}$")
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
        if r.get("lang") != "en" or not str(r.get("text", "")).strip():
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
    data: dict[str, list[dict]] = {}
    for split, path in FILES.items():
        errs, rows = check(split, path, themes)
        errors += errs
        data[split] = rows
    seen: dict[str, str] = {}
    for split, rows in data.items():
        for r in rows:
            key = norm(r["text"])
            if key in seen and seen[key] != split:
                errors.append(f"text in both {seen[key]} and {split}: {r['text']!r}")
            seen.setdefault(key, split)
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
