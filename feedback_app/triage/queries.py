"""Reading the triage queue: comments of submitted responses with the tagger's and people's verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import Comment, CommentTags, Response, Theme
from feedback_app.models.responses import SUBMITTED
from feedback_app.models.triage import TagReview


@dataclass
class QueueFilters:
    """What the officer narrowed the queue to; everything optional."""

    survey: str = ""
    lang: str = ""
    theme: str = ""
    promise: str = ""
    date_from: date | None = None
    date_to: date | None = None
    state: str = "new"  # new | reviewed | all

    @classmethod
    def from_args(cls, args: Any) -> QueueFilters:
        def _date(name: str) -> date | None:
            try:
                return date.fromisoformat(args.get(name, "")) if args.get(name) else None
            except ValueError:
                return None

        state = args.get("state", "new")
        return cls(
            survey=args.get("survey", ""), lang=args.get("lang", ""), theme=args.get("theme", ""),
            promise=args.get("promise", ""), date_from=_date("from"), date_to=_date("to"),
            state=state if state in ("new", "reviewed", "all") else "new",
        )

    def as_args(self) -> dict[str, str]:
        """Query-string form, to carry the filters from item to item."""
        values = {
            "survey": self.survey, "lang": self.lang, "theme": self.theme, "promise": self.promise,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "", "state": self.state,
        }
        return {k: v for k, v in values.items() if v and not (k == "state" and v == "new")}


@dataclass
class QueueItem:
    """One row of the queue (no free text: the list never shows what a child wrote)."""

    comment_id: int
    submitted_at: datetime | None
    survey: str
    lang: str
    tags: CommentTags | None
    review: TagReview | None
    promise_id: str | None
    promises: set[str] = field(default_factory=set)

    @property
    def confidence(self) -> float | None:
        if self.tags is None or not self.tags.scores or not self.tags.themes:
            return None
        values = [float(self.tags.scores.get(t, 0.0)) for t in self.tags.themes]
        return min(values) if values else None


def theme_promises() -> dict[str, list[str]]:
    """Theme id -> the promise ids it is evidence about."""
    return {t.id: list(t.promise_ids or []) for t in db.session.scalars(select(Theme))}


def latest_reviews(comment_ids: list[int]) -> dict[int, TagReview]:
    """The newest review of each comment."""
    if not comment_ids:
        return {}
    newest = (
        select(TagReview.comment_id, func.max(TagReview.id).label("id"))
        .where(TagReview.comment_id.in_(comment_ids))
        .group_by(TagReview.comment_id)
        .subquery()
    )
    rows = db.session.scalars(select(TagReview).join(newest, TagReview.id == newest.c.id))
    return {r.comment_id: r for r in rows}


def queue_items(filters: QueueFilters, limit: int = 500) -> list[QueueItem]:
    """Comments matching ``filters``, oldest first (the order the queue is worked in)."""
    # Only ids and metadata: the encrypted text column is never loaded for the list.
    query = (
        select(Comment.id, Comment.language, Comment.promise_id, Response.survey_slug, Response.submitted_at)
        .join(Response, Comment.response_id == Response.id)
        .where(Response.status == SUBMITTED)
        .order_by(Response.submitted_at, Comment.id)
    )
    if filters.survey:
        query = query.where(Response.survey_slug == filters.survey)
    if filters.date_from:
        query = query.where(Response.submitted_at >= datetime.combine(filters.date_from, time.min, UTC))
    if filters.date_to:
        query = query.where(Response.submitted_at <= datetime.combine(filters.date_to, time.max, UTC))
    rows = list(db.session.execute(query))
    ids = [r.id for r in rows]
    tags = {t.comment_id: t for t in db.session.scalars(select(CommentTags).where(CommentTags.comment_id.in_(ids)))} if ids else {}
    reviews = latest_reviews(ids)
    promises_of = theme_promises()
    items = []
    for r in rows:
        tag, review = tags.get(r.id), reviews.get(r.id)
        lang = (tag.lang if tag is not None and tag.lang else None) or r.language
        themes = review.themes if review is not None else (tag.themes if tag is not None else [])
        linked = set(review.promise_ids) if review is not None else set()
        linked |= {p for t in themes for p in promises_of.get(t, [])}
        if r.promise_id:
            linked.add(r.promise_id)
        item = QueueItem(r.id, r.submitted_at, r.survey_slug, lang, tag, review, r.promise_id, linked)
        if filters.state == "new" and review is not None:
            continue
        if filters.state == "reviewed" and review is None:
            continue
        if filters.lang and lang != filters.lang:
            continue
        if filters.theme and filters.theme not in themes:
            continue
        if filters.promise and filters.promise not in linked:
            continue
        items.append(item)
        if len(items) >= limit:
            break
    return items
