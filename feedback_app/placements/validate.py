"""Row-level validation a data officer can act on: file, row, CHILD, column, value, problem.

Every check is a vectorised mask over a table; only failing rows become Issue records. A row
with any issue is invalid: the whole import is refused, or with --skip-invalid the row is left
out. ``row`` is the line number a spreadsheet shows (the column names are line 1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from feedback_app.placements import codes
from feedback_app.placements.parse import FILE, LINE, parse_dates

INVALID = "_invalid"
DATES_OK = "_dates_ok"


@dataclass(frozen=True)
class Issue:
    """One problem in one cell of one row."""

    file: str
    table: str
    row: int | None
    child: str | None
    column: str | None
    value: str | None
    problem: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, as stored on the import run and shown on the admin page."""
        return asdict(self)


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d/%m/%Y")
    return str(value)


def fmt_date(value: object) -> str:
    """A date as the 903 files write it."""
    return pd.Timestamp(value).strftime("%d/%m/%Y") if not pd.isna(value) else ""


class TableCheck:
    """Collects issues for one table's frame and marks failing rows invalid."""

    def __init__(self, frame: pd.DataFrame, table: str, issues: list[Issue]) -> None:
        self.frame = frame
        self.table = table
        self.issues = issues
        if INVALID not in frame.columns:
            frame[INVALID] = False

    def flag(
        self,
        mask: pd.Series,
        column: str | None,
        problem: str | Callable[[pd.Series], str],
        value_column: str | None = None,
    ) -> None:
        """Record an issue for every row where ``mask`` holds.

        ``problem`` is a sentence, or a function of the failing row for sentences that quote
        another cell (for example the date the previous episode ended).
        """
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        rows = self.frame.loc[mask]
        self.frame.loc[mask, INVALID] = True
        shown = value_column or column
        values = rows[shown] if shown in rows.columns else pd.Series([None] * len(rows), index=rows.index)
        children = rows["CHILD"] if "CHILD" in rows.columns else pd.Series([None] * len(rows), index=rows.index)
        for (index, row_file), line, child, value in zip(
            rows[FILE].items(), rows[LINE], children, values, strict=True
        ):
            text = problem(self.frame.loc[index]) if callable(problem) else problem
            self.issues.append(
                Issue(str(row_file), self.table, int(line), _text(child), column, _text(value), text)
            )

    def required(self, columns: Iterable[str]) -> None:
        """Each of ``columns`` must have a value."""
        for column in columns:
            self.flag(self.frame[column].isna(), column, f"{column} is missing")

    def code(self, column: str, allowed: frozenset[str], required: bool = True) -> None:
        """``column`` must be one of the codes in the 903 code list (blank allowed unless required)."""
        series = self.frame[column]
        if required:
            self.flag(series.isna(), column, f"{column} is missing")
        unknown = series.notna() & ~series.isin(allowed)
        self.flag(unknown, column, f"unknown {column} code (not in the 903 code list)")

    def date(self, column: str, required: bool = True) -> pd.Series:
        """Parse ``column`` as dd/mm/YYYY, flag bad or missing dates, return the dates."""
        dates, bad = parse_dates(self.frame[column])
        if required:
            self.flag(self.frame[column].isna(), column, f"{column} is missing")
        self.flag(bad, column, f"{column} is not a date in dd/mm/YYYY form")
        return dates


def check_header(frame: pd.DataFrame, issues: list[Issue]) -> None:
    """CHILD, SEX, DOB and ETHNIC, each from its code list; adds ``dob``."""
    check = TableCheck(frame, "Header", issues)
    check.required(["CHILD"])
    check.code("SEX", codes.SEX)
    frame["dob"] = check.date("DOB")
    check.code("ETHNIC", codes.ETHNIC)


