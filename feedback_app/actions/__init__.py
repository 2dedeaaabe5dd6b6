""""You said, we did": actions linked to promises and themes, and the public page for children."""

from flask import Blueprint

bp = Blueprint("actions", __name__, template_folder="templates")

from feedback_app.actions import routes  # noqa: E402,F401 - registers the views
