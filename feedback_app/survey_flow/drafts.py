"""Storing a respondent's answers: drafts saved page by page, then one atomic submit.

All writes for the survey journey go through here, so the routes never touch the session
directly and every step commits or rolls back as a whole (requirement 24).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError

from feedback_app.extensions import db
from feedback_app.models import Answer, Comment, Response
from feedback_app.models.responses import DRAFT, SUBMITTED
from feedback_app.survey_flow.codes import (
    new_draft_token,
    new_reference,
    new_resume_code,
    resume_code_hash,
)
from feedback_app.surveys.definitions_loader import Question, Survey


def _expiry() -> datetime:
    return datetime.now(UTC) + timedelta(days=int(current_app.config["DRAFT_RETENTION_DAYS"]))


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes even for timezone=True columns; they are stored as UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def start_draft(
    version_id: int, slug: str, language: str, channel: str = "self", child_key: str | None = None
) -> Response:
    """Create and commit an empty draft of survey version ``version_id``.

    ``child_key`` is set only with consent or through a personal invitation (never by default).
    """
    for _ in range(5):
        response = Response(
            reference=new_reference(),
            draft_token=new_draft_token(),
            survey_version_id=version_id,
            survey_slug=slug,
            status=DRAFT,
            channel=channel,
            language=language,
            child_key=child_key,
            expires_at=_expiry(),
        )
        db.session.add(response)
        try:
            db.session.commit()
            return response
        except IntegrityError:  # a reference clash: vanishingly rare, try another
            db.session.rollback()
    raise RuntimeError("Could not allocate a unique reference")


def find_draft(token: str | None, slug: str | None = None) -> Response | None:
    """The unexpired draft (or just-submitted response) with this token, or None."""
    if not token:
        return None
    response = db.session.scalar(_FIND_DRAFT, {"token": token})
    if response is None or (slug is not None and response.survey_slug != slug):
        return None
    expires = _aware(response.expires_at)
    if response.status == DRAFT and expires is not None and expires < datetime.now(UTC):
        return None
    return response


def saved_answers(response: Response) -> dict[str, list[str]]:
    """Question id -> saved values."""
    return {a.question_id: list(a.values) for a in response.answers}


def saved_texts(response: Response) -> dict[str, str]:
    """Question id -> saved free text (decrypted)."""
    return {c.question_id: c.text for c in response.comments}


# The page save is the hottest write in the product (every page of every survey), so its
# statements are built once per dialect and run on the session's connection as plain Core: no
# ORM unit of work, and SQLAlchemy's statement cache is hit every time.
_SAVE_STATEMENTS: dict[str, dict[str, Any]] = {}


def _save_statements() -> dict[str, Any]:
    dialect = db.engine.dialect.name
    built = _SAVE_STATEMENTS.get(dialect)
    if built is not None:
        return built
    dialect_insert: Any
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    answers, comments, responses = (cast(Table, m.__table__) for m in (Answer, Comment, Response))
    upsert_answer = dialect_insert(answers)
    upsert_answer = upsert_answer.on_conflict_do_update(
        index_elements=["response_id", "question_id"],
        set_={c: upsert_answer.excluded[c] for c in ("values", "promise_id", "kept", "answered_at")},
    )
    upsert_comment = dialect_insert(comments)
    upsert_comment = upsert_comment.on_conflict_do_update(
        index_elements=["response_id", "question_id"],
        set_={c: upsert_comment.excluded[c] for c in ("text", "language", "promise_id")},
    )
    built = _SAVE_STATEMENTS[dialect] = {
        "answer": upsert_answer,
        "comment": upsert_comment,
        "drop_comment": delete(comments).where(
            comments.c.response_id == bindparam("rid"), comments.c.question_id == bindparam("qid")
        ),
        "touch": update(responses)
        .where(responses.c.id == bindparam("rid"), responses.c.status == DRAFT)
        .values(expires_at=bindparam("expires"), updated_at=bindparam("now")),
    }
    return built


def save_answer(response: Response, question: Question, values: list[str], text: str | None) -> None:
    """Save one page's answer and commit (replacing an earlier answer to the same question).

    One upsert and one update in one transaction, whatever the page: it never loads the draft's
    other rows, so saving page 20 costs what saving page 1 does.
    """
    if response.status != DRAFT:
        return
    now = datetime.now(UTC)
    statements = _save_statements()
    connection = db.session.connection()
    connection.execute(
        statements["answer"],
        {"response_id": response.id, "question_id": question.id, "values": values,
         "promise_id": question.promise, "kept": question.kept_for(values), "answered_at": now},
    )
    if question.is_text:
        if text:
            connection.execute(
                statements["comment"],
                {"response_id": response.id, "question_id": question.id, "text": text,
                 "language": response.language, "promise_id": question.promise, "created_at": now},
            )
        else:
            connection.execute(statements["drop_comment"], {"rid": response.id, "qid": question.id})
    expires = now + timedelta(days=int(current_app.config["DRAFT_RETENTION_DAYS"]))
    connection.execute(statements["touch"], {"rid": response.id, "expires": expires, "now": now})
    db.session.commit()
    # The session's copy of the draft would otherwise be stale after a Core write.
    db.session.expire(response)


_FIND_DRAFT = select(Response).where(Response.draft_token == bindparam("token"))


def first_unanswered(survey: Survey, response: Response) -> Question | None:
    """Where a returning respondent picks up: the first question with no saved answer."""
    answered = {a.question_id for a in response.answers}
    return next((q for q in survey.questions if q.id not in answered), None)


def issue_resume_code(response: Response) -> str:
    """Give the draft a new "come back later" code; only its hash is stored."""
    for _ in range(10):
        code = new_resume_code()
        response.resume_code_hash = resume_code_hash(code)
        response.expires_at = _expiry()
        try:
            db.session.commit()
            return code
        except IntegrityError:
            db.session.rollback()
    raise RuntimeError("Could not allocate a unique resume code")


def draft_for_code(code: str) -> Response | None:
    """The unexpired draft a resume code belongs to."""
    response = db.session.scalar(
        select(Response).filter_by(resume_code_hash=resume_code_hash(code), status=DRAFT)
    )
    if response is None:
        return None
    expires = _aware(response.expires_at)
    if expires is not None and expires < datetime.now(UTC):
        return None
    return response


def submit(response: Response) -> bool:
    """Mark the draft submitted, exactly once; True if this call submitted it.

    The conditional UPDATE makes a double click, a retry or a second tab harmless: only one
    request sees the row still a draft, and every one of them shows the same reference.
    """
    now = datetime.now(UTC)
    result = db.session.execute(
        update(Response)
        .where(Response.id == response.id, Response.status == DRAFT)
        .values(status=SUBMITTED, submitted_at=now, resume_code_hash=None, expires_at=None)
    )
    db.session.commit()
    db.session.refresh(response)
    return bool(result.rowcount)  # type: ignore[attr-defined]


def purge_expired_drafts(now: datetime | None = None) -> int:
    """Delete drafts past their expiry; returns how many (a scheduled command runs this)."""
    moment = now or datetime.now(UTC)
    expired = list(db.session.scalars(select(Response).where(Response.status == DRAFT, Response.expires_at < moment)))
    for response in expired:
        db.session.delete(response)
    db.session.commit()
    return len(expired)
