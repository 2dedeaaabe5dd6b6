"""The triage queue and the one-comment review page (keyboard-first)."""

from __future__ import annotations

from typing import Any, cast

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from feedback_app.audit.log import TAG_REVIEW, VIEW_COMMENT_TEXT, record
from feedback_app.extensions import db
from feedback_app.models import Comment, CommentTags, Promise, Theme
from feedback_app.models.alerts import Alert
from feedback_app.models.triage import SENTIMENTS, TagReview
from feedback_app.staff.roles import roles_required
from feedback_app.triage import bp
from feedback_app.triage.queries import QueueFilters, latest_reviews, queue_items, theme_promises

Page = str | WerkzeugResponse | tuple[str, int]


def _choices() -> dict[str, object]:
    from feedback_app.surveys.registry import open_survey_versions

    return {
        "themes": list(db.session.scalars(select(Theme).order_by(Theme.id))),
        "promises": list(db.session.scalars(select(Promise).order_by(Promise.sort_order, Promise.id))),
        "surveys": sorted({v.slug for v in open_survey_versions()}),
        "sentiments": SENTIMENTS,
    }


@bp.get("/triage/")
@roles_required("participation_officer")
def queue() -> str:
    """Comments to review, filtered; oldest first. No child's words on this page."""
    filters = QueueFilters.from_args(request.args)
    items = queue_items(filters)
    languages = sorted({i.lang for i in queue_items(QueueFilters(state="all"))})
    return render_template("triage/queue.html", items=items, filters=filters, languages=languages, **_choices())


def _next_after(comment_id: int, filters: QueueFilters) -> int | None:
    ids = [i.comment_id for i in queue_items(filters)]
    later = [i for i in ids if i != comment_id]
    if comment_id in ids:
        position = ids.index(comment_id)
        later = ids[position + 1:] + ids[:position]
    return later[0] if later else None


@bp.get("/triage/comments/<int:comment_id>")
@roles_required("participation_officer")
def review(comment_id: int, errors: list[str] | None = None) -> Page:
    """One comment: its text (this view is audited), the tagger's verdict, and the review form."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.response.status != "submitted":
        abort(404)
    filters = QueueFilters.from_args(request.args)
    tags = db.session.scalar(select(CommentTags).filter_by(comment_id=comment_id))
    previous = latest_reviews([comment_id]).get(comment_id)
    if previous is not None:
        themes, sentiment, flagged, promises = previous.themes, previous.sentiment, previous.safeguarding, previous.promise_ids
    else:
        themes = list(tags.themes) if tags else []
        sentiment = tags.sentiment if tags else None
        flagged = bool(tags.safeguarding) if tags else False
        promise_map = theme_promises()
        promises = sorted({p for t in themes for p in promise_map.get(t, [])} | ({comment.promise_id} if comment.promise_id else set()))
    record(VIEW_COMMENT_TEXT, target_type="comment", target_id=comment.id, detail={"via": "triage"})
    db.session.commit()
    nxt = _next_after(comment_id, filters)
    skip_url = (
        url_for("triage.review", comment_id=nxt, **cast(dict[str, Any], filters.as_args())) if nxt else url_for("triage.queue", **cast(dict[str, Any], filters.as_args()))
    )
    return render_template(
        "triage/review.html", comment=comment, tags=tags, previous=previous,
        selected_themes=set(themes), sentiment=sentiment, flagged=flagged, selected_promises=set(promises),
        filters=filters, errors=errors or [], skip_url=skip_url, position=_position(comment_id, filters), **_choices(),
    ), (400 if errors else 200)


def _position(comment_id: int, filters: QueueFilters) -> tuple[int, int]:
    ids = [i.comment_id for i in queue_items(filters)]
    return (ids.index(comment_id) + 1 if comment_id in ids else 0, len(ids))


@bp.post("/triage/comments/<int:comment_id>")
@roles_required("participation_officer")
def save_review(comment_id: int) -> Page:
    """Store the reviewer's themes, sentiment, safeguarding flag and promises; go to the next comment."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    filters = QueueFilters.from_args(request.args)
    valid_themes = {t.id for t in db.session.scalars(select(Theme))}
    valid_promises = {p.id for p in db.session.scalars(select(Promise))}
    themes = sorted(t for t in request.form.getlist("themes") if t in valid_themes)
    promises = sorted(p for p in request.form.getlist("promises") if p in valid_promises)
    sentiment = request.form.get("sentiment") or None
    if sentiment not in (*SENTIMENTS, None):
        sentiment = None
    flagged = request.form.get("safeguarding") == "y"
    tags = db.session.scalar(select(CommentTags).filter_by(comment_id=comment_id))
    tagger_themes = sorted(tags.themes) if tags else []
    tagger_sentiment = tags.sentiment if tags else None
    review_row = TagReview(
        comment_id=comment_id, reviewer_id=current_user.id, themes=themes, sentiment=sentiment,
        safeguarding=flagged, promise_ids=promises, tagger_themes=tagger_themes,
        tagger_sentiment=tagger_sentiment, model_version=tags.model_version if tags else None,
        changed=(themes != tagger_themes or sentiment != tagger_sentiment or flagged != bool(tags and tags.safeguarding)),
    )
    db.session.add(review_row)
    db.session.flush()
    record(TAG_REVIEW, target_type="comment", target_id=comment_id,
           detail={"themes": themes, "sentiment": sentiment, "safeguarding": flagged, "promises": promises,
                   "changed": review_row.changed})
    db.session.commit()
    if flagged and db.session.scalar(select(Alert.id).where(Alert.comment_id == comment_id)) is None:
        from feedback_app.safeguarding.alerts import raise_alert

        raise_alert(source="reviewer", severity="high", reasons=["reviewer"], comment_id=comment_id,
                    response_id=comment.response_id)
    nxt = _next_after(comment_id, filters)
    if nxt is None:
        return redirect(url_for("triage.queue", done=1, **cast(dict[str, Any], filters.as_args())))
    return redirect(url_for("triage.review", comment_id=nxt, **cast(dict[str, Any], filters.as_args())))
