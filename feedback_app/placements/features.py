"""Per-child features for the scorecard, read beside what each child said.

``child_features(as_of)`` returns one row per child in the placement history, indexed by
child_key. Rules (the design's placement rules, see feedback_app.placements.history):
- placement_type_group: the group of the current placement if looked after on ``as_of`` (a child
  in a temporary placement counts in the placement before it), else None.
- moves_last_12_months: placements that started in the 12 months up to and including
  ``as_of`` (after the same day a year earlier), leaving out the child's first placement and
  placements that began a period of care (RNE S): entering care is not a move.
- carer_spell_days: days from the start of the current carer spell to ``as_of`` (None when not
  looked after).
- distance_band: "20 miles or less", "over 20 miles" or "not known" for the current placement;
  "not known" when not looked after or without the council's postcode lookup.
- uasc: the child has a row in the UASC table.
- age_band on ``as_of`` from the Header DOB: "under 10", "10-15", "16-17", "18+", None if unknown.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from feedback_app.placements import store
from feedback_app.placements.history import (
    DISTANCE_NOT_KNOWN,
    age_on,
    at_date,
    build_history,
    distance_bands,
    load_episodes,
    load_postcodes,
    ts,
)

COLUMNS = ["placement_type_group", "moves_last_12_months", "carer_spell_days", "distance_band", "uasc", "age_band"]


def age_band(age: float) -> str | None:
    """The scorecard's age bands."""
    if pd.isna(age):
        return None
    if age < 10:
        return "under 10"
    if age < 16:
        return "10-15"
    if age < 18:
        return "16-17"
    return "18+"


def child_features(as_of: date) -> pd.DataFrame:
    """One row per child known to the placement history, indexed by child_key (see module doc)."""
    from feedback_app.extensions import db

    with db.engine.connect() as conn:
        postcodes = load_postcodes(conn)
        history = build_history(load_episodes(conn, as_of, posts_on=as_of if not postcodes.empty else None))
        children = store.read_frame(
            conn, f"SELECT child_key, {store.days_sql(conn, 'dob')} FROM placement_children",  # noqa: S608
            ["child_key", "dob"],
        )
        uasc = store.read_frame(conn, "SELECT child_key FROM placement_uasc", ["child_key"])
        state = at_date(history, as_of)
    dob = pd.Series(store.days_to_dates(children["dob"]).to_numpy(), index=children["child_key"].astype(object).to_numpy())
    keys = pd.Index(dob.index).union(pd.Index(history.episodes["child_key"].astype(object).unique()))
    frame = pd.DataFrame(index=keys)
    frame.index.name = "child_key"

    state = state.set_index("child_key")
    frame["placement_type_group"] = state["group"].reindex(keys).astype(object).where(lambda s: s.notna(), None)

    placements = history.placements
    window = (placements["start"] > ts(as_of) - pd.DateOffset(years=1)) & (placements["start"] <= ts(as_of))
    moves = placements.loc[window & ~placements["first_of_child"] & ~placements["first_rne"].astype(object).eq("S")]
    frame["moves_last_12_months"] = moves["child_key"].astype(object).value_counts().reindex(keys, fill_value=0).astype("int64")

    spell_days = (ts(as_of) - state["spell_start"].astype("datetime64[ns]")).dt.days
    frame["carer_spell_days"] = spell_days.reindex(keys).astype("Int64")

    bands = distance_bands(state["home_post"], state["pl_post"], postcodes)
    frame["distance_band"] = bands.reindex(keys).fillna(DISTANCE_NOT_KNOWN)
    # A hash lookup: numpy's isin sorts object arrays, which takes seconds for 85,000 keys.
    frame["uasc"] = keys.isin(set(uasc["child_key"].astype(object)))
    ages = age_on(dob.reindex(keys).astype("datetime64[ns]"), as_of)
    frame["age_band"] = [age_band(a) for a in ages]
    return frame[COLUMNS]
