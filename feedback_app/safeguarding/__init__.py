"""Safeguarding: alerts for a human (raised by the tagger or a child's "I feel unsafe"), their
queue and life cycle, escalation past a deadline, and e-mail to the named lead and deputy."""

from flask import Blueprint

bp = Blueprint("safeguarding", __name__, template_folder="templates", static_folder="static",
               static_url_path="/safeguarding/static")

from feedback_app.safeguarding import routes  # noqa: E402,F401 - registers the views
