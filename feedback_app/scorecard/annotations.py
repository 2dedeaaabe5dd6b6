"""What people add to the figures: targets and RAG, story notes, approved quotes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from feedback_app.models.scorecard import APPROVED, ApprovedQuote, ScorecardTarget, StoryNote


@dataclass
class Annotations:
    """Targets by promise, story notes by promise, approved quotes by promise."""

    targets: dict[str, tuple[float, float]] = field(default_factory=dict)  # promise -> (target, amber margin)
    notes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    quotes: list[dict[str, Any]] = field(default_factory=list)  # promise_id, theme_id, text, response_id


def rag_rating(rate: float | str | None, target: float | None, amber_margin: float) -> str | None:
    """green at or above target; amber within the margin below it; red further below.

    None when there is no target or the rate is hidden: a rating must not give away a
    suppressed rate.
    """
    if target is None or rate is None or isinstance(rate, str):
        return None
    if rate >= target:
        return "green"
    if rate >= target - amber_margin:
        return "amber"
    return "red"


def load_annotations(conn: sa.Connection, quarters: list[str]) -> Annotations:
    """Targets, the period's story notes and approved quotes (tables may not exist yet)."""
    inspector = sa.inspect(conn)
    result = Annotations()
    if inspector.has_table(ScorecardTarget.__tablename__):
        for row in conn.execute(sa.select(ScorecardTarget.promise_id, ScorecardTarget.target, ScorecardTarget.amber_margin)):
            result.targets[row.promise_id] = (float(row.target), float(row.amber_margin))
    if inspector.has_table(StoryNote.__tablename__) and quarters:
        notes = conn.execute(
            sa.select(StoryNote.promise_id, StoryNote.quarter, StoryNote.text, StoryNote.updated_at)
            .where(StoryNote.quarter.in_(quarters)).order_by(StoryNote.quarter, StoryNote.id)
        )
        for note in notes:
            result.notes.setdefault(note.promise_id, []).append({"quarter": note.quarter, "text": note.text})
    if inspector.has_table(ApprovedQuote.__tablename__):
        from feedback_app.models import Comment

        rows = conn.execute(
            sa.select(ApprovedQuote.promise_id, ApprovedQuote.theme_id, ApprovedQuote.redacted_text, Comment.response_id)
            .join(Comment, Comment.id == ApprovedQuote.comment_id)
            .where(ApprovedQuote.status == APPROVED).order_by(ApprovedQuote.approved_at, ApprovedQuote.id)
        )
        result.quotes = [
            {"promise_id": r.promise_id, "theme_id": r.theme_id, "text": r.redacted_text, "response_id": r.response_id}
            for r in rows
        ]
    return result
