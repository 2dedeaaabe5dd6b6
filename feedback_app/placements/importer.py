"""The import run: recognise files, validate every row, then write all, the valid rest, or nothing.

Rules the design leaves to us:
- Within a run, files are read in the order given; a later row for the same CHILD and DECOM
  (Episodes), CHILD (Header, UASC) or CHILD and collection year (OC3) replaces the earlier one,
  and a run replaces stored rows with the same keys. Replacing is not an error.
- OC3 rows carry no date, so each OC3 file belongs to a collection year ending 31 March Y:
  ``year_ending`` when given; else a year in the file name ("oc3_2017.csv" or "2016-17" means
  31/03/2017); else the 31 March on or after the latest DECOM or DEC among this run's episodes.
- All-or-nothing by default: with any issue nothing from the files is written (the run and its
  report are still recorded, so the admin page can show them). With ``skip_invalid`` every row
  without an issue is written and the report is kept.
- Tables we do not load (Reviews, Missing, OC2, ...) and files we do not recognise are listed
  in the run's files and never make it fail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

import numpy as np
import pandas as pd
import sqlalchemy as sa

from feedback_app.extensions import db
from feedback_app.models.placements import (
    PlacementCareLeaver,
    PlacementChild,
    PlacementEpisode,
    PlacementImport,
    PlacementUasc,
)
from feedback_app.placements import store, validate
from feedback_app.placements.linking import child_key_map, child_keys
from feedback_app.placements.parse import (
    ParsedFile,
    SourceFile,
    concat_frames,
    parse_dates,
    parse_file,
)
from feedback_app.placements.tables import EPISODES, HEADER, OC3, UASC
from feedback_app.placements.validate import INVALID, Issue

LOADED = "loaded"
IMPORTS = cast(sa.Table, PlacementImport.__table__)
LEAVERS = cast(sa.Table, PlacementCareLeaver.__table__)
LOADED_WITH_SKIPS = "loaded_with_skips"
REJECTED = "rejected"


class PlacementImportError(ValueError):
    """The run cannot start (for example an OC3 file whose year cannot be told)."""


@dataclass
class ImportResult:
    """What a run did: its id, outcome, counts and issues."""

    import_id: int
    status: str
    files: list[dict[str, Any]]
    rows_read: int
    rows_loaded: int
    rows_invalid: int
    issues: list[Issue] = field(default_factory=list)

    @property
    def written(self) -> bool:
        """True when rows were written to the placement tables."""
        return self.status != REJECTED


def year_from_name(name: str) -> int | None:
    """The collection year a file name states: "2016-17"/"2016_17" gives 2017, "2017" gives 2017."""
    pair = re.findall(r"(20\d\d)[-_ ]?(\d\d)(?!\d)", name)
    for first, second in reversed(pair):
        if int(second) == (int(first) + 1) % 100:
            return int(first[:2] + second)
    single = re.findall(r"(?<!\d)(20\d\d)(?!\d)", name)
    return int(single[-1]) if single else None


def _year_ending_after(latest: pd.Timestamp) -> date:
    year = latest.year if (latest.month, latest.day) <= (3, 31) else latest.year + 1
    return date(year, 3, 31)


def _keep_last(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Drop rows that a later row with the same keys replaces (rows missing a key are kept)."""
    complete = frame[keys].notna().all(axis=1)
    replaced = complete & frame.duplicated(subset=keys, keep="last")
    return frame.loc[~replaced]


def _add_keys(frames: dict[str, pd.DataFrame]) -> None:
    """Add child_key to every table, hashing each distinct CHILD id once for the whole run.

    The same children appear in the Header, every year's Episodes, OC3 and UASC; HMAC per
    distinct id per table cost seconds on a national-size run.
    """
    ids = set()
    for frame in frames.values():
        ids.update(frame["CHILD"].astype("category").cat.categories)
    known = child_key_map(ids)
    for frame in frames.values():
        frame["child_key"] = child_keys(frame["CHILD"], known)


