"""Small placement histories written for the tests, with every measure worked out by hand.

Year ending 31/03/2024 (the year runs 01/04/2023..31/03/2024). Comments give the reasoning.
"""

from tests.placements.conftest import EPISODE_COLUMNS, HEADER_COLUMNS, csv_text

HEADER = csv_text(
    HEADER_COLUMNS,
    "A,1,01/01/2012,WBRI,,,",    # 12 on 31 March
    "B,2,01/06/2010,WBRI,,,",    # 13
    "C,1,01/01/2015,AOTH,,,",    # 9
    "D,2,01/01/2008,BAFR,,,",    # 16: too old for long-term stability
    "E,1,01/01/2016,WBRI,,,",    # short breaks
    "F,2,01/01/2011,WBRI,,,",    # left care in the year
    "G,1,01/01/2013,MWBC,,,",    # 11, in a temporary placement on 31 March
    "H,2,01/01/2014,WBRI,,,",    # 10, came back into care in 2022
    "J,1,01/01/2012,WBRI,,,",    # 12
    "L1,1,10/05/2006,WBRI,,,",   # care leavers (OC3 only)
    "L2,2,10/05/2004,WBRI,,,",
    "L3,1,10/05/2003,WBRI,,,",
    "L4,2,10/05/2002,WBRI,,,",
    "L5,1,10/05/2001,WBRI,,,",
)

EPISODES = csv_text(
    EPISODE_COLUMNS,
    # A: one placement since 01/01/2020 (RNE L only changes legal status), one carer spell.
    "A,01/01/2020,S,C2,N1,U4,PR1,01/06/2021,X1,,ls11aa,LS2 2BB,1",
    "A,01/06/2021,L,C1,N1,U4,PR1,,,,LS1 1AA,LS2 2BB,1",
    # B: K1 to 01/05/2023 (ended CREQB: unplanned), U5 from 01/05/2023 with a temporary
    # break (the ALLEG before the break is not an ending: the child went back), ended CARPL
    # (not counted), then U6 from 01/10/2023: 3 placements in the year; spell from 01/10/2023.
    "B,01/01/2019,S,C2,N1,K1,PR4,01/05/2023,X1,CREQB,BD1 1AA,LS9 9ZZ,2",
    "B,01/05/2023,P,C2,N1,U5,PR4,01/08/2023,X1,ALLEG,BD1 1AA,LS8 8ZZ,3",
    "B,01/08/2023,T,C2,N1,T1,,05/08/2023,X1,,BD1 1AA,LS7 7ZZ,",
    "B,05/08/2023,T,C2,N1,U5,PR4,01/10/2023,X1,CARPL,BD1 1AA,LS8 8ZZ,3",
    "B,01/10/2023,P,C2,N1,U6,PR5,,,,BD1 1AA,YO1 1AA,4",
    # C: entered care 01/09/2023 with a relative.
    "C,01/09/2023,S,C2,N1,U1,PR1,,,,,,",
    # D: supported living since 2018.
    "D,01/01/2018,S,C2,N1,H5,PR4,,,,,,",
    # E: short breaks (LS V3): left out of every measure.
    "E,01/03/2024,S,V3,N1,K2,PR1,,,,,,",
    # F: left care 01/02/2024, placement ended STAND: an unplanned ending, not looked after.
    "F,01/01/2022,S,C2,N1,R1,PR4,01/02/2024,E11,STAND,,,",
    # G: U4 agency since 2020, in a temporary placement on 31 March: counted in the U4.
    "G,01/06/2020,S,C2,N1,U4,PR4,20/03/2024,X1,,,,",
    "G,20/03/2024,T,C2,N1,T0,,,,,,,",
    # H: left care 01/01/2022 (ALLEG, before the year), back 01/06/2022: period too recent.
    "H,01/01/2019,S,C2,N1,U4,PR1,01/01/2022,E13,ALLEG,,,",
    "H,01/06/2022,S,C2,N1,U4,PR1,,,,,,",
    # J: U4 own council, temporary break in June 2023 and back (same placement), ended
    # CREQO on 01/09/2023 (unplanned), then U4 agency: 2 placements in the year, not 3.
    "J,01/01/2021,S,C2,N1,U4,PR1,01/06/2023,X1,,,,",
    "J,01/06/2023,T,C2,N1,T2,,10/06/2023,X1,,,,",
    "J,10/06/2023,T,C2,N1,U4,PR1,01/09/2023,X1,CREQO,,,",
    "J,01/09/2023,P,C2,N1,U4,PR4,,,,,,",
)

OC3 = csv_text(
    "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM",
    "L1,10/05/2006,YES,F1,B1",   # 17: in touch, EET, suitable
    "L2,10/05/2004,YES,G4,S2",   # 19: in touch only
    "L3,10/05/2003,NO,P2,K1",    # 20: EET and suitable, not in touch
    "L4,10/05/2002,DIED,,",      # 21: died, left out
    "L5,10/05/2001,YES,F1,B1",   # 22: too old
)

UASC = csv_text("CHILD,SEX,DOB,DUC", "C,1,01/01/2015,01/01/2033")

POSTCODES = csv_text(
    "pcds,oseast1m,osnrth1m",
    "LS1 1AA,430000,433000",
    "LS2 2BB,431000,434000",   # 1.41 km from LS1 1AA: 0.88 miles
    "BD1 1AA,416000,433000",
    "YO1 1AA,460000,452000",   # 47.9 km from BD1 1AA: 29.8 miles
)

FILES = {"header.csv": HEADER, "episodes.csv": EPISODES, "oc3.csv": OC3, "uasc.csv": UASC}
