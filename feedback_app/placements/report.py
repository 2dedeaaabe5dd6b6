"""The validation report as CSV, for long reports and for fixing rows in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

from feedback_app.placements.validate import Issue

REPORT_COLUMNS = ["file", "table", "row", "child", "column", "value", "problem"]


def write_report_csv(issues: Iterable[Issue | dict[str, Any]], handle: IO[str]) -> None:
    """Write one line per issue with the columns a data officer needs to find and fix the row."""
    writer = csv.DictWriter(handle, fieldnames=REPORT_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for issue in issues:
        row = issue.as_dict() if isinstance(issue, Issue) else issue
        # Spreadsheets run cells starting with = + - @ as formulas; a quote keeps them as text.
        writer.writerow({k: _safe(row.get(k)) for k in REPORT_COLUMNS})


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
