"""Retention: free text older than the configured period is deleted by the scheduled command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import Answer, Comment, Response
from feedback_app.survey_flow.codes import new_draft_token, new_reference
from feedback_app.survey_flow.retention import delete_expired_free_text
from feedback_app.surveys.registry import open_version_id


def _response_with_comment(submitted: datetime, text: str) -> None:
    response = Response(reference=new_reference(), draft_token=new_draft_token(), survey_version_id=open_version_id("young-people"),
                        survey_slug="young-people", status="submitted", language="en", submitted_at=submitted)
    response.answers.append(Answer(question_id="anything_else", values=["text"], kept=None))
    response.comments.append(Comment(question_id="anything_else", text=text, language="en"))
    db.session.add(response)
    db.session.commit()


def test_free_text_past_retention_is_deleted_and_counts_stay(app_ctx: Flask) -> None:
    # A frozen clock: "now" is fixed, so the test does not depend on when it runs.
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    days = app_ctx.config["FREE_TEXT_RETENTION_DAYS"]
    _response_with_comment(now - timedelta(days=days + 1), "old words")
    _response_with_comment(now - timedelta(days=days - 1), "recent words")
    assert delete_expired_free_text(now) == 1
    assert list(db.session.scalars(select(Comment.text))) == ["recent words"]
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 2
    assert delete_expired_free_text(now) == 0  # safe to run every day


def test_retention_command(runner, app_ctx: Flask) -> None:  # type: ignore[no-untyped-def]
    _response_with_comment(datetime.now(UTC) - timedelta(days=app_ctx.config["FREE_TEXT_RETENTION_DAYS"] + 5), "old")
    result = runner.invoke(args=["retention", "apply"])
    assert result.exit_code == 0 and "Deleted 1 comment(s)" in result.output
