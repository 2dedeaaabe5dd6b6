"""Tag comments with the nlp package and store the results; raise alerts for a human."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models import Comment, CommentTags
from feedback_app.models.tagging import FAILED, PENDING, TAGGED

log = logging.getLogger(__name__)


def _tagger() -> Any:
    from nlp import load_tagger

    return load_tagger()


def queue_comments(comment_ids: Iterable[int]) -> list[int]:
    """Create pending tag rows for comments that have none; returns the comment ids queued."""
    ids = list(comment_ids)
    if not ids:
        return []
    existing = set(db.session.scalars(select(CommentTags.comment_id).where(CommentTags.comment_id.in_(ids))))
    for comment_id in ids:
        if comment_id not in existing:
            db.session.add(CommentTags(comment_id=comment_id, status=PENDING))
    db.session.commit()
    return ids


def _raise_alert_for(tags: CommentTags, comment: Comment, *, error: bool = False) -> None:
    """A flagged or unreadable comment goes to a human (requirement 19); never auto-dismissed."""
    from feedback_app.safeguarding.alerts import raise_alert

    if error:
        source, severity = "tagger_error", "normal"
    elif any(reason.startswith("unreadable") for reason in tags.safeguarding_reasons):
        source, severity = "unreadable", "normal"
    else:
        source, severity = "tagger", "high"
    raise_alert(
        source=source,
        severity=severity,
        reasons=list(tags.safeguarding_reasons) or ["tagger error"],
        response_id=comment.response_id,
        comment_id=comment.id,
    )


def _alerts_available() -> bool:
    try:
        import feedback_app.safeguarding.alerts  # noqa: F401
    except ImportError:
        return False
    return True


def tag_comment_ids(comment_ids: Sequence[int], batch_size: int = 256) -> tuple[int, int]:
    """Tag the given comments (re-tagging any already tagged); returns (tagged, failed)."""
    tagged = failed = 0
    for start in range(0, len(comment_ids), batch_size):
        chunk = list(comment_ids[start : start + batch_size])
        comments = list(db.session.scalars(select(Comment).where(Comment.id.in_(chunk))))
        rows = {t.comment_id: t for t in db.session.scalars(select(CommentTags).where(CommentTags.comment_id.in_(chunk)))}
        try:
            results = _tagger().tag_many([c.text for c in comments], langs=[None] * len(comments))
        except Exception as exc:  # tag one by one so that one bad comment does not block the rest
            log.exception("Batch tagging failed; tagging one by one")
            results = []
            for comment in comments:
                try:
                    results.append(_tagger().tag(comment.text))
                except Exception as one:
                    results.append(one if one is not exc else exc)
        for comment, result in zip(comments, results, strict=True):
            row = rows.get(comment.id) or CommentTags(comment_id=comment.id)
            db.session.add(row)
            if _apply_result(row, comment, result):
                tagged += 1
            else:
                failed += 1
            # One commit per comment: a later failure can never undo an earlier comment's tags.
            db.session.commit()
    return tagged, failed


def _apply_result(row: CommentTags, comment: Comment, result: Any) -> bool:
    """Store one result (or error) and raise an alert when a human must look; True if tagged.

    A flagged comment's tags and its alert are committed together, so a failure to raise the alert
    leaves the comment untagged and `nlp retry` tries both again: no flag is ever lost.
    """
    comment_id, attempts = comment.id, (row.attempts or 0) + 1
    row.attempts = attempts
    was_flagged = row.status == TAGGED and row.safeguarding
    if isinstance(result, Exception):
        row.status, row.last_error = FAILED, f"{type(result).__name__}: {result}"[:1000]
        # Text the tagger could not read goes to a human (requirement 19).
        row.safeguarding, row.safeguarding_reasons = True, ["unreadable: tagger error"]
    else:
        row.status, row.last_error = TAGGED, None
        row.lang, row.lang_detected = result.lang, result.lang_detected
        row.themes = list(result.themes)
        row.scores = {k: round(float(v), 4) for k, v in result.scores.items()}
        row.sentiment = result.sentiment
        row.safeguarding = bool(result.safeguarding) or not result.readable
        row.safeguarding_reasons = list(result.safeguarding_reasons)
        row.model_version, row.tagged_at = result.model_version, datetime.now(UTC)
    if row.safeguarding and not was_flagged and _alerts_available():
        try:
            _raise_alert_for(row, comment, error=isinstance(result, Exception))  # commits tags and alert
        except Exception as exc:
            log.exception("Could not raise a safeguarding alert for comment %s", comment_id)
            db.session.rollback()
            target = db.session.scalar(select(CommentTags).filter_by(comment_id=comment_id))
            if target is None:
                target = CommentTags(comment_id=comment_id)
                db.session.add(target)
            # Left failed and flagged, so `nlp retry` raises the alert again.
            target.status, target.last_error = FAILED, f"alert not raised: {exc}"[:1000]
            target.safeguarding, target.attempts = True, attempts
            db.session.commit()
            return False
    return row.status == TAGGED


def pending_comment_ids(include_failed: bool = True) -> list[int]:
    """Comments waiting for tags (and, by default, those whose tagging failed)."""
    statuses = [PENDING, FAILED] if include_failed else [PENDING]
    return list(db.session.scalars(select(CommentTags.comment_id).where(CommentTags.status.in_(statuses)).order_by(CommentTags.comment_id)))


def all_comment_ids() -> Iterator[int]:
    """Every comment, oldest first (for re-tagging history with a new model)."""
    yield from db.session.scalars(select(Comment.id).order_by(Comment.id))
