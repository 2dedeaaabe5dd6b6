"""`flask --app feedback_app triage export-corrections`: people's reviews as training data."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models import Comment, CommentTags, Response
from feedback_app.models.responses import SUBMITTED


@click.group("triage")
def triage_cli() -> None:
    """Triage of tagged comments."""


def default_corrections_dir() -> Path:
    """Where ``python -m nlp train`` looks for corrections (TRIAGE_CORRECTIONS_DIR overrides)."""
    configured = current_app.config.get("TRIAGE_CORRECTIONS_DIR")
    if configured:
        return Path(configured)
    return Path(current_app.root_path).resolve().parent / "nlp" / "data" / "corrections"


def export_corrections(out_dir: Path, *, only_changed: bool = False) -> tuple[Path, int]:
    """Write the latest review of every reviewed comment as one JSON line; returns (file, count)."""
    from feedback_app.audit.log import EXPORT, record
    from feedback_app.triage.queries import latest_reviews

    comments = {
        c.id: c
        for c in db.session.scalars(select(Comment).join(Response, Comment.response_id == Response.id).where(Response.status == SUBMITTED))
    }
    reviews = latest_reviews(list(comments))
    tags = {t.comment_id: t for t in db.session.scalars(select(CommentTags).where(CommentTags.comment_id.in_(list(reviews))))} if reviews else {}
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{datetime.now(UTC).date().isoformat()}.jsonl"
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for comment_id in sorted(reviews):
            review = reviews[comment_id]
            if only_changed and not review.changed:
                continue
            comment = comments[comment_id]
            tag = tags.get(comment_id)
            line = {
                "id": f"comment-{comment_id}",
                "text": comment.text,
                "lang": (tag.lang if tag is not None and tag.lang else None) or comment.language,
                "themes": sorted(review.themes),
                "safeguarding": bool(review.safeguarding),
                "sentiment": review.sentiment,
            }
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            count += 1
    record(EXPORT, target_type="corrections", target_id=path.name,
           detail={"lines": count, "only_changed": only_changed, "kind": "triage_corrections"})
    db.session.commit()
    return path, count


@triage_cli.command("export-corrections")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for <date>.jsonl (default nlp/data/corrections).")
@click.option("--only-changed", is_flag=True, help="Only reviews that changed the tagger's verdict.")
@with_appcontext
def export_command(out_dir: Path | None, only_changed: bool) -> None:
    """Export reviewed comments as labelled data for `python -m nlp train` (holds children's words: keep it inside the council)."""
    path, count = export_corrections(out_dir or default_corrections_dir(), only_changed=only_changed)
    click.echo(f"Wrote {count} labelled comment(s) to {path}")
