"""The respondent's journey: start page, before you start, one question per page, check, submit."""

from flask import Blueprint

bp = Blueprint("survey", __name__, template_folder="templates")

from feedback_app.survey_flow import routes  # noqa: E402,F401 - registers the views
