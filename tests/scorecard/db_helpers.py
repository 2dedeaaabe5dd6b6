"""Put submitted responses into the test database, as the survey flow would."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models import Answer, Comment, Response, SurveyVersion
from feedback_app.models.responses import SUBMITTED

_serial = itertools.count(1)


def add_responses(survey: str, submitted_at: datetime, answers: list[tuple[str, bool | None]], how_many: int,
                  language: str = "en", child_key: str | None = None, comment: str | None = None) -> list[int]:
    """``how_many`` submitted responses to ``survey``, each with the given (promise, kept) answers."""
    version_id = db.session.scalar(select(SurveyVersion.id).filter_by(slug=survey, open=True))
    ids = []
    for _ in range(how_many):
        n = next(_serial)
        response = Response(
            reference=f"T{n:08d}", draft_token=f"token-{n}", survey_version_id=version_id, survey_slug=survey,
            status=SUBMITTED, channel="self", language=language, child_key=child_key,
            created_at=submitted_at, submitted_at=submitted_at.astimezone(UTC),
        )
        for k, (promise, kept) in enumerate(answers):
            response.answers.append(Answer(question_id=f"q{k}", values=["x"], promise_id=promise, kept=kept))
        if comment:
            response.comments.append(Comment(question_id="anything_else", promise_id=None, text=comment,
                                             language=language, created_at=submitted_at))
        db.session.add(response)
        db.session.flush()
        ids.append(response.id)
    db.session.commit()
    return ids
