"""Per-child features for the scorecard, on the hand-made histories (as of 31/03/2024)."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from flask import Flask

from feedback_app.placements.features import child_features
from feedback_app.placements.linking import child_key
from feedback_app.placements.postcodes import import_postcodes
from tests.placements.conftest import import_csv
from tests.placements.histories import FILES, POSTCODES

AS_OF = date(2024, 3, 31)


def _row(frame: pd.DataFrame, child: str) -> dict:
    return frame.loc[child_key(child)].to_dict()


def test_features_per_child(ctx: Flask) -> None:
    assert import_csv(FILES, year_ending=AS_OF).status == "loaded"
    import_postcodes(io.BytesIO(POSTCODES.encode()))
    frame = child_features(AS_OF)
    assert list(frame.columns) == [
        "placement_type_group", "moves_last_12_months", "carer_spell_days", "distance_band", "uasc", "age_band"]
    assert len(frame) == 14  # every child in the Header
    # B moved on 01/05/2023 and 01/10/2023 (the return from a temporary break is no move);
    # spell since 01/10/2023: 182 days to 31/03/2024.
    assert _row(frame, "B") == {
        "placement_type_group": "other foster: agency", "moves_last_12_months": 2, "carer_spell_days": 182,
        "distance_band": "over 20 miles", "uasc": False, "age_band": "10-15",
    }
    # J: one move (01/09/2023), 212 days with the new carer.
    assert _row(frame, "J")["moves_last_12_months"] == 1
    assert _row(frame, "J")["carer_spell_days"] == 212
    # C entered care on 01/09/2023: entering care is not a move; an unaccompanied child aged 9.
    assert _row(frame, "C") == {
        "placement_type_group": "foster with relative or friend", "moves_last_12_months": 0,
        "carer_spell_days": 212, "distance_band": "not known", "uasc": True, "age_band": "under 10",
    }
    # G is in a temporary placement: features come from the U4 placement since 01/06/2020.
    assert _row(frame, "G")["placement_type_group"] == "other foster: agency"
    assert _row(frame, "G")["carer_spell_days"] == 1399
    assert _row(frame, "A")["distance_band"] == "20 miles or less"
    # F left care: no current placement.
    f = _row(frame, "F")
    assert f["placement_type_group"] is None and pd.isna(f["carer_spell_days"]) and f["moves_last_12_months"] == 0
    assert _row(frame, "D")["age_band"] == "16-17"
    assert _row(frame, "L2")["age_band"] == "18+"
    # Indexed by the keyed hash only: no raw CHILD id anywhere in the frame.
    assert "B" not in frame.index and (frame.index.str.len() == 64).all()
