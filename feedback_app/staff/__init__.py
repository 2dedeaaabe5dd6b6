"""The staff side: sign-in with a second factor, roles, and ``init_staff`` which wires it all.

``init_staff(app)`` registers the blueprints of every staff capability (staff, advocates, triage,
safeguarding, actions, audit), the Flask-Login manager backed by server-side sessions, and the CLI
groups.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, g
from flask_login import LoginManager

bp = Blueprint(
    "staff", __name__, template_folder="templates", static_folder="static", static_url_path="/staff/static"
)
login_manager = LoginManager()
login_manager.session_protection = None  # the server-side session row is the control
login_manager.login_view = "staff.sign_in"


@login_manager.user_loader
def _load_user(token: str) -> Any:
    from feedback_app.staff.sessions import load_session

    return load_session(token)


def init_staff(app: Flask) -> None:
    """Register everything the staff side needs on ``app`` (idempotent per app)."""
    if "staff" in app.blueprints:
        return
    # Importing the models registers their tables with the metadata.
    from feedback_app.models import actions, alerts, audit, staff, triage  # noqa: F401

    login_manager.init_app(app)

    from feedback_app import actions as actions_pkg
    from feedback_app import advocates, safeguarding
    from feedback_app import audit as audit_pkg
    from feedback_app import triage as triage_pkg
    from feedback_app.staff import routes  # noqa: F401 - registers the views

    for blueprint in (bp, advocates.bp, triage_pkg.bp, safeguarding.bp, actions_pkg.bp, audit_pkg.bp):
        app.register_blueprint(blueprint)

    from feedback_app.safeguarding.cli import safeguarding_cli
    from feedback_app.staff.cli import users_cli
    from feedback_app.triage.cli import triage_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(safeguarding_cli)
    app.cli.add_command(triage_cli)

    @app.context_processor
    def _staff_context() -> dict[str, Any]:
        from feedback_app.staff.sessions import second_factor_done

        user = g.get("staff_user")
        return {"staff_user": user if user is not None and second_factor_done() else None}