def check_episodes(frame: pd.DataFrame, issues: list[Issue]) -> None:
    """Per-row rules of the Episodes table; adds ``decom`` and ``dec`` dates.

    Rules: CHILD and DECOM present; DECOM and DEC real dates; RNE, LS, CIN, PLACE present and
    known; PLACE_PROVIDER, REC, REASON_PLACE_CHANGE known when given; DEC not before DECOM;
    an ended episode (DEC given) has REC; PLACE_PROVIDER blank for temporary placements (T0-T4)
    and Z1, and given for every other placement.
    """
    check = TableCheck(frame, "Episodes", issues)
    check.required(["CHILD"])
    frame["decom"] = check.date("DECOM")
    frame["dec"] = check.date("DEC", required=False)
    check.code("RNE", codes.RNE)
    check.code("LS", codes.LS)
    check.code("CIN", codes.CIN)
    check.code("PLACE", codes.PLACE)
    check.code("PLACE_PROVIDER", codes.PLACE_PROVIDER, required=False)
    check.code("REC", codes.REC, required=False)
    check.code("REASON_PLACE_CHANGE", codes.REASON_PLACE_CHANGE, required=False)
    bad_dec = frame["DEC"].notna() & frame["dec"].isna()
    # Rows whose dates are usable take part in the sequence checks even if another cell is wrong.
    frame[DATES_OK] = frame["CHILD"].notna() & frame["decom"].notna() & ~bad_dec & ~(frame["dec"] < frame["decom"])
    check.flag(
        frame["dec"] < frame["decom"],
        "DEC",
        lambda row: f"episode ends before it starts (DECOM {fmt_date(row['decom'])})",
    )
    check.flag(frame["dec"].notna() & frame["REC"].isna(), "REC", "REC is missing for an episode that has ended (DEC given)")
    no_provider = frame["PLACE"].isin(codes.NO_PROVIDER)
    check.flag(
        no_provider & frame["PLACE_PROVIDER"].notna(),
        "PLACE_PROVIDER",
        lambda row: f"provider given for a temporary placement or Z1 (PLACE {row['PLACE']}): leave it blank",
    )
    check.flag(
        ~no_provider & frame["PLACE"].isin(codes.PLACE) & frame["PLACE_PROVIDER"].isna(),
        "PLACE_PROVIDER",
        lambda row: f"PLACE_PROVIDER is missing for PLACE {row['PLACE']}",
    )


def check_oc3(frame: pd.DataFrame, issues: list[Issue]) -> None:
    """OC3: CHILD, DOB, IN_TOUCH present; ACTIV and ACCOM from the current lists when given."""
    check = TableCheck(frame, "OC3", issues)
    check.required(["CHILD"])
    frame["dob"] = check.date("DOB")
    check.code("IN_TOUCH", codes.IN_TOUCH)
    check.code("ACTIV", codes.ACTIV, required=False)
    check.code("ACCOM", codes.ACCOM, required=False)


def check_uasc(frame: pd.DataFrame, issues: list[Issue]) -> None:
    """UASC: CHILD and DOB present, DUC a date when given."""
    check = TableCheck(frame, "UASC", issues)
    check.required(["CHILD"])
    frame["dob"] = check.date("DOB")
    frame["duc"] = check.date("DUC", required=False)


