"""The audit log: who looked at or changed what (requirement 14). Admins read it; nobody edits it."""

from flask import Blueprint

from feedback_app.audit.log import record, verify_chain

bp = Blueprint("audit", __name__, template_folder="templates")

__all__ = ["bp", "record", "verify_chain"]

from feedback_app.audit import routes  # noqa: E402,F401 - registers the views
