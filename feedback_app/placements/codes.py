"""SSDA903 code lists (DfE guidance, 2023-24 onwards) and the groups the measures report.

Old codes that the current lists reject (OC3 ACTIV F3/P3, ACCOM "01"/"02") are reported as
unknown codes: the data officer corrects them before the return is accepted, so do we.
"""

from __future__ import annotations

SEX = frozenset({"1", "2"})
ETHNIC = frozenset(
    {
        "WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
        "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
    }
)
RNE = frozenset({"S", "P", "L", "T", "U", "B"})
LS = frozenset({"C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"})
CIN = frozenset({f"N{i}" for i in range(1, 9)})
PLACE = frozenset(
    {
        "A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5",
        "S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1",
    }
)
PLACE_PROVIDER = frozenset({f"PR{i}" for i in range(6)})
REC = frozenset(
    {
        "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E45", "E46",
        "E47", "E48", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "X1",
    }
)
REASON_PLACE_CHANGE = frozenset(
    {"CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ", "PLACE", "CUSTOD", "OTHER"}
)
IN_TOUCH = frozenset({"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"})
ACTIV = frozenset({"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"})
ACCOM = frozenset(
    {
        "B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2",
        "R1", "R2", "S2", "T1", "T2", "U1", "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2",
        "Z1", "Z2", "0",
    }
)

# Temporary placements: neither placements nor carer changes (design: Placements).
TEMPORARY = frozenset({"T0", "T1", "T2", "T3", "T4"})
# Placements that have no provider: PLACE_PROVIDER must be blank for these.
NO_PROVIDER = TEMPORARY | {"Z1"}
SHORT_BREAKS = frozenset({"V3", "V4"})
NEW_PLACEMENT_RNE = frozenset({"S", "P", "B"})
RETURN_RNE = frozenset({"T", "U"})
NEW_CARER_RNE = frozenset({"S", "P", "B"})
# Carer-related reasons: CARPL is the excluded one (design: Unplanned endings).
UNPLANNED_REASONS = frozenset({"CREQB", "CREQO", "CLOSE", "ALLEG", "STAND", "APPRR"})

FOSTER_RELATIVE = "foster with relative or friend"
FOSTER_OWN = "other foster: own council"
FOSTER_AGENCY = "other foster: agency"
FOSTER_OTHER_PROVIDER = "other foster: other provider"
CHILDRENS_HOMES = "children's homes"
SUPPORTED_LIVING = "supported or independent living"
ADOPTION = "placed for adoption"
WITH_PARENTS = "with parents"
OTHER = "other"

# Every group, in the order reports list them; always all present in the JSON (zeros included).
PLACEMENT_GROUPS = (
    FOSTER_RELATIVE,
    FOSTER_OWN,
    FOSTER_AGENCY,
    FOSTER_OTHER_PROVIDER,
    CHILDRENS_HOMES,
    SUPPORTED_LIVING,
    ADOPTION,
    WITH_PARENTS,
    OTHER,
)

_PLACE_GROUP = {
    **dict.fromkeys(("U1", "U2", "U3"), FOSTER_RELATIVE),
    **dict.fromkeys(("K1", "K2", "R1"), CHILDRENS_HOMES),
    **dict.fromkeys(("H5", "K3", "P2"), SUPPORTED_LIVING),
    **dict.fromkeys(("A3", "A4", "A5", "A6"), ADOPTION),
    "P1": WITH_PARENTS,
}
OTHER_FOSTER = frozenset({"U4", "U5", "U6"})


def placement_group(place: str | None, provider: str | None) -> str:
    """The reporting group of a PLACE code; U4-U6 split by provider.

    The design names PR1 (own council) and PR4/PR5 (agency); it is silent on PR0, PR2 and PR3
    (other councils and public bodies), so those go to "other foster: other provider".
    """
    if place in OTHER_FOSTER:
        if provider == "PR1":
            return FOSTER_OWN
        if provider in ("PR4", "PR5"):
            return FOSTER_AGENCY
        return FOSTER_OTHER_PROVIDER
    return _PLACE_GROUP.get(place or "", OTHER)
