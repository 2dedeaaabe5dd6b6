"""Subject access (requirement 8): every record held for a linked child, in one JSON file.

`flask --app feedback_app subject-access export --child CHILD --out FILE --by EMAIL` looks the
child up by the keyed hash of their 903 CHILD id, gathers their placement records, linked
responses (answers and their own words), the tagger's and staff's labels, alerts and invitations,
and writes an audit row naming who exported it. Raw CHILD ids never enter the response tables;
this is the one place they are used, and only to compute the key.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import inspect, select

from feedback_app.extensions import db
from feedback_app.models import Comment, CommentTags, Response
from feedback_app.models.alerts import Alert
from feedback_app.models.placements import (
    PlacementCareLeaver,
    PlacementChild,
    PlacementEpisode,
    PlacementInvitation,
    PlacementUasc,
)
from feedback_app.placements.linking import child_key

# Secrets and internal plumbing that are not information about the child.
_LEAVE_OUT = {"draft_token", "resume_code_hash", "token", "row_hash", "password_hash", "totp_secret"}


def _row(obj: Any) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in inspect(obj).mapper.column_attrs if c.key not in _LEAVE_OUT}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    return value


def gather(child_id: str) -> dict[str, Any]:
    """Everything held about the child with 903 id ``child_id``."""
    key = child_key(child_id)
    responses = list(db.session.scalars(select(Response).where(Response.child_key == key).order_by(Response.id)))
    response_ids = [r.id for r in responses]
    comments = list(db.session.scalars(select(Comment).where(Comment.response_id.in_(response_ids)))) if response_ids else []
    comment_ids = [c.id for c in comments]
    record: dict[str, Any] = {
        "child_key": key,
        "placement": {
            "child": [_row(x) for x in db.session.scalars(select(PlacementChild).filter_by(child_key=key))],
            "episodes": [_row(x) for x in db.session.scalars(select(PlacementEpisode).filter_by(child_key=key).order_by(PlacementEpisode.decom))],
            "care_leaver": [_row(x) for x in db.session.scalars(select(PlacementCareLeaver).filter_by(child_key=key))],
            "uasc": [_row(x) for x in db.session.scalars(select(PlacementUasc).filter_by(child_key=key))],
            "invitations": [_row(x) for x in db.session.scalars(select(PlacementInvitation).filter_by(child_key=key))],
        },
        "responses": [
            {**_row(r), "answers": [_row(a) for a in r.answers], "comments": [_row(c) for c in r.comments]}
            for r in responses
        ],
        "comment_tags": [_row(t) for t in db.session.scalars(select(CommentTags).where(CommentTags.comment_id.in_(comment_ids)))] if comment_ids else [],
        "alerts": [_row(a) for a in db.session.scalars(select(Alert).where(Alert.response_id.in_(response_ids)))] if response_ids else [],
    }
    return json.loads(json.dumps(record, default=_plain))


@click.group("subject-access")
def subject_access_cli() -> None:
    """Subject access requests for linked children."""


@subject_access_cli.command("export")
@click.option("--child", "child_id", required=True, help="The child's 903 CHILD id.")
@click.option("--out", "out", type=click.File("w", encoding="utf-8"), required=True)
@click.option("--by", "by_email", required=True, help="E-mail of the member of staff making the export (audited).")
@with_appcontext
def export_command(child_id: str, out: Any, by_email: str) -> None:
    """Write every record held for the child to --out, and audit who did it."""
    from feedback_app.audit.log import record as audit
    from feedback_app.models.staff import StaffUser

    user = db.session.scalar(select(StaffUser).filter_by(email=by_email.strip().lower()))
    if user is None or user.role != "admin":
        raise click.ClickException("--by must be the e-mail of an admin account")
    data = gather(child_id)
    json.dump(data, out, ensure_ascii=False, indent=1)
    audit("subject_access_export", target_type="child", target_id=data["child_key"][:12], actor=user, commit=True)
    click.echo(f"Wrote {len(data['responses'])} response(s) and {len(data['placement']['episodes'])} episode(s) for the child")
