"""Which words a page shows: the standard wording or the easy-read one, translated."""

from __future__ import annotations

from typing import Any

from flask import Flask

from feedback_app.i18n import gettext
from feedback_app.surveys.definitions_loader import Option, Question, Survey


def question_text(question: Question, easy: bool) -> str:
    """The question, in easy-read words when asked for and written."""
    text = question.easy_read.get("text") if easy else None
    return gettext(text or question.text)


def question_hint(question: Question, easy: bool) -> str | None:
    hint = question.easy_read.get("hint") if easy else None
    hint = hint or question.hint
    return gettext(hint) if hint else None


def option_label(question: Question, option: Option, easy: bool) -> str:
    label = question.easy_read.get("options", {}).get(option.value) if easy else None
    return gettext(label or str(option.label))


def survey_title(survey: Survey, easy: bool) -> str:
    return gettext((survey.easy_read.get("title") if easy else None) or survey.title)


def survey_summary(survey: Survey, easy: bool) -> str:
    return gettext((survey.easy_read.get("summary") if easy else None) or survey.summary)


def init_wording(app: Flask) -> None:
    """Make the wording helpers available to every template."""
    helpers: dict[str, Any] = {
        "question_text": question_text,
        "question_hint": question_hint,
        "option_label": option_label,
        "survey_title": survey_title,
        "survey_summary": survey_summary,
    }
    app.jinja_env.globals.update(helpers)
