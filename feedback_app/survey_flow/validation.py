"""Server-side checks on a posted answer, each with a clear translated message (requirements 29).

Nothing typed is thrown away: a rejected answer is re-shown exactly as typed (or, for hidden
control characters, cleaned and shown for the child to check before it is saved).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from flask_babel import format_decimal

from feedback_app.i18n import gettext, lazy_gettext
from feedback_app.surveys.definitions_loader import PREFER_NOT, Question

# Default messages live in one place, like eq-questionnaire-runner's error_messages.
MESSAGES = {
    "choose_one": lazy_gettext("Choose an answer, or choose “I'd rather not say”."),
    "choose_some": lazy_gettext("Choose one or more answers, or choose “I'd rather not say”."),
    "invalid_choice": lazy_gettext("That answer is not one of the choices. Choose one of the answers shown."),
    "prefer_not_alone": lazy_gettext("You chose “I'd rather not say” and another answer. Choose one or the other."),
    "cleaned": lazy_gettext(
        "Your answer had hidden characters or parts we could not read, so we took them out. "
        "Check it still says what you meant, then press Continue."
    ),
    "text_and_prefer_not": lazy_gettext(
        "You wrote an answer and also chose “I'd rather not say”. Untick the box to send what you wrote, "
        "or delete your words."
    ),
}

# Bidi embedding/override/isolate controls can make text display differently from what was typed.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_KEEP_CONTROLS = {"\n", "\t"}


@dataclass
class CheckedAnswer:
    """The outcome of checking one posted answer."""

    values: list[str] = field(default_factory=list)
    text: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def clean_text(raw: str) -> tuple[str, bool]:
    """Remove control, bidi-override and unreadable (U+FFFD) characters; say whether any were removed.

    Line endings are normalised to ``\\n`` first so that a browser's ``\\r\\n`` is not counted as hidden.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for ch in text:
        if ch in _KEEP_CONTROLS:
            kept.append(ch)
        elif ch in _BIDI_CONTROLS or ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Cs", "Co"):
            continue
        else:
            kept.append(ch)
    cleaned = "".join(kept)
    # Trailing whitespace is not meaningful and need not trigger the "we changed it" message.
    return cleaned.strip(), cleaned.strip() != text.strip()


def too_long_message(length: int, limit: int) -> str:
    """The over-length message, with numbers formatted for the child's locale."""
    return gettext(
        "Your answer is %(length)s characters long. The most you can write is %(limit)s. "
        "Please make it shorter.",
        length=format_decimal(length),
        limit=format_decimal(limit),
    )


def check_answer(question: Question, posted: list[str], typed: str | None, prefer_not: bool, limit: int) -> CheckedAnswer:
    """Check a posted answer to ``question``.

    ``posted`` is the list of chosen values (choice types), ``typed`` the free text, ``prefer_not``
    the "I'd rather not say" box beside free text.
    """
    if question.is_text:
        return _check_text(typed or "", prefer_not, limit)
    values = [v for v in posted if v != ""]
    if not values:
        key = "choose_some" if question.allows_several else "choose_one"
        return CheckedAnswer(values=[], error=str(MESSAGES[key]))
    if any(v not in question.option_values() for v in values) or len(values) != len(set(values)):
        return CheckedAnswer(values=[], error=str(MESSAGES["invalid_choice"]))
    if not question.allows_several and len(values) > 1:
        return CheckedAnswer(values=[], error=str(MESSAGES["invalid_choice"]))
    if PREFER_NOT in values and len(values) > 1:
        return CheckedAnswer(values=values, error=str(MESSAGES["prefer_not_alone"]))
    return CheckedAnswer(values=values)


def _check_text(typed: str, prefer_not: bool, limit: int) -> CheckedAnswer:
    cleaned, changed = clean_text(typed)
    if changed:
        return CheckedAnswer(text=cleaned, error=str(MESSAGES["cleaned"]))
    if len(cleaned) > limit:
        return CheckedAnswer(text=cleaned, error=too_long_message(len(cleaned), limit))
    if prefer_not and cleaned:
        return CheckedAnswer(text=cleaned, error=str(MESSAGES["text_and_prefer_not"]))
    if prefer_not:
        return CheckedAnswer(values=[PREFER_NOT], text=None)
    if not cleaned:
        return CheckedAnswer(values=[], text=None)  # free text may be left blank
    return CheckedAnswer(values=["text"], text=cleaned)


