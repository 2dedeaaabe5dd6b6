"""The audit log page: admins read it, filtered; nothing here can change it."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from feedback_app.audit import bp
from feedback_app.audit.log import verify_chain
from feedback_app.extensions import db
from feedback_app.models.audit import AuditEntry
from feedback_app.staff.roles import roles_required

PAGE_SIZE = 200


@bp.get("/audit/")
@roles_required("admin")
def index() -> str:
    """The newest entries first, filtered by action or person; the hash chain's state on top."""
    action = request.args.get("action", "").strip()
    actor = request.args.get("actor", "").strip().lower()
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(PAGE_SIZE)
    if action:
        query = query.where(AuditEntry.action == action)
    if actor:
        query = query.where(AuditEntry.actor_email == actor)
    entries = list(db.session.scalars(query))
    actions = sorted(db.session.scalars(select(AuditEntry.action).distinct()))
    return render_template(
        "audit/index.html", entries=entries, actions=actions, action=action, actor=actor, broken=verify_chain()
    )
