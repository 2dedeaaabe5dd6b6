"""A first pass at removing names, places and schools from a quote, for a person to finish.

The participation officer always reads and edits the result before approving it (requirement
31); this only makes the obvious cuts so nothing is missed by tiredness.
"""

from __future__ import annotations

import re

# Leeds areas and nearby towns a child might name (public place names).
PLACES = [
    "Leeds", "Armley", "Beeston", "Bramley", "Chapeltown", "Harehills", "Headingley", "Holbeck", "Horsforth",
    "Hunslet", "Kirkstall", "Middleton", "Morley", "Otley", "Pudsey", "Rothwell", "Roundhay", "Seacroft",
    "Wetherby", "Yeadon", "Garforth", "Gipton", "Bradford", "Wakefield", "Huddersfield", "Halifax", "York",
    "Manchester", "Sheffield", "London",
]
SCHOOL = re.compile(
    r"\b(?:[A-Z][\w'-]*\s+){1,4}(?:Primary|High|Secondary|Academy|School|College|Grammar|Infants|Juniors)"
    r"(?:\s+(?:School|Academy|College))?\b"
)
PLACE = re.compile(r"\b(?:" + "|".join(PLACES) + r")\b")
# A capitalised word that does not start a sentence is most often a name in children's writing.
NAME = re.compile(r"(?<![.!?]\s)(?<!^)(?<![.!?])\b(?!I\b|I'm\b|I've\b|I'll\b|I'd\b)[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\b")
EMAIL_OR_PHONE = re.compile(r"\S+@\S+|\+?\d[\d\s]{7,}\d")


def suggest_redaction(text: str) -> str:
    """The text with schools, places, names, e-mail addresses and phone numbers replaced."""
    text = EMAIL_OR_PHONE.sub("[removed]", text)
    text = SCHOOL.sub("[school]", text)
    text = PLACE.sub("[place]", text)
    return NAME.sub("[name]", text)


def looks_unredacted(text: str) -> bool:
    """True when a suggested pass would still change the text (a warning shown on approval)."""
    return suggest_redaction(text) != text
