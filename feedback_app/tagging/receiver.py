"""The response_submitted receiver: queue the response's comments, tag them after the page is sent."""

from __future__ import annotations

from typing import Any

from flask import Flask, after_this_request, current_app, has_request_context
from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models import Comment, Response


def on_response_submitted(sender: Flask, response: Response, **_: Any) -> None:
    """Queue tagging for every comment of ``response``; tag after the child's page has gone."""
    ids = list(db.session.scalars(select(Comment.id).filter_by(response_id=response.id)))
    if not ids:
        return
    from feedback_app.tagging.service import queue_comments

    queue_comments(ids)
    if not current_app.config.get("TAG_COMMENTS_INLINE", True):
        return  # a worker (`flask nlp retry` on a schedule) picks them up
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if has_request_context():

        @after_this_request
        def _tag_when_sent(http_response):  # type: ignore[no-untyped-def]
            http_response.call_on_close(lambda: _tag_in_context(app, ids))
            return http_response
    else:
        _tag_in_context(app, ids)


def _tag_in_context(app: Flask, ids: list[int]) -> None:
    from feedback_app.tagging.service import tag_comment_ids

    with app.app_context():
        try:
            tag_comment_ids(ids)
        except Exception:  # left pending or failed; `flask nlp retry` tries again
            app.logger.exception("Tagging comments %s failed", ids)
            db.session.rollback()
