"""How each catalogue was translated and whether a qualified translator reviewed it.

The status lives in two header fields of each ``messages.po`` (``X-Translation-Method`` and
``X-Translation-Reviewed``). Babel drops unknown header fields when it rewrites a catalogue, so
`make translations-update` saves them first and puts them back after (``python -m
feedback_app.translation_status save|restore``).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
FIELDS = ("X-Translation-Method", "X-Translation-Reviewed")
_FIELD = re.compile(r'^"(X-Translation-(?:Method|Reviewed)): (.*)\\n"$', re.MULTILINE)


@dataclass(frozen=True)
class TranslationStatus:
    """One catalogue's status, as admins see it."""

    locale: str
    method: str
    reviewed: str

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed.strip().lower().startswith("yes")


def catalogue_path(locale: str, root: Path = TRANSLATIONS) -> Path:
    return root / locale / "LC_MESSAGES" / "messages.po"


def read_status(locale: str, root: Path = TRANSLATIONS) -> TranslationStatus:
    """The status fields of ``locale``'s catalogue ("not recorded" when absent)."""
    text = catalogue_path(locale, root).read_text(encoding="utf-8")
    header = text.split("\n\n", 1)[0]
    found = dict(_FIELD.findall(header))
    return TranslationStatus(
        locale=locale,
        method=found.get("X-Translation-Method", "not recorded"),
        reviewed=found.get("X-Translation-Reviewed", "not recorded"),
    )


def all_statuses(root: Path = TRANSLATIONS) -> list[TranslationStatus]:
    """Every catalogue's status, by locale code."""
    return [read_status(p.name, root) for p in sorted(root.iterdir()) if catalogue_path(p.name, root).exists()]


def restore_status(status: TranslationStatus, root: Path = TRANSLATIONS) -> None:
    """Write the two fields back into the catalogue header (after Babel rewrote it)."""
    path = catalogue_path(status.locale, root)
    text = path.read_text(encoding="utf-8")
    header, rest = text.split("\n\n", 1)
    header = _FIELD.sub("", header).replace("\n\n", "\n")
    lines = [f'"X-Translation-Method: {status.method}\\n"', f'"X-Translation-Reviewed: {status.reviewed}\\n"']
    anchor = header.find('"Plural-Forms:')
    anchor = anchor if anchor >= 0 else header.find('"MIME-Version:')
    header = header[:anchor] + "\n".join(lines) + "\n" + header[anchor:]
    header = re.sub(r"\n{2,}", "\n", header)
    path.write_text(header + "\n\n" + rest, encoding="utf-8")


def main(argv: list[str]) -> None:
    """``save FILE`` or ``restore FILE``: keep the fields across `pybabel update`."""
    command, store = argv[0], Path(argv[1])
    if command == "save":
        store.write_text(json.dumps([asdict(s) for s in all_statuses()], indent=1), encoding="utf-8")
    elif command == "restore":
        for item in json.loads(store.read_text(encoding="utf-8")):
            if item["method"] != "not recorded" and catalogue_path(item["locale"]).exists():
                restore_status(TranslationStatus(**item))
    else:
        raise SystemExit("usage: python -m feedback_app.translation_status save|restore FILE")


if __name__ == "__main__":
    main(sys.argv[1:])
