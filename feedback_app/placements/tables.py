"""Recognising 903 tables by their columns, as the DfE layout defines them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

HEADER = "Header"
EPISODES = "Episodes"
OC3 = "OC3"
UASC = "UASC"


@dataclass(frozen=True)
class TableSpec:
    """A table we load: the columns it must have, and those we read when present."""

    name: str
    required: frozenset[str]
    optional: frozenset[str] = frozenset()
    # Columns that must NOT be present, to tell near-identical tables apart.
    absent: frozenset[str] = frozenset()


# Order matters: the first match wins, so the most specific column sets come first.
LOADED_TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        EPISODES,
        frozenset({"CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                   "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST"}),
        frozenset({"URN"}),
    ),
    TableSpec(OC3, frozenset({"CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"})),
    TableSpec(UASC, frozenset({"CHILD", "DOB", "DUC"})),
    # Older years' Headers lack MOTHER and MC_DOB; UPN is not stored.
    TableSpec(HEADER, frozenset({"CHILD", "SEX", "DOB", "ETHNIC"}), frozenset({"UPN", "MOTHER", "MC_DOB"}),
              frozenset({"DUC"})),
)

# Tables of the return that the measures do not use: named in the report, then ignored.
IGNORED_TABLES: dict[str, frozenset[str]] = {
    "Reviews": frozenset({"CHILD", "REVIEW", "REVIEW_CODE"}),
    "Missing": frozenset({"CHILD", "MISSING", "MIS_START"}),
    "OC2": frozenset({"CHILD", "SDQ_SCORE", "CONVICTED"}),
    "AD1": frozenset({"CHILD", "DATE_INT", "DATE_MATCH"}),
    "PlacedAdoption": frozenset({"CHILD", "DATE_PLACED", "DATE_PLACED_CEASED"}),
    "PrevPerm": frozenset({"CHILD", "PREV_PERM", "LA_PERM"}),
    "SWEpisodes": frozenset({"CHILD", "SW_ID", "SW_DECOM"}),
}


def recognise(columns: Iterable[str]) -> str | None:
    """Name the table whose column set ``columns`` matches, or None when unknown.

    Column names are compared upper case without surrounding spaces; extra columns are allowed.
    Ignored tables come back with their own name so the report can say what was skipped.
    """
    present = {str(c).strip().upper() for c in columns}
    for spec in LOADED_TABLES:
        if spec.required <= present and not (spec.absent & present):
            return spec.name
    for name, required in IGNORED_TABLES.items():
        if required <= present:
            return name
    return None


def spec_for(name: str) -> TableSpec | None:
    """The spec of a loaded table, or None for an ignored one."""
    return next((spec for spec in LOADED_TABLES if spec.name == name), None)
