"""Advocates: fill any survey with or for a child, recording consent and whose words they are."""

from flask import Blueprint

bp = Blueprint("advocates", __name__, template_folder="templates")

from feedback_app.advocates import routes  # noqa: E402,F401 - registers the views
