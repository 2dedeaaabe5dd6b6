"""Subject access: staff export every record held for a linked child, and the export is audited."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models import Answer, Comment, Response
from feedback_app.models.audit import AuditEntry
from feedback_app.placements.linking import child_key
from feedback_app.survey_flow.codes import new_draft_token, new_reference
from feedback_app.surveys.registry import open_version_id
from tests.placements.conftest import EPISODE_COLUMNS, HEADER_COLUMNS, csv_text, import_csv
from tests.staff.support import make_user


def test_export_holds_placements_responses_and_words_and_is_audited(app: Flask, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        import_csv({
            "header.csv": csv_text(HEADER_COLUMNS, "700100,1,01/01/2010,WBRI,,,", "700200,2,01/01/2011,WBRI,,,"),
            "episodes.csv": csv_text(EPISODE_COLUMNS, "700100,01/04/2020,S,C2,N1,U1,PR1,,X1,,,,", "700200,01/05/2020,S,C2,N1,U4,PR1,,X1,,,,"),
        })
        for child, words in (("700100", "I want to see my nan"), ("700200", "someone else's words")):
            response = Response(reference=new_reference(), draft_token=new_draft_token(), survey_version_id=open_version_id("young-people"),
                                survey_slug="young-people", status="submitted", language="en", channel="advocate", child_key=child_key(child))
            response.answers.append(Answer(question_id="anything_else", values=["text"], kept=None))
            response.comments.append(Comment(question_id="anything_else", text=words, language="en"))
            db.session.add(response)
        db.session.commit()
        admin = make_user("admin", "dpo@example.test")
        officer = make_user("participation_officer", "po@example.test")
        officer_email = officer.email
        admin_email = admin.email
    out = tmp_path / "sar.json"
    refused = runner.invoke(args=["subject-access", "export", "--child", "700100", "--out", str(out), "--by", officer_email])
    assert refused.exit_code != 0 and "admin" in refused.output
    result = runner.invoke(args=["subject-access", "export", "--child", "700100", "--out", str(out), "--by", admin_email])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["placement"]["episodes"][0]["place"] == "U1"
    assert [c["text"] for r in data["responses"] for c in r["comments"]] == ["I want to see my nan"]
    assert "someone else's words" not in out.read_text()
    assert "draft_token" not in out.read_text()
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).filter_by(action="subject_access_export"))
        assert entry is not None and entry.actor_email == admin_email
