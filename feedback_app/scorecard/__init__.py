"""The promise-delivery scorecard for the Corporate Parenting Board.

Design: /work/shared/design/scorecard.md. ``init_scorecard(app)`` registers the board pages
and the ``scorecard`` command; it is safe to call more than once.
"""

from __future__ import annotations

from flask import Flask


def init_scorecard(app: Flask) -> None:
    """Register the blueprint, the CLI command and the demo loader (idempotent)."""
    if "scorecard" not in app.blueprints:
        from feedback_app.scorecard.views import bp

        app.register_blueprint(bp)
    if "scorecard" not in app.cli.commands:
        from feedback_app.scorecard.cli import scorecard_command

        app.cli.add_command(scorecard_command)
    from feedback_app.scorecard.demo import register_demo_loader

    register_demo_loader()