def _incoming_keys(
    tables: Sequence[pd.DataFrame | None], episodes: pd.DataFrame | None
) -> tuple[list[str], list[str | None]]:
    """Every child_key in this run's tables (the only children whose stored rows matter), with
    each child's earliest incoming DECOM (ISO text, None when the run has no episode for them)."""
    keys: set[str] = set()
    for frame in tables:
        if frame is not None:
            keys.update(frame["child_key"].dropna().astype(object).unique())
    earliest: dict[str, str] = {}
    if episodes is not None:
        dated = episodes.loc[episodes["child_key"].notna() & episodes["decom"].notna(), ["child_key", "decom"]]
        first = dated.groupby(dated["child_key"].astype(object), sort=False)["decom"].min()
        earliest = dict(zip(first.index, store.iso_dates(first), strict=True))
    ordered = sorted(keys)
    return ordered, [earliest.get(key) for key in ordered]


def _stored(conn: sa.Connection, keys: Sequence[str], since: Sequence[str | None]) -> dict[str, pd.DataFrame]:
    """What the tables hold for this run's children that validation and replacing need.

    Only children in the incoming files (``keys``) can be replaced, sequence-checked or
    looked up, so the stored rows are read through a join with a temporary table of those
    keys; of their episodes, only those that can touch this run's (``store.episodes_since``):
    re-importing one year reads that year's children around that year, not the whole history.
    """
    days = store.days_sql
    joined = store.load_keys(conn, keys, since)
    children = store.read_frame(
        conn,
        f"SELECT c.child_key, {days(conn, 'c.dob')} FROM placement_children c {joined('c')}",  # noqa: S608
        ["child_key", "dob"],
    )
    children["dob"] = store.days_to_dates(children["dob"])
    episodes = store.read_frame(
        conn,
        f"SELECT e.id, e.child_key, {days(conn, 'e.decom')}, {days(conn, 'e.dec')}"  # noqa: S608
        f" FROM placement_episodes e {joined('e')} AND {store.episodes_since('e')}",
        ["id", "child_key", "decom", "dec"],
    )
    episodes["decom"] = store.days_to_dates(episodes["decom"])
    episodes["dec"] = store.days_to_dates(episodes["dec"])
    leavers = store.read_frame(
        conn, f"SELECT DISTINCT l.child_key FROM placement_care_leavers l {joined('l')}", ["child_key"]  # noqa: S608
    )
    return {"children": children, "episodes": episodes, "leavers": leavers}


def run_import(
    sources: Sequence[SourceFile], skip_invalid: bool = False, year_ending: date | None = None
) -> ImportResult:
    """Import 903 CSV files in one run; see the module docstring for the rules."""
    parsed = [parse_file(source, index) for index, source in enumerate(sources)]
    files = [
        {"name": p.name, "table": p.table, "rows": p.rows,
         "action": "read" if p.frame is not None else ("ignored" if p.table else "not recognised: ignored")}
        for p in parsed
    ]
    frames: dict[str, pd.DataFrame] = {}
    for table in (HEADER, EPISODES, OC3, UASC):
        parts = [p.frame for p in parsed if p.table == table and p.frame is not None]
        if parts:
            frames[table] = concat_frames(parts)
    _add_keys(frames)
    rows_read = sum(len(f) for f in frames.values())
    issues: list[Issue] = []

    episodes = frames.get(EPISODES)
    if episodes is not None:
        episodes["decom"], _ = parse_dates(episodes["DECOM"])
        episodes = _keep_last(episodes, ["child_key", "decom"])
        validate.check_episodes(episodes, issues)
    if OC3 in frames:
        frames[OC3]["year_ending"] = _oc3_years(parsed, frames[OC3], episodes, year_ending)
    header = _keep_last(frames[HEADER], ["child_key"]) if HEADER in frames else None
    oc3 = _keep_last(frames[OC3], ["child_key", "year_ending"]) if OC3 in frames else None
    uasc = _keep_last(frames[UASC], ["child_key"]) if UASC in frames else None
    if header is not None:
        validate.check_header(header, issues)
    if oc3 is not None:
        validate.check_oc3(oc3, issues)
    if uasc is not None:
        validate.check_uasc(uasc, issues)

    with db.engine.connect() as conn:
        stored = _stored(conn, *_incoming_keys([header, episodes, oc3, uasc], episodes))
    _cross_checks(header, episodes, oc3, uasc, stored, issues)

    tables = {HEADER: header, EPISODES: episodes, OC3: oc3, UASC: uasc}
    rows_invalid = sum(int(f[INVALID].sum()) for f in tables.values() if f is not None)
    issues.sort(key=lambda i: ([f["name"] for f in files].index(i.file), i.row or 0, i.column or ""))
    status = LOADED if not issues else (LOADED_WITH_SKIPS if skip_invalid else REJECTED)
    for entry in files:
        if entry["action"] == "read":
            entry["action"] = "rejected" if status == REJECTED else "loaded"
    record = {
        "status": status, "skip_invalid": skip_invalid, "files": files, "rows_read": rows_read,
        "rows_invalid": rows_invalid, "report": [i.as_dict() for i in issues],
    }
    with db.engine.begin() as conn:
        import_id = conn.execute(
            sa.insert(IMPORTS).values(rows_loaded=0, created_at=_now(), **record)
        ).inserted_primary_key[0]  # type: ignore[index]
        loaded = 0
        if status != REJECTED:
            valid = {name: f.loc[~f[INVALID]] for name, f in tables.items() if f is not None}
            loaded = _write(conn, valid, stored, import_id)
            conn.execute(
                sa.update(IMPORTS).where(IMPORTS.c.id == import_id).values(rows_loaded=loaded)
            )
    return ImportResult(import_id, status, files, rows_read, loaded, rows_invalid, issues)