def check_sequences(episodes: pd.DataFrame, stored: pd.DataFrame, issues: list[Issue]) -> None:
    """Overlapping episodes and more than one open episode, across this run and stored rows.

    ``episodes`` holds this run's rows (those with usable CHILD, DECOM and DEC take part), one per child and DECOM
    (later rows already replaced earlier ones); ``stored`` holds stored episodes
    (child_key, decom, dec) that this run does not replace. Issues are reported on this run's
    rows only: an open stored episode followed by a new one is reported on the new row.
    """
    incoming = episodes.loc[episodes[DATES_OK], ["child_key", "decom", "dec", "_order"]].copy()
    incoming["_index"] = incoming.index
    if len(stored):
        old = stored[["child_key", "decom", "dec"]].copy()
        old["_order"] = -1
        old["_index"] = -1
        combined = pd.concat([incoming.astype({"child_key": object}), old.astype({"child_key": object})], ignore_index=True)
    else:
        combined = incoming.reset_index(drop=True)
    combined = combined.sort_values(["child_key", "decom", "_order"], kind="stable").reset_index(drop=True)
    same_child = combined["child_key"].eq(combined["child_key"].shift())
    previous_dec = combined["dec"].shift().where(same_child)
    overlap = same_child & previous_dec.notna() & (combined["decom"] < previous_dec)
    next_same = combined["child_key"].eq(combined["child_key"].shift(-1))
    next_decom = combined["decom"].shift(-1).where(next_same)
    open_not_last = combined["dec"].isna() & next_same

    check = TableCheck(episodes, "Episodes", issues)
    overlap_rows = combined.loc[overlap & (combined["_index"] >= 0)]
    ended = dict(zip(overlap_rows["_index"], previous_dec[overlap_rows.index], strict=True))
    mask = pd.Series(episodes.index.isin(list(ended)), index=episodes.index)
    check.flag(
        mask,
        "DECOM",
        lambda row: f"overlapping episodes: starts before the previous episode ended ({fmt_date(ended[row.name])})",
    )
    # "More than one open episode" when the child's last episode is open too; otherwise the
    # episode is simply missing its DEC.
    last_open = (combined["dec"].isna() & ~next_same).groupby(combined["child_key"], sort=False, observed=True).transform("max")
    own = combined.loc[open_not_last & (combined["_index"] >= 0)]
    later = dict(zip(own["_index"], next_decom[own.index], strict=True))
    several = set(own.loc[last_open[own.index].astype(bool), "_index"])

    def open_problem(row: pd.Series) -> str:
        starts = fmt_date(later[row.name])
        if row.name in several:
            return f"more than one open episode: no DEC, but a later episode starts {starts}"
        return f"DEC is missing: a later episode starts {starts}"

    check.flag(pd.Series(episodes.index.isin(list(later)), index=episodes.index), "DEC", open_problem)
    # A stored open episode followed by a row of this run: report on that row.
    stored_open = open_not_last & (combined["_index"] < 0)
    following = combined["_index"].shift(-1).where(stored_open)
    blamed = {int(i): combined.loc[pos, "decom"] for pos, i in following.dropna().items() if i >= 0}
    check.flag(
        pd.Series(episodes.index.isin(list(blamed)), index=episodes.index),
        "DECOM",
        lambda row: f"more than one open episode: a stored episode from {fmt_date(blamed[row.name])} has no DEC",
    )


def check_children_known(frame: pd.DataFrame, table: str, known: pd.Index, issues: list[Issue]) -> None:
    """Every CHILD of ``frame`` must have a Header row (in this run or stored)."""
    check = TableCheck(frame, table, issues)
    check.flag(
        frame["CHILD"].notna() & ~frame["child_key"].isin(known),
        "CHILD",
        "no Header row for this CHILD (in this import or stored)",
    )


def check_birth_before_care(episodes: pd.DataFrame, dob_by_key: pd.Series, issues: list[Issue]) -> None:
    """Care cannot start before birth: DECOM earlier than the Header's DOB."""
    dob = episodes["child_key"].map(dob_by_key).astype("datetime64[ns]")
    check = TableCheck(episodes, "Episodes", issues)
    check.flag(
        dob.notna() & episodes["decom"].notna() & (episodes["decom"] < dob),
        "DECOM",
        lambda row: f"date of birth {fmt_date(dob[row.name])} (Header) is after care started",
    )


def check_header_used(header: pd.DataFrame, used_keys: pd.Index, issues: list[Issue]) -> None:
    """A Header child needs episodes or an OC3 row (in this run or stored), as the return requires."""
    check = TableCheck(header, "Header", issues)
    check.flag(
        header["CHILD"].notna() & ~header["child_key"].isin(used_keys),
        "CHILD",
        "child in the Header has no episodes and no OC3 row (in this import or stored)",
    )
