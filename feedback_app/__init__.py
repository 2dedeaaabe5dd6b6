"""Voice-of-the-child platform: the Flask application factory."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from flask import Flask

from feedback_app.config import load_config

__all__ = ["create_app"]


def create_app(env: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app for ``env`` (development, testing, production; default $FEEDBACK_ENV)."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_config(env, app.instance_path, overrides))

    from feedback_app import models  # noqa: F401 - registers every table with the metadata
    from feedback_app.extensions import babel, csrf, db, limiter, migrate
    from feedback_app.i18n import select_locale

    db.init_app(app)
    with app.app_context():
        _tune_sqlite(db.engine)
        from feedback_app.db_pool import ping_idle_connections

        ping_idle_connections(db.engine, float(app.config["DB_PING_AFTER_IDLE_SECONDS"]))
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).resolve().parent.parent / "translations"),
    )
    from feedback_app.request_text import init_request_text

    init_request_text(app)  # must run before CSRF protection reads the form
    csrf.init_app(app)
    limiter.init_app(app)

    from feedback_app.security import init_security_headers

    init_security_headers(app)
    _quiet_request_log()

    from feedback_app.health import bp as health_bp
    from feedback_app.survey_flow import bp as survey_bp
    from feedback_app.survey_flow.errors import init_error_pages

    app.register_blueprint(health_bp)
    app.register_blueprint(survey_bp)
    init_error_pages(app)

    from feedback_app.web import init_template_context

    init_template_context(app)

    from feedback_app.tagging import init_tagging

    init_tagging(app)

    from feedback_app.placements.cli import placements_cli
    from feedback_app.placements.views import bp as placements_admin_bp

    app.cli.add_command(placements_cli)
    app.register_blueprint(placements_admin_bp)

    from feedback_app.invitations import bp as invitations_bp

    app.register_blueprint(invitations_bp)

    from feedback_app.scorecard import init_scorecard
    from feedback_app.staff import init_staff

    init_staff(app)  # sign-in, roles, triage, safeguarding alerts, actions, audit
    init_scorecard(app)  # after staff: its pages use the staff roles

    from feedback_app.cli import register_commands

    register_commands(app)
    return app


def _tune_sqlite(engine: Any) -> None:
    """WAL lets readers work while a page is being saved; busy_timeout waits instead of failing."""
    if engine.dialect.name != "sqlite":
        return
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


class _DropClientAddress(logging.Filter):
    """Werkzeug's access log starts with the client address; requirement 2 says we keep none."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _LEADING_ADDRESS.sub("- - - ", str(record.msg), count=1)
        return True


_LEADING_ADDRESS = re.compile(r"^\S+ - - ")


def _quiet_request_log() -> None:
    logging.getLogger("werkzeug").addFilter(_DropClientAddress())
