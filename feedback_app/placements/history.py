"""Placements and carer spells built from episodes, shared by the measures and the features.

Rules (design: Placements), applied to each child's episodes sorted by DECOM (ties: stored
order, which is file order):
- Temporary episodes (PLACE T0-T4) are skipped: neither placements nor carer changes.
- Among the others, a placement starts at the child's first episode, at RNE S, P or B, and at
  RNE T or U unless the episode comes straight after a temporary one (the immediately preceding
  episode, temporary ones included, is temporary). RNE L continues the placement.
- A carer spell starts at the child's first (non-temporary) episode and at RNE S, P or B.
- A placement runs from its first episode's DECOM to its last episode's DEC (open when blank).

Choices where the design is silent:
- "Current placement" on a date is the child's last non-temporary episode that started on or
  before it: a child in a temporary placement on 31 March is counted in the placement they
  will return to (temporary episodes are "never counted").
- The current period of care starts at the latest episode (on or before the date) that is the
  child's first, has RNE S, or starts after a gap (DECOM later than the previous DEC); it counts
  for long-term stability only when that episode has RNE S, as the design requires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import sqlalchemy as sa

from feedback_app.placements import codes, store

CODE_COLUMNS = ["rne", "ls", "place", "place_provider", "reason_place_change"]
POST_COLUMNS = ["home_post", "pl_post"]


def ts(value: date) -> pd.Timestamp:
    """A date as a pandas timestamp, for comparisons with datetime64 columns."""
    return pd.Timestamp(value)


def _packed(columns: list[str], nullable: set[str]) -> str:
    """SQL joining text columns with "|": one value per row instead of several.

    Fetching is what costs on SQLite (each value becomes a Python object); the codes repeat, so
    the joined values have few distinct values and split back per distinct value.
    """
    parts = [f"COALESCE({c}, '')" if c in nullable else c for c in columns]
    return " || '|' || ".join(parts)


def _unpack(packed: pd.Series, names: list[str]) -> dict[str, pd.Series]:
    """Split a packed categorical column back into categorical columns (blank = missing)."""
    categories = pd.Index(packed.cat.categories.astype(str))
    codes = packed.cat.codes.to_numpy()
    pieces = categories.str.split("|", expand=True) if len(categories) else None
    result = {}
    for position, name in enumerate(names):
        if pieces is None:
            result[name] = pd.Series(pd.Categorical([None] * len(packed)), index=packed.index)
            continue
        values = pd.Index(pieces.get_level_values(position).astype(object))
        part_codes, uniques = pd.factorize(values)
        blank = np.asarray(uniques == "", dtype=bool)
        row_codes = np.where(codes >= 0, part_codes[np.clip(codes, 0, None)], -1)
        if blank.any():
            row_codes = np.where(np.isin(row_codes, np.flatnonzero(blank)), -1, row_codes)
        result[name] = pd.Series(
            pd.Categorical.from_codes(row_codes, categories=pd.Index(uniques, dtype=object), validate=False),
            index=packed.index,
        )
    return result


def load_episodes(
    conn: sa.Connection, up_to: date, active_from: date | None = None, posts_on: date | None = None
) -> pd.DataFrame:
    """Episodes that started on or before ``up_to`` (one query), sorted for the rules above.

    With ``active_from``, only children with an episode open at some point in
    [active_from, up_to] are kept: the others cannot count in that year's measures.
    With ``posts_on``, HOME_POST and PL_POST come too, for the episodes that can be a current
    placement on that date (see ``posts_sql``); otherwise those columns are absent.
    """
    days = store.days_sql
    nullable = {"place_provider", "reason_place_change", "home_post", "pl_post"}
    names = ["child_key", "decom", "dec", "codes"]
    posts = ""
    if posts_on is not None:
        posts = ", " + posts_sql(posts_on)
        names += POST_COLUMNS
    sql = (
        f"SELECT child_key, {days(conn, 'decom')}, {days(conn, 'dec')}, {_packed(CODE_COLUMNS, nullable)}{posts}"  # noqa: S608
        f" FROM placement_episodes WHERE decom <= {store.date_literal(up_to)}"
    )
    categorical = ["child_key", "codes", *(POST_COLUMNS if posts_on is not None else [])]
    frame = store.read_frame(conn, sql, names, categorical)
    frame["decom"] = store.days_to_dates(frame["decom"])
    frame["dec"] = store.days_to_dates(frame["dec"])
    frame = frame.assign(**_unpack(frame.pop("codes"), CODE_COLUMNS))
    # One row per child and DECOM (a unique key), so DECOM alone orders a child's episodes.
    frame["seq"] = np.arange(len(frame), dtype=np.int64)
    if active_from is not None and len(frame):
        child_codes = frame["child_key"].cat.codes.to_numpy()
        active = (frame["dec"].isna() | (frame["dec"] >= ts(active_from))).to_numpy()
        frame = frame.loc[np.isin(child_codes, np.unique(child_codes[active]))]
    return sort_episodes(frame)


def _year_before(when: date) -> date:
    return date(when.year - 1, when.month, 28 if (when.month, when.day) == (2, 29) else when.day)


def posts_sql(when: date) -> str:
    """SQL for HOME_POST and PL_POST of episodes that can be the current placement on ``when``.

    Only episodes open within the year before ``when`` keep their postcodes (a child more than a
    year in a temporary placement has distance "not known"); the others read as blank. Postcodes
    are many and distinct, so leaving the old ones out keeps the read small.
    """
    recent = f"dec IS NULL OR dec >= {store.date_literal(_year_before(when))}"
    return ", ".join(f"CASE WHEN {recent} THEN {column} END" for column in POST_COLUMNS)


def sort_episodes(frame: pd.DataFrame) -> pd.DataFrame:
    """Sort by child, DECOM, then stored order."""
    child_codes = frame["child_key"].cat.codes.to_numpy() if isinstance(
        frame["child_key"].dtype, pd.CategoricalDtype) else pd.factorize(frame["child_key"], sort=True)[0]
    order = np.lexsort((frame["seq"].to_numpy(), frame["decom"].to_numpy(), child_codes))
    return frame.iloc[order].reset_index(drop=True)


@dataclass
class History:
    """Episodes annotated with placements and carer spells, and the placements themselves."""

    episodes: pd.DataFrame  # every episode, with "temporary"
    settled: pd.DataFrame  # non-temporary episodes with placement, spell, spell_start
    placements: pd.DataFrame  # child_key, start, end, last_reason, last_ls, first_rne, first_of_child


def build_history(episodes: pd.DataFrame) -> History:
    """Apply the placement and carer-spell rules to sorted episodes."""
    child = episodes["child_key"]
    temporary = episodes["place"].isin(codes.TEMPORARY).to_numpy()
    episodes = episodes.assign(temporary=temporary)
    same_as_previous = child.eq(child.shift()).to_numpy()
    previous_temporary = np.concatenate([[False], temporary[:-1]]) & same_as_previous

    settled = episodes.loc[~temporary].copy()
    after_temporary = previous_temporary[~temporary]
    first = ~settled["child_key"].eq(settled["child_key"].shift()).to_numpy()
    rne = settled["rne"]
    new_placement = (
        first
        | rne.isin(codes.NEW_PLACEMENT_RNE).to_numpy()
        | (rne.isin(codes.RETURN_RNE).to_numpy() & ~after_temporary)
    )
    new_spell = first | rne.isin(codes.NEW_CARER_RNE).to_numpy()
    settled["placement"] = np.cumsum(new_placement)
    settled["new_placement"] = new_placement
    settled["spell_start"] = settled["decom"].where(new_spell).ffill()

    last_of_placement = np.concatenate([new_placement[1:], [True]]) if len(settled) else np.array([], dtype=bool)
    starts = settled.loc[new_placement]
    ends = settled.loc[last_of_placement]
    placements = pd.DataFrame(
        {
            "child_key": starts["child_key"].to_numpy(),
            "start": starts["decom"].to_numpy(),
            "end": ends["dec"].to_numpy(),
            "last_reason": ends["reason_place_change"].to_numpy(),
            "last_ls": ends["ls"].to_numpy(),
            "first_rne": starts["rne"].to_numpy(),
            "first_of_child": first[new_placement],
        }
    )
    return History(episodes, settled, placements)


def at_date(history: History, when: date) -> pd.DataFrame:
    """Children looked after on ``when``, one row each, with their current placement.

    Looked after: an episode with DECOM <= date and DEC blank or after it. Columns: child_key,
    ls (of the episode on the date), short_break, placement_decom (DECOM of the current
    placement's episode), place, place_provider, spell_start, group.
    """
    moment = ts(when)
    episodes = history.episodes
    open_then = episodes.loc[(episodes["decom"] <= moment) & (episodes["dec"].isna() | (episodes["dec"] > moment))]
    current = open_then.drop_duplicates("child_key", keep="last")[["child_key", "ls"]]
    current["short_break"] = current["ls"].isin(codes.SHORT_BREAKS)
    settled = history.settled
    posts = [c for c in POST_COLUMNS if c in settled.columns]
    placement = settled.loc[settled["decom"] <= moment].drop_duplicates("child_key", keep="last")[
        ["child_key", "decom", "place", "place_provider", "spell_start", *posts]
    ].rename(columns={"decom": "placement_decom"})
    state = current.astype({"child_key": object}).merge(
        placement.astype({"child_key": object}), on="child_key", how="left"
    )
    state["group"] = _groups(state["place"], state["place_provider"])
    if not posts:
        state = state.assign(home_post=None, pl_post=None)
    return state


def _groups(place: pd.Series, provider: pd.Series) -> pd.Series:
    """codes.placement_group of each row, worked out once per distinct (PLACE, provider) pair."""
    # None (a singleton) for missing values, so that missing pairs are equal dictionary keys.
    pairs = pd.DataFrame({"place": place.astype(object).where(place.notna(), None),
                          "provider": provider.astype(object).where(provider.notna(), None)})
    distinct = pairs.drop_duplicates()
    named = {
        (p, q): codes.placement_group(p if isinstance(p, str) else None, q if isinstance(q, str) else None)
        for p, q in zip(distinct["place"], distinct["provider"], strict=True)
    }
    return pd.Series([named[pair] for pair in zip(pairs["place"], pairs["provider"], strict=True)],
                     index=place.index, dtype=object)


def age_on(dob: pd.Series, when: date) -> pd.Series:
    """Completed years of age on ``when`` (NaN when the date of birth is unknown)."""
    as_number = dob.dt.year * 10000 + dob.dt.month * 100 + dob.dt.day
    return (when.year * 10000 + when.month * 100 + when.day - as_number) // 10000


def period_starts(history: History, when: date) -> pd.Series:
    """Start of each child's current period of care on ``when``; NaT unless it began at RNE S."""
    episodes = history.episodes.loc[history.episodes["decom"] <= ts(when)]
    child = episodes["child_key"]
    first = ~child.eq(child.shift())
    previous_dec = episodes["dec"].shift().where(~first)
    starts = first | episodes["rne"].eq("S") | (previous_dec.notna() & (episodes["decom"] > previous_dec))
    latest = episodes.loc[starts].drop_duplicates("child_key", keep="last")
    start = latest["decom"].where(latest["rne"].eq("S"))
    return pd.Series(start.to_numpy(), index=latest["child_key"].astype(object).to_numpy())


def normalise_postcode(value: object) -> str | None:
    """Upper case without spaces, as the lookup table keys postcodes."""
    if not isinstance(value, str):
        return None
    text = value.replace(" ", "").upper()
    return text or None


def load_postcodes(conn: sa.Connection) -> pd.DataFrame:
    """The council's lookup, indexed by normalised postcode (empty when none was supplied)."""
    frame = store.read_frame(conn, "SELECT postcode, easting, northing FROM placement_postcodes",
                             ["postcode", "easting", "northing"])
    return frame.set_index("postcode").astype("float64")


DISTANCE_20_OR_LESS = "20 miles or less"
DISTANCE_OVER_20 = "over 20 miles"
DISTANCE_NOT_KNOWN = "not known"


def distance_bands(home: pd.Series, placed: pd.Series, postcodes: pd.DataFrame) -> pd.Series:
    """Band of the straight-line distance between two postcode centroids (design: Distance).

    miles = sqrt(dE^2 + dN^2) / 1000 / 1.6093; exactly 20 miles is "20 miles or less". Either
    postcode missing or absent from the lookup gives "not known".
    """
    result = pd.Series(DISTANCE_NOT_KNOWN, index=home.index, dtype=object)
    if postcodes.empty:
        return result
    e1, n1 = _centroids(home, postcodes)
    e2, n2 = _centroids(placed, postcodes)
    miles = np.sqrt((e1 - e2) ** 2 + (n1 - n2) ** 2) / 1000 / 1.6093
    result[miles <= 20] = DISTANCE_20_OR_LESS
    result[miles > 20] = DISTANCE_OVER_20
    return result


def _centroids(posts: pd.Series, postcodes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Easting and northing of each postcode (NaN when missing or not in the lookup).

    Normalised and looked up once per distinct postcode: children share few postcodes.
    """
    codes, uniques = pd.factorize(posts.astype(object).to_numpy())
    keys = pd.Series([normalise_postcode(u) for u in uniques], dtype=object)
    found = ~np.asarray(codes < 0)
    where = np.clip(codes, 0, None)
    coordinates = []
    for column in ("easting", "northing"):
        by_unique = keys.map(postcodes[column]).to_numpy(dtype="float64")
        values = np.full(len(codes), np.nan)
        if len(by_unique):
            values[found] = by_unique[where[found]]
        coordinates.append(values)
    return coordinates[0], coordinates[1]


def dates_for(keys: pd.Series, by_key: pd.Series) -> pd.Series:
    """Look up a date per child_key in ``keys`` (NaT when absent), keeping ``keys``' index."""
    values = by_key.reindex(keys.astype(object).to_numpy()).to_numpy(dtype="datetime64[ns]")
    return pd.Series(values, index=keys.index)