def _now() -> Any:
    from feedback_app.models.base import utcnow

    return utcnow()


def _oc3_years(
    parsed: list[ParsedFile], oc3: pd.DataFrame, episodes: pd.DataFrame | None, explicit: date | None
) -> pd.Series:
    """The collection year (31 March) of each OC3 row, from its file (see module docstring)."""
    if explicit is not None:
        return pd.Series(pd.Timestamp(explicit), index=oc3.index)
    latest: pd.Timestamp | None = None
    if episodes is not None and len(episodes):
        dec, _ = parse_dates(episodes["DEC"])
        values = pd.concat([episodes["decom"], dec]).dropna()
        latest = values.max() if len(values) else None
    by_file: dict[str, pd.Timestamp] = {}
    for p in parsed:
        if p.table != OC3:
            continue
        year = year_from_name(p.name)
        if year is not None:
            by_file[p.name] = pd.Timestamp(date(year, 3, 31))
        elif latest is not None:
            by_file[p.name] = pd.Timestamp(_year_ending_after(latest))
        else:
            raise PlacementImportError(
                f"{p.name}: OC3 rows carry no date; give --year-ending or import it with that year's episodes"
            )
    return oc3["_file"].astype(object).map(by_file).astype("datetime64[ns]")


def _cross_checks(
    header: pd.DataFrame | None,
    episodes: pd.DataFrame | None,
    oc3: pd.DataFrame | None,
    uasc: pd.DataFrame | None,
    stored: dict[str, pd.DataFrame],
    issues: list[Issue],
) -> None:
    """Rules across tables and across runs: Header present, birth before care, sequences."""
    known = pd.Index(stored["children"]["child_key"].astype(object))
    dob_by_key = pd.Series(stored["children"]["dob"].to_numpy(), index=known)
    if header is not None:
        present = header.loc[header["CHILD"].notna()]
        known = known.union(pd.Index(present["child_key"].astype(object)))
        dob_by_key = pd.concat([dob_by_key, pd.Series(present["dob"].to_numpy(), index=present["child_key"].astype(object))])
        dob_by_key = dob_by_key[~dob_by_key.index.duplicated(keep="last")]
    for frame, table in ((episodes, EPISODES), (oc3, OC3), (uasc, UASC)):
        if frame is not None:
            validate.check_children_known(frame, table, known, issues)
    if episodes is not None:
        validate.check_birth_before_care(episodes, dob_by_key.dropna(), issues)
        old = stored["episodes"]
        incoming_children = set(episodes["child_key"].dropna().astype(object))
        old = old.loc[old["child_key"].astype(object).isin(incoming_children)]
        replaced = old.merge(
            episodes.loc[episodes["decom"].notna(), ["child_key", "decom"]].astype({"child_key": object}),
            on=["child_key", "decom"], how="left", indicator=True,
        )["_merge"].eq("both").to_numpy()
        validate.check_sequences(episodes, old.loc[~replaced], issues)
    if header is not None:
        used = pd.Index(stored["episodes"]["child_key"].astype(object).unique()).union(
            pd.Index(stored["leavers"]["child_key"].astype(object))
        )
        for frame in (episodes, oc3):
            if frame is not None:
                used = used.union(pd.Index(frame["child_key"].dropna().astype(object).unique()))
        validate.check_header_used(header, used, issues)


