"""Triage for participation officers: the tagger's output on new comments, confirmed or corrected."""

from flask import Blueprint

bp = Blueprint("triage", __name__, template_folder="templates", static_folder="static",
               static_url_path="/triage/static")

from feedback_app.triage import routes  # noqa: E402,F401 - registers the views
