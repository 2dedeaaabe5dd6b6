"""Reading the labelled-comment files (nlp/data/<split>/<lang>.jsonl) and staff corrections."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nlp.taxonomy import SENTIMENTS, THEMES

DATA_DIR = Path(__file__).resolve().parent / "data"
SPLITS = ("train", "dev", "test")

log = logging.getLogger(__name__)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Records of one JSONL file; a malformed line is logged and skipped, not fatal."""
    records = []
    with path.open(encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                log.warning("%s:%d: not JSON (%s)", path, number, exc)
                continue
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                log.warning("%s:%d: no text", path, number)
                continue
            record.setdefault("lang", path.stem)
            record["themes"] = [t for t in record.get("themes") or [] if t in THEMES]
            record["safeguarding"] = bool(record.get("safeguarding"))
            if record.get("sentiment") not in SENTIMENTS:
                record["sentiment"] = None
            records.append(record)
    return records


def split_files(split: str, data_dir: Path | None = None) -> list[Path]:
    """The per-language files of one split."""
    return sorted(((data_dir or DATA_DIR) / split).glob("*.jsonl"))


def load_split(
    split: str, data_dir: Path | None = None, langs: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """All records of one split (optionally only some languages)."""
    wanted = set(langs) if langs is not None else None
    records: list[dict[str, Any]] = []
    for path in split_files(split, data_dir):
        for record in read_jsonl(path):
            if wanted is None or record["lang"] in wanted:
                records.append(record)
    return records


def load_corrections(data_dir: Path | None = None) -> list[dict[str, Any]]:
    """Staff-confirmed labels written by the Flask app (nlp/data/corrections/*.jsonl), if any."""
    records: list[dict[str, Any]] = []
    for path in sorted(((data_dir or DATA_DIR) / "corrections").glob("*.jsonl")):
        records.extend(read_jsonl(path))
    return records


def load_hard_negatives(data_dir: Path | None = None) -> list[dict[str, Any]]:
    """Every hard-negatives file (nlp/data/hard_negatives*.jsonl): ordinary comments with
    alarming-looking words, all safeguarding=false. Training material and a false-alarm check."""
    records: list[dict[str, Any]] = []
    for path in sorted((data_dir or DATA_DIR).glob("hard_negatives*.jsonl")):
        records.extend(r for r in read_jsonl(path) if not r["safeguarding"])
    return records


def _same_text(text: str) -> str:
    return " ".join(text.casefold().split())


def held_out_texts(data_dir: Path | None = None) -> set[tuple[str, str]]:
    """(language, normalised text) of every comment in the held-out test split: its texts only,
    never its labels, so that training can leave those comments out (see without_held_out)."""
    return {(r["lang"], _same_text(r["text"])) for r in load_split("test", data_dir)}


def without_held_out(
    records: Iterable[dict[str, Any]], held: set[tuple[str, str]]
) -> list[dict[str, Any]]:
    """``records`` less any whose text is in ``held`` (held_out_texts), same language.

    Several people write data at once, and short answers ("idk", "no comment") recur by
    chance; a comment in test must never also be learnt from, so it is dropped from training.
    """
    records = list(records)
    kept = [r for r in records if (r.get("lang") or "en", _same_text(r["text"])) not in held]
    dropped = len(records) - len(kept)
    if dropped:
        log.info("left out %d training comments also found in the held-out test split", dropped)
    return kept


def fingerprint(records: Iterable[dict[str, Any]]) -> str:
    """A short hash of the training data, part of the model version."""
    digest = hashlib.sha256()
    for record in records:
        digest.update(json.dumps(record, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()[:10]
