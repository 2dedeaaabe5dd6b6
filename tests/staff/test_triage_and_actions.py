"""Triage (confirm or correct tags, export corrections), advocates, "you said, we did", audit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models import CommentTags
from feedback_app.models.alerts import Alert
from feedback_app.models.audit import AuditEntry, AuditLogIsAppendOnly
from feedback_app.models.triage import TagReview
from tests.staff.support import make_user, post, sign_in, submitted_response


def _tag(comment_id: int, themes: list[str], sentiment: str, lang: str = "en") -> None:
    db.session.add(CommentTags(comment_id=comment_id, status="tagged", lang=lang, themes=themes,
                               scores={t: 0.81 for t in themes}, sentiment=sentiment, model_version="test-1"))
    db.session.commit()


def test_officer_corrects_tags_links_promises_and_moves_to_the_next_comment(app: Flask, new_client, tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        _r1, first = submitted_response("The food at my placement is cold and I never get a say in what we eat.")
        _r2, second = submitted_response("Mi trabajadora social nunca contesta el teléfono.", lang="en")
        _tag(first.id, ["health"], "negative")
        _tag(second.id, ["social_worker"], "negative", lang="es")
        officer = make_user("participation_officer")
        client = new_client()
        sign_in(client, officer)
        first_id, second_id = first.id, second.id
    queue = client.get("/triage/").get_data(as_text=True)
    assert f"#{first_id}" in queue and "81%" in queue
    assert "cold" not in queue  # the list never shows children's words
    only_es = client.get("/triage/?lang=es").get_data(as_text=True)
    assert f"#{second_id}" in only_es and f"#{first_id}<" not in only_es
    by_promise = client.get("/triage/?promise=P5").get_data(as_text=True)
    assert f"#{second_id}" in by_promise and f"#{first_id}<" not in by_promise
    page = client.get(f"/triage/comments/{first_id}").get_data(as_text=True)
    assert "never get a say" in page and 'id="theme-health" name="themes" value="health" checked' in page
    saved = post(client, f"/triage/comments/{first_id}", f"/triage/comments/{first_id}",
                 {"themes": ["health", "being_heard"], "sentiment": "negative", "promises": ["P1", "P2"]})
    assert saved.status_code == 302 and saved.headers["Location"].startswith(f"/triage/comments/{second_id}")
    assert f"#{first_id}<" not in client.get("/triage/").get_data(as_text=True)  # reviewed leaves the new queue
    with app.app_context():
        review = db.session.scalars(select(TagReview)).one()
        assert review.themes == ["being_heard", "health"] and review.promise_ids == ["P1", "P2"]
        assert review.changed and review.tagger_themes == ["health"]
        audit = [(a.action, a.target_id) for a in db.session.scalars(select(AuditEntry))]
        assert ("view_comment_text", str(first_id)) in audit and ("tag_review", str(first_id)) in audit
    result = runner.invoke(args=["triage", "export-corrections", "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for f in tmp_path.glob("*.jsonl") for line in f.read_text(encoding="utf-8").splitlines()]
    assert lines == [{"id": f"comment-{first_id}", "text": "The food at my placement is cold and I never get a say in what we eat.",
                      "lang": "en", "themes": ["being_heard", "health"], "safeguarding": False, "sentiment": "negative"}]


def test_marking_a_comment_as_a_safeguarding_concern_raises_an_alert(app: Flask, new_client) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        _r, comment = submitted_response("Someone at the house takes my phone and locks me in.")
        _tag(comment.id, ["belongings"], "negative")
        officer = make_user("participation_officer")
        client = new_client()
        sign_in(client, officer)
        comment_id = comment.id
    post(client, f"/triage/comments/{comment_id}", f"/triage/comments/{comment_id}",
         {"themes": ["belongings", "safety"], "sentiment": "negative", "safeguarding": "y"})
    with app.app_context():
        alert = db.session.scalars(select(Alert)).one()
        assert (alert.source, alert.comment_id, alert.severity) == ("reviewer", comment_id, "high")


def test_advocate_records_consent_and_whose_words_then_fills_the_childs_survey(app: Flask, new_client) -> None:  # type: ignore[no-untyped-def]
    from feedback_app.models import Response
    from feedback_app.models.staff import AdvocateVisit

    with app.app_context():
        advocate = make_user("advocate")
        client = new_client()
        sign_in(client, advocate)
    refused = post(client, "/advocate/", "/advocate/start", {"survey": "young-people", "words": "own"})
    assert refused.status_code == 400 and "consent" in refused.get_data(as_text=True)
    started = post(client, "/advocate/", "/advocate/start",
                   {"survey": "young-people", "consent": "yes", "words": "with", "link_child": "yes", "child_id": "CH-1234", "lang": "pl"})
    assert started.status_code == 302 and "/surveys/young-people/questions/" in started.headers["Location"]
    assert client.get(started.headers["Location"]).status_code == 200  # the advocate is in the child's journey
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        visit = db.session.scalars(select(AdvocateVisit)).one()
        assert response.channel == "advocate" and response.language == "pl"
        assert response.child_key and "CH-1234" not in response.child_key and len(response.child_key) == 64
        assert visit.child_consented and visit.words == "with" and visit.advocate_id == advocate.id


def test_actions_reach_the_public_page_in_the_readers_language_without_personal_data(app: Flask, new_client) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        officer = make_user("participation_officer")
        client = new_client()
        sign_in(client, officer)
    form = {
        "title": "Pocket money review", "owner": "Children in care council lead", "due_date": "2025-09-30",
        "status": "done", "promises": ["P2"], "themes": ["money"], "published": "y",
        "you_said_en": "Pocket money was different in every home.", "we_did_en": "Every home now pays the same amount.",
        "you_said_pl": "Kieszonkowe było różne w każdym domu.", "we_did_pl": "Teraz każdy dom płaci tyle samo.",
    }
    missing = post(client, "/actions/new", "/actions/new", {**form, "we_did_en": ""})
    assert missing.status_code == 400 and "Pocket money was different" in missing.get_data(as_text=True)
    assert post(client, "/actions/new", "/actions/new", form).status_code == 302
    public = new_client()
    english = public.get("/you-said-we-did?lang=en").get_data(as_text=True)
    assert "Every home now pays the same amount." in english
    polish = public.get("/you-said-we-did?lang=pl").get_data(as_text=True)
    assert "Teraz każdy dom płaci tyle samo." in polish and "Every home now pays" not in polish
    arabic = public.get("/you-said-we-did?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in arabic and 'lang="en" dir="ltr">Every home now pays' in arabic  # fallback, marked as English
    assert "officer" not in english.lower() and "Pocket money review" not in english


def test_audit_log_is_append_only_and_tampering_is_detected(app: Flask) -> None:
    from feedback_app.audit.log import record, verify_chain

    with app.app_context():
        for n in range(3):
            record("export", target_type="test", target_id=n, commit=True)
        assert verify_chain() == []
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).first()
        entry.action = "nothing_to_see"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.delete(db.session.scalars(select(AuditEntry)).first())
            db.session.commit()
        db.session.rollback()
        # Someone with database access edits a row behind the application's back.
        first_id = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id))
        db.session.execute(db.text("UPDATE audit_log SET actor_email = 'someone-else' WHERE id = :i"), {"i": first_id})
        db.session.commit()
        assert verify_chain() == [first_id]


def test_admin_reads_the_audit_log_and_sees_tampering(app: Flask, new_client) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        admin = make_user("admin")
        client = new_client()
        sign_in(client, admin)
    page = client.get("/audit/").get_data(as_text=True)
    assert "sign_in" in page and "admin@example.test" in page and "nothing has been changed" in page
