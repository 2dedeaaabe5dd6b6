"""Length-preserving spelling normalisation for matching ("folding").

Children type without diacritics (Polish "szkola", Romanian "scoala", Albanian "shkolle") and
Arabic-script keyboards differ (Arabic ي/ك against Persian ی/ک, hamza forms of alef, ة/ه).
Both the text and the lexicon patterns are folded the same way before matching. Every character
maps to exactly one character, so match offsets in the folded text are offsets in the original.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_ARABIC_FOLD = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ة": "ه",
    "ۃ": "ه",
    "ۀ": "ه",
    "ہ": "ه",
    "ھ": "ه",
    "ە": "ه",
    "ى": "ی",
    "ي": "ی",
    "ك": "ک",
    "ؤ": "و",
}
_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {
    chr(0x06F0 + i): str(i) for i in range(10)
}
_SPECIAL_LATIN = {"ł": "l", "Ł": "l", "đ": "d", "ø": "o", "ı": "i"}


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _ARABIC_FOLD:
        return _ARABIC_FOLD[ch]
    if ch in _DIGITS:
        return _DIGITS[ch]
    if ch in _SPECIAL_LATIN:
        return _SPECIAL_LATIN[ch]
    if "\u00c0" <= ch <= "\u024f":
        base = unicodedata.normalize("NFD", ch)[0]
        if len(base) == 1 and base.isascii():
            return base.lower()
    return ch.lower() if len(ch.lower()) == 1 else ch


def fold(text: str) -> str:
    """Lower-case, strip Latin diacritics and unify Arabic-script letter variants, keeping length."""
    return "".join(_fold_char(ch) for ch in text)
