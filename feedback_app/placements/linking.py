"""Linking children's responses to their placement history without holding raw 903 ids.

A child is known outside this package only by ``child_key = HMAC-SHA256(CHILD_KEY_SECRET,
CHILD)`` in hex (64 characters). Responses carry the same key when, and only when, the child or
their advocate consented, or the response came through a personal invitation link. Linking is
then equality of ``child_key``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa
from flask import current_app

from feedback_app.extensions import db
from feedback_app.models.placements import PlacementInvitation

# Channels of the lead's Response model.
SELF = "self"
ADVOCATE = "advocate"
INVITE = "invite"


def _secret() -> bytes:
    """CHILD_KEY_SECRET, falling back to SECRET_KEY until the setting exists everywhere."""
    value = current_app.config.get("CHILD_KEY_SECRET") or current_app.config["SECRET_KEY"]
    return str(value).encode("utf-8")


def normalise_child_id(child_id: object) -> str:
    """The CHILD id as the 903 files hold it, without surrounding spaces."""
    return str(child_id).strip()


def child_key(child_id: object, secret: bytes | None = None) -> str:
    """Keyed hash of a 903 CHILD id: the only way the rest of the system knows a child."""
    key = secret if secret is not None else _secret()
    return hmac.new(key, normalise_child_id(child_id).encode("utf-8"), hashlib.sha256).hexdigest()


def child_key_map(child_ids: Iterable[object]) -> dict[object, str]:
    """child_key of each distinct id in ``child_ids`` (for hashing several tables' ids once)."""
    secret = _secret()
    return {c: child_key(c, secret) for c in set(child_ids)}


def child_keys(child_ids: pd.Series, known: dict[object, str] | None = None) -> pd.Series:
    """Vectorised child_key for a column of CHILD ids: hashed once per distinct id.

    ``known`` (from ``child_key_map``) holds keys already worked out for other tables of a run.
    """
    secret = _secret()
    series = child_ids if isinstance(child_ids.dtype, pd.CategoricalDtype) else child_ids.astype("category")
    categories = series.cat.categories
    known = known or {}
    hashed = [known[c] if c in known else child_key(c, secret) for c in categories]
    return series.cat.rename_categories(hashed) if len(set(hashed)) == len(hashed) else series.map(
        dict(zip(categories, hashed, strict=True))
    )


def response_child_key(child_id: str | None, channel: str, consented: bool) -> str | None:
    """The child_key a new response may carry, or None when it must stay unlinked.

    A response typed by the child or an advocate links only with consent; one that came through
    a personal invitation link is linked by the invitation itself (see ``invitation_child_key``).
    """
    if not child_id:
        return None
    if channel == INVITE or (channel in (SELF, ADVOCATE) and consented):
        return child_key(child_id)
    return None


def create_invitations(child_ids: Iterable[str], survey_slug: str | None = None) -> tuple[str, list[PlacementInvitation]]:
    """A batch of personal invitation links, one per distinct CHILD id (blank ids skipped)."""
    batch = datetime.now(UTC).strftime("%Y%m%d%H%M%S") + "-" + secrets.token_hex(3)
    seen: set[str] = set()
    invitations = []
    for raw in child_ids:
        child_id = normalise_child_id(raw)
        if not child_id or child_id in seen:
            continue
        seen.add(child_id)
        invitations.append(
            PlacementInvitation(
                batch=batch,
                token=secrets.token_urlsafe(32),
                child_key=child_key(child_id),
                child_ref=child_id,
                survey_slug=survey_slug,
            )
        )
    db.session.add_all(invitations)
    db.session.commit()
    return batch, invitations


def batch_invitations(batch: str) -> list[PlacementInvitation]:
    """The invitations of one batch, in the order they were created."""
    return list(
        db.session.scalars(
            sa.select(PlacementInvitation).where(PlacementInvitation.batch == batch).order_by(PlacementInvitation.id)
        )
    )


def invitation_child_key(token: str, mark_used: bool = True) -> str | None:
    """The child_key of a personal invitation link, for the survey journey to set on the response.

    The survey flow calls this when a child opens ``/i/<token>`` and stores the result on the
    response with channel "invite". Unknown tokens give None.
    """
    invitation = db.session.scalar(sa.select(PlacementInvitation).where(PlacementInvitation.token == token))
    if invitation is None:
        return None
    if mark_used and invitation.used_at is None:
        invitation.used_at = datetime.now(UTC)
        db.session.commit()
    return invitation.child_key


def linked_responses() -> pd.DataFrame:
    """Submitted responses that carry a child_key found in the placement history."""
    from feedback_app.models.placements import PlacementChild
    from feedback_app.models.responses import Response

    query = (
        sa.select(Response.id, Response.reference, Response.channel, Response.child_key)
        .join(PlacementChild, PlacementChild.child_key == Response.child_key)
        .order_by(Response.id)
    )
    rows = db.session.execute(query).all()
    return pd.DataFrame(rows, columns=["response_id", "reference", "channel", "child_key"])
