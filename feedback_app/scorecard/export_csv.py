"""The scorecard as one long CSV table, safe to open in a spreadsheet (requirement 18)."""

from __future__ import annotations

import csv
import io
from typing import Any

COLUMNS = ["section", "promise", "measure", "group", "quarter", "numerator", "denominator", "rate", "ci_low", "ci_high", "note"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def _ci(cell: dict[str, Any]) -> tuple[Any, Any]:
    ci = cell.get("ci")
    return (ci[0], ci[1]) if isinstance(ci, list) else (ci, ci)


def scorecard_rows(card: dict[str, Any]) -> list[list[Any]]:
    """Every figure in the card as a row of COLUMNS."""
    rows: list[list[Any]] = []

    def share(section: str, promise: str, measure: str, group: str, quarter: str, cell: dict[str, Any], note: str = "") -> None:
        low, high = _ci(cell)
        rows.append([section, promise, measure, group, quarter, cell.get("kept"), cell.get("answered"), cell.get("rate"), low, high, note])

    period = f"{card['from']}..{card['to']}"
    for p in card["promises"]:
        better = p["better_off"]
        share("better_off", p["id"], "kept share", "all", period, better,
              f"target {better['target']}; RAG {better['rag']}" if better.get("target") is not None else "")
        for row in p["by_quarter"]:
            share("better_off", p["id"], "kept share", "all", row["quarter"], row)
        curve = p["curve"]
        rows.append(["curve", p["id"], "baseline", "all", curve["baseline_quarter"], "", "", curve["baseline"], "", "", ""])
        rows.append(["curve", p["id"], "trend per quarter", "all", period, "", "", curve["trend_per_quarter"], "", "", ""])
        for row in curve["forecast"] or []:
            rows.append(["curve", p["id"], "forecast", "all", row["quarter"], "", "", row["rate"], "", "", "if nothing changes"])
        for row in p["linked"]:
            share("linked", p["id"], "kept share", row["group"], period, row)
        for dimension, groups in p["breakdowns"].items():
            for row in groups:
                share(f"breakdown:{dimension}", p["id"], "kept share", row["group"], period, row)
        for theme in p["themes"]:
            rows.append(["themes", p["id"], "comments", theme["id"], period, theme["count"], "", theme["negative_share"], "", "", "share negative"])
        for note in p["story"]:
            rows.append(["story", p["id"], "story behind the curve", "", note["quarter"], "", "", "", "", "", note["text"]])
        for quote in p["quotes"]:
            rows.append(["quote", p["id"], "approved quote", quote["theme"] or "", period, "", "", "", "", "", quote["text"]])
    how_much = card["how_much"]
    rows.append(["how_much", "", "responses", "all", period, how_much["responses"], "", "", "", "", ""])
    for key, name in (("by_survey", "survey"), ("by_cohort", "cohort"), ("by_language", "language")):
        for row in how_much[key]:
            rows.append(["how_much", "", "responses", f"{name}:{row[name]}", period, row["responses"], "", "", "", "", ""])
    for row in how_much["by_quarter"]:
        rows.append(["how_much", "", "responses", "all", row["quarter"], row["responses"], "", "", "", "", ""])
    rows.append(["how_much", "", "comments", "all", period, how_much["comments"], "", "", "", "", ""])
    rows.append(["how_much", "", "response rate", "children and young people", period, how_much["children_responses"],
                 how_much["children_looked_after"], how_much["response_rate"], "", "", "against children looked after"])
    for name, cell in card["how_well"].items():
        if cell:
            rows.append(["how_well", "", name, "all", period, cell["numerator"], cell["denominator"], cell["rate"], "", "", ""])
    placements = card.get("placements")
    if placements:
        year = placements["year_ending"]
        rows.append(["placements", "", "looked after", "all", year, placements["looked_after"], "", "", "", "", ""])
        for name in ("short_term_stability", "long_term_stability"):
            cell = placements.get(name)
            if cell:
                rows.append(["placements", "", name, "all", year, cell["numerator"], cell["denominator"], cell["rate"], "", "", ""])
        for group, value in placements["placement_types"].items():
            rows.append(["placements", "", "placement type", group, year, value, "", "", "", "", ""])
        for band, value in placements["distance"].items():
            rows.append(["placements", "", "distance", band, year, value if band != "over_20_share" else "", "",
                         value if band == "over_20_share" else "", "", "", ""])
        for name, bench in placements["benchmarks"].items():
            if bench:
                rows.append(["benchmark", "", name, "England", bench["year_ending"], "", "", bench["value"], "", "", bench.get("note") or ""])
    return rows


def scorecard_csv(card: dict[str, Any]) -> str:
    """The CSV text, with a first line saying what "c" means."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in scorecard_rows(card):
        writer.writerow([safe_cell(value) for value in row])
    writer.writerow(["note", "", f"c = fewer than {card['suppression']['threshold']}, or could reveal such a number", "", "", "", "", "", "", "", ""])
    return buffer.getvalue()