def _write(conn: sa.Connection, valid: dict[str, pd.DataFrame], stored: dict[str, pd.DataFrame], import_id: int) -> int:
    """Replace stored rows with the same keys, then bulk-insert this run's valid rows."""
    loaded = 0
    values = store.column_values
    header = valid.get(HEADER)
    if header is not None and len(header):
        keys = values(header["child_key"])
        store.delete_where_in(conn, PlacementChild.__tablename__, "child_key", list(keys))
        loaded += store.insert_rows(
            conn, PlacementChild.__tablename__, ["child_key", "sex", "dob", "ethnic", "import_id"],
            [keys, values(header["SEX"]), store.iso_dates(header["dob"]), values(header["ETHNIC"]),
             np.full(len(header), import_id, dtype=object)],
        )
    episodes = valid.get(EPISODES)
    if episodes is not None and len(episodes):
        old = stored["episodes"]
        replaced = old.merge(episodes[["child_key", "decom"]].astype({"child_key": object}),
                             on=["child_key", "decom"], how="inner")
        store.delete_where_in(conn, PlacementEpisode.__tablename__, "id", [int(i) for i in replaced["id"]])
        # seq keeps the order within the files; rows are then written in key order, which
        # keeps the unique index's inserts sequential (several times faster on SQLite).
        seq = np.arange(len(episodes))
        order = _key_order(episodes)
        episodes, seq = episodes.iloc[order], seq[order]
        columns = ["child_key", "decom", "rne", "ls", "cin", "place", "place_provider", "dec", "rec",
                   "reason_place_change", "home_post", "pl_post", "urn", "seq", "import_id"]
        arrays = [
            values(episodes["child_key"]), store.iso_dates(episodes["decom"]), values(episodes["RNE"]),
            values(episodes["LS"]), values(episodes["CIN"]), values(episodes["PLACE"]),
            values(episodes["PLACE_PROVIDER"]), store.iso_dates(episodes["dec"]), values(episodes["REC"]),
            values(episodes["REASON_PLACE_CHANGE"]), values(episodes["HOME_POST"]), values(episodes["PL_POST"]),
            values(episodes["URN"]), seq.astype(object), np.full(len(episodes), import_id, dtype=object),
        ]
        loaded += store.insert_rows(conn, PlacementEpisode.__tablename__, columns, arrays)
    oc3 = valid.get(OC3)
    if oc3 is not None and len(oc3):
        table = LEAVERS
        for year, part in oc3.groupby("year_ending"):
            year_keys = list(values(part["child_key"]))
            for start in range(0, len(year_keys), 5_000):
                conn.execute(sa.delete(table).where(
                    table.c.year_ending == pd.Timestamp(year).date(),
                    table.c.child_key.in_(year_keys[start:start + 5_000])
                ))
        loaded += store.insert_rows(
            conn, table.name, ["child_key", "year_ending", "dob", "in_touch", "activ", "accom", "import_id"],
            [values(oc3["child_key"]), store.iso_dates(oc3["year_ending"]), store.iso_dates(oc3["dob"]),
             values(oc3["IN_TOUCH"]), values(oc3["ACTIV"]), values(oc3["ACCOM"]), np.full(len(oc3), import_id, dtype=object)],
        )
    uasc = valid.get(UASC)
    if uasc is not None and len(uasc):
        keys = values(uasc["child_key"])
        store.delete_where_in(conn, PlacementUasc.__tablename__, "child_key", list(keys))
        loaded += store.insert_rows(
            conn, PlacementUasc.__tablename__, ["child_key", "dob", "duc", "import_id"],
            [keys, store.iso_dates(uasc["dob"]), store.iso_dates(uasc["duc"]), np.full(len(uasc), import_id, dtype=object)],
        )
    return loaded


def _key_order(episodes: pd.DataFrame) -> np.ndarray:
    """Positions of ``episodes`` sorted by child_key text, then DECOM (the unique index's order)."""
    keys = episodes["child_key"].astype("category")
    rank = np.empty(len(keys.cat.categories), dtype=np.int64)
    rank[pd.Index(keys.cat.categories.astype(str)).argsort()] = np.arange(len(rank))
    codes = keys.cat.codes.to_numpy()
    key_rank = np.where(codes >= 0, rank[np.clip(codes, 0, None)] if len(rank) else -1, -1)
    return np.lexsort((episodes["decom"].to_numpy(), key_rank))
