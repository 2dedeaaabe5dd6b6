"""Linking: a keyed hash of the CHILD id, consent or a personal invitation, never a raw id."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import sqlalchemy as sa
from flask import Flask

from feedback_app.extensions import db
from feedback_app.models.placements import PlacementChild, PlacementEpisode, PlacementInvitation
from feedback_app.models.responses import Response
from feedback_app.models.surveys import SurveyVersion
from feedback_app.placements.linking import (
    child_key,
    create_invitations,
    invitation_child_key,
    linked_responses,
    response_child_key,
)
from tests.placements.conftest import EPISODE_COLUMNS, HEADER_COLUMNS, csv_text, import_csv


def test_child_key_is_hmac_sha256_with_the_configured_secret(ctx: Flask) -> None:
    ctx.config["CHILD_KEY_SECRET"] = "a-secret-for-this-test"
    try:
        expected = hmac.new(b"a-secret-for-this-test", b"123456", hashlib.sha256).hexdigest()
        assert child_key("123456") == expected
        assert child_key(" 123456 ") == expected  # spaces around the id do not matter
        ctx.config["CHILD_KEY_SECRET"] = "another-secret"
        assert child_key("123456") != expected
    finally:
        ctx.config.pop("CHILD_KEY_SECRET")
    # Without its own secret the key falls back to SECRET_KEY.
    assert child_key("123456") == hmac.new(ctx.config["SECRET_KEY"].encode(), b"123456", hashlib.sha256).hexdigest()


def test_stored_history_holds_no_raw_child_id(ctx: Flask) -> None:
    import_csv({
        "header.csv": csv_text(HEADER_COLUMNS, "987654,1,01/01/2012,WBRI,,,"),
        "episodes.csv": csv_text(EPISODE_COLUMNS, "987654,01/01/2023,S,C2,N1,U4,PR1,,,,,,"),
    })
    assert db.session.scalars(sa.select(PlacementChild.child_key)).all() == [child_key("987654")]
    assert db.session.scalars(sa.select(PlacementEpisode.child_key)).all() == [child_key("987654")]


def test_responses_link_only_with_consent_or_an_invitation(ctx: Flask) -> None:
    assert response_child_key("123", "self", consented=False) is None
    assert response_child_key("123", "self", consented=True) == child_key("123")
    assert response_child_key("123", "advocate", consented=True) == child_key("123")
    assert response_child_key("123", "advocate", consented=False) is None
    assert response_child_key("123", "invite", consented=False) == child_key("123")
    assert response_child_key(None, "invite", consented=True) is None


def test_invitation_batch_links_a_response_to_the_history(ctx: Flask) -> None:
    import_csv({
        "header.csv": csv_text(HEADER_COLUMNS, "700,1,01/01/2012,WBRI,,,"),
        "episodes.csv": csv_text(EPISODE_COLUMNS, "700,01/01/2023,S,C2,N1,U4,PR1,,,,,,"),
    })
    _batch, invitations = create_invitations(["700", " 701", "700", ""])
    assert [i.child_ref for i in invitations] == ["700", "701"]  # one link a child
    token = invitations[0].token
    assert invitation_child_key("not-a-token") is None
    key = invitation_child_key(token)
    assert key == child_key("700")
    assert db.session.scalar(sa.select(PlacementInvitation.used_at).where(PlacementInvitation.token == token))
    # The CHILD id is stored encrypted: the column never holds the plain id.
    raw = db.session.execute(sa.text("SELECT child_ref FROM placement_invitations")).scalars().all()
    assert all(b"700" not in bytes(value) for value in raw)

    version = db.session.scalars(sa.select(SurveyVersion)).first()
    assert version is not None
    response = Response(
        reference=secrets.token_hex(4), draft_token=secrets.token_urlsafe(16), survey_version_id=version.id,
        survey_slug=version.slug, language="en", channel="invite", child_key=key, status="submitted",
    )
    unlinked = Response(
        reference=secrets.token_hex(4), draft_token=secrets.token_urlsafe(16), survey_version_id=version.id,
        survey_slug=version.slug, language="en", channel="self", child_key=None, status="submitted",
    )
    db.session.add_all([response, unlinked])
    db.session.commit()
    linked = linked_responses()
    assert linked["response_id"].tolist() == [response.id]
    assert linked["child_key"].tolist() == [child_key("700")]
