"""WTForms built at run time from a question's type (the eq-questionnaire-runner way)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)

from feedback_app.surveys.definitions_loader import PREFER_NOT, Question


class QuestionFormBase(FlaskForm):
    """Fields every question page posts besides the answer."""

    draft = HiddenField()  # finds the draft when the session has expired
    version = HiddenField()  # the survey version this page was built from; tampering is refused
    action = StringField()  # which button was pressed: continue or save


def form_class_for(question: Question) -> type[QuestionFormBase]:
    """A form class whose ``answer`` field suits the question type."""
    choices = [(o.value, str(o.value)) for o in question.options] + [(PREFER_NOT, PREFER_NOT)]
    answer: Field
    attrs: dict[str, object] = {}
    if question.is_text:
        answer = TextAreaField()
        attrs["prefer_not"] = BooleanField()
    elif question.allows_several:
        answer = SelectMultipleField(choices=choices, validate_choice=False)
    else:
        answer = RadioField(choices=choices, validate_choice=False)
    attrs["answer"] = answer
    return type(f"Form_{question.type}", (QuestionFormBase,), attrs)


class ResumeForm(FlaskForm):
    """The "come back later" code entry."""

    code = StringField()


class EmptyForm(FlaskForm):
    """CSRF only: start and submit buttons."""

    draft = HiddenField()
