"""The demo data set: a board member can read the scorecard from it, and every capability has data."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask


def test_demo_loads_every_capability(runner, app: Flask) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["demo", "--per-survey", "60", "--force"])
    assert result.exit_code == 0, result.output
    assert "Placements:" in result.output and "Staff accounts" in result.output and "Actions:" in result.output
    with app.app_context():
        from feedback_app.extensions import db

        def count(sql: str) -> int:
            return int(db.session.scalar(sa.text(sql)) or 0)

        assert count("SELECT count(*) FROM placement_episodes") > 5000
        assert count("SELECT count(*) FROM responses WHERE child_key IS NOT NULL") > 0
        assert count("SELECT count(*) FROM comment_tags WHERE status = 'tagged'") == count("SELECT count(*) FROM comments")
        assert count("SELECT count(*) FROM safeguarding_alerts") >= 1
        assert count("SELECT count(*) FROM staff_users") == 5
        assert count("SELECT count(*) FROM actions WHERE published") == 4
