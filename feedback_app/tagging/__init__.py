"""Theme tagging of submitted comments, wired to the survey journey through a signal.

Tagging runs after the response has committed and after the child's page has been sent
(``call_on_close``), so it can neither slow down nor fail a submission. Comments whose tagging
failed stay ``failed`` with the error, and `flask --app feedback_app nlp retry` picks them up.
"""

from __future__ import annotations

from flask import Flask


def init_tagging(app: Flask) -> None:
    """Connect the signal receiver and register the `nlp` CLI group."""
    from feedback_app.signals import response_submitted
    from feedback_app.tagging.cli import nlp_cli
    from feedback_app.tagging.receiver import on_response_submitted

    response_submitted.connect(on_response_submitted, app)
    app.cli.add_command(nlp_cli)
