"""The respondent's journey: start page, before you start, one question per page, check, submit."""

from flask import Blueprint

bp = Blueprint("survey", __name__, template_folder="templates")

from feedback_app.survey_flow import receipt, routes  # noqa: E402,F401 - registers the views


@bp.record_once
def _register_wording(state) -> None:  # type: ignore[no-untyped-def]
    from feedback_app.survey_flow.wording import init_wording

    init_wording(state.app)
