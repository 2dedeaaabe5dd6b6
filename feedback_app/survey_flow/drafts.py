"""Storing a respondent's answers: drafts saved page by page, then one atomic submit.

All writes for the survey journey go through here, so the routes never touch the session
directly and every step commits or rolls back as a whole (requirement 24).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, cast

from flask import current_app, g
from sqlalchemy import Connection, Table, bindparam, delete, or_, select, update
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


class DraftRef(NamedTuple):
    """The columns of a draft that saving a page needs, read without the ORM."""

    id: int
    survey_slug: str
    survey_version_id: int
    status: str
    language: str
    expires_at: datetime | None


# The page save is the hottest request in the product (every page of every survey), so its
# lookup and its write are plain Core statements built once per dialect: no ORM unit of work,
# SQLAlchemy's statement cache hit every time. On PostgreSQL they run on an autocommit
# connection and the write is ONE statement (data-modifying CTEs), so a page save costs two
# round trips instead of six (BEGIN, lookup, upsert, touch, COMMIT and a ping).
_SAVE_STATEMENTS: dict[str, dict[str, Any]] = {}


def _hot_connection() -> Connection:
    """PostgreSQL: this request's autocommit connection; SQLite: the session's own connection
    (in-process, so round trips cost nothing and one transaction per save is simplest)."""
    if db.engine.dialect.name != "postgresql":
        return db.session.connection()
    connection = g.get("hot_connection")
    if connection is None:
        connection = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        g.hot_connection = connection
    return cast(Connection, connection)


def close_hot_connection(_exc: BaseException | None = None) -> None:
    """Teardown: give this request's autocommit connection back to the pool."""
    connection = g.pop("hot_connection", None)
    if connection is not None:
        connection.close()


def _save_statements() -> dict[str, Any]:
    dialect = db.engine.dialect.name
    built = _SAVE_STATEMENTS.get(dialect)
    if built is not None:
        return built
    built = _SAVE_STATEMENTS[dialect] = (
        _postgresql_save_statements() if dialect == "postgresql" else _sqlite_save_statements()
    )
    return built


def _tables() -> tuple[Table, Table, Table]:
    answers, comments, responses = (cast(Table, m.__table__) for m in (Answer, Comment, Response))
    return answers, comments, responses


_ANSWER_COLUMNS = ("response_id", "question_id", "values", "promise_id", "kept", "answered_at")
_COMMENT_COLUMNS = ("response_id", "question_id", "text", "language", "promise_id", "created_at")


def _postgresql_save_statements() -> dict[str, Any]:
    """One statement per kind of page: touch the draft (only while it is still a draft), then
    upsert the answer and the comment for the touched row only, so a response submitted in
    another tab a moment earlier is never changed; all or nothing, as one statement is."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    answers, comments, responses = _tables()

    def touched() -> Any:
        return (
            update(responses)
            .where(responses.c.id == bindparam("p_rid"), responses.c.status == bindparam("p_draft_status"))
            .values(expires_at=bindparam("p_expires"), updated_at=bindparam("p_now"))
            .returning(responses.c.id)
            .cte("touched")
        )

    def upsert_answer(draft: Any) -> Any:
        rows = select(
            draft.c.id,
            bindparam("p_qid", type_=answers.c.question_id.type),
            bindparam("p_values", type_=answers.c["values"].type),
            bindparam("p_promise", type_=answers.c.promise_id.type),
            bindparam("p_kept", type_=answers.c.kept.type),
            bindparam("p_now", type_=answers.c.answered_at.type),
        )
        stmt = pg_insert(answers).from_select(list(_ANSWER_COLUMNS), rows)
        # RETURNING says whether a row was written: psycopg reports no rowcount (-1) for an
        # INSERT ... SELECT under a WITH.
        return stmt.on_conflict_do_update(
            index_elements=["response_id", "question_id"],
            set_={c: stmt.excluded[c] for c in ("values", "promise_id", "kept", "answered_at")},
        ).returning(answers.c.response_id)

    def upsert_comment(draft: Any) -> Any:
        rows = select(
            draft.c.id,
            bindparam("p_qid", type_=comments.c.question_id.type),
            bindparam("p_text", type_=comments.c.text.type),
            draft.c.language if "language" in draft.c else bindparam("p_language", type_=comments.c.language.type),
            bindparam("p_promise", type_=comments.c.promise_id.type),
            bindparam("p_now", type_=comments.c.created_at.type),
        )
        stmt = pg_insert(comments).from_select(list(_COMMENT_COLUMNS), rows)
        stmt = stmt.on_conflict_do_update(
            index_elements=["response_id", "question_id"],
            set_={c: stmt.excluded[c] for c in ("text", "language", "promise_id")},
        )
        return stmt.returning(comments.c.id).cte("saved_comment")

    def drop_comment(draft: Any) -> Any:
        return (
            delete(comments)
            .where(comments.c.response_id.in_(select(draft.c.id)), comments.c.question_id == bindparam("p_qid"))
            .returning(comments.c.id)
            .cte("dropped_comment")
        )

    def touched_by_token() -> Any:
        # The same, found by the page's draft token; a draft of another survey or version, an
        # expired or a submitted one is not touched, and the caller takes the full path.
        return (
            update(responses)
            .where(
                responses.c.draft_token == bindparam("p_token"),
                responses.c.survey_slug == bindparam("p_slug"),
                responses.c.survey_version_id == bindparam("p_version"),
                responses.c.status == bindparam("p_draft_status"),
                or_(responses.c.expires_at.is_(None), responses.c.expires_at >= bindparam("p_now")),
            )
            .values(expires_at=bindparam("p_expires"), updated_at=bindparam("p_now"))
            .returning(responses.c.id, responses.c.language)
            .cte("touched")
        )

    statements: dict[str, Any] = {}
    for prefix, make in (("", touched), ("by_token_", touched_by_token)):
        plain, with_text, without_text = make(), make(), make()
        statements[prefix + "answer"] = upsert_answer(plain)
        statements[prefix + "answer_and_comment"] = upsert_answer(with_text).add_cte(upsert_comment(with_text))
        statements[prefix + "answer_without_comment"] = upsert_answer(without_text).add_cte(
            drop_comment(without_text)
        )
    return statements


def _sqlite_save_statements() -> dict[str, Any]:
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    answers, comments, responses = _tables()
    upsert_answer = sqlite_insert(answers)
    upsert_answer = upsert_answer.on_conflict_do_update(
        index_elements=["response_id", "question_id"],
        set_={c: upsert_answer.excluded[c] for c in ("values", "promise_id", "kept", "answered_at")},
    )
    upsert_comment = sqlite_insert(comments)
    upsert_comment = upsert_comment.on_conflict_do_update(
        index_elements=["response_id", "question_id"],
        set_={c: upsert_comment.excluded[c] for c in ("text", "language", "promise_id")},
    )
    return {
        "answer": upsert_answer,
        "comment": upsert_comment,
        "drop_comment": delete(comments).where(
            comments.c.response_id == bindparam("rid"), comments.c.question_id == bindparam("qid")
        ),
        "touch": update(responses)
        .where(responses.c.id == bindparam("rid"), responses.c.status == DRAFT)
        .values(expires_at=bindparam("expires"), updated_at=bindparam("now")),
    }


def can_save_by_token() -> bool:
    """Whether this database saves a page in one statement found by the draft token."""
    return bool(db.engine.dialect.name == "postgresql")


def save_answer_by_token(
    token: str, slug: str, version_id: int, question: Question, values: list[str], text: str | None
) -> bool:
    """PostgreSQL's page save in ONE round trip: find the draft by its token, touch it and upsert
    the answer in a single autocommit statement. False (nothing written) when the token names no
    open draft of this survey version; the caller then takes the full path, which says why."""
    now = datetime.now(UTC)
    params = {
        "p_token": token, "p_slug": slug, "p_version": version_id, "p_draft_status": DRAFT,
        "p_qid": question.id, "p_values": values, "p_promise": question.promise,
        "p_kept": question.kept_for(values), "p_now": now,
        "p_expires": now + timedelta(days=int(current_app.config["DRAFT_RETENTION_DAYS"])),
    }
    if not question.is_text:
        kind = "by_token_answer"
    elif text:
        kind = "by_token_answer_and_comment"
        params["p_text"] = text
    else:
        kind = "by_token_answer_without_comment"
    return _hot_connection().execute(_save_statements()[kind], params).first() is not None


def save_answer(
    response: Response | DraftRef, question: Question, values: list[str], text: str | None
) -> bool:
    """Save one page's answer and commit (replacing an earlier answer to the same question).

    Whatever the page, it never loads the draft's other rows, so saving page 20 costs what
    saving page 1 does. False when the response is no longer a draft (nothing is written).
    """
    if response.status != DRAFT:
        return False
    now = datetime.now(UTC)
    expires = now + timedelta(days=int(current_app.config["DRAFT_RETENTION_DAYS"]))
    statements = _save_statements()
    connection = _hot_connection()
    kept = question.kept_for(values)
    if connection.dialect.name == "postgresql":
        # p_ names: an execution parameter named like a column would become an extra SET.
        params = {"p_rid": response.id, "p_qid": question.id, "p_values": values, "p_promise": question.promise,
                  "p_kept": kept, "p_now": now, "p_expires": expires, "p_draft_status": DRAFT}
        if not question.is_text:
            kind = "answer"
        elif text:
            kind = "answer_and_comment"
            params.update(p_text=text, p_language=response.language)
        else:
            kind = "answer_without_comment"
        saved = connection.execute(statements[kind], params).first() is not None
    else:
        touched = connection.execute(statements["touch"], {"rid": response.id, "expires": expires, "now": now})
        saved = bool(touched.rowcount)
        if saved:
            connection.execute(
                statements["answer"],
                {"response_id": response.id, "question_id": question.id, "values": values,
                 "promise_id": question.promise, "kept": kept, "answered_at": now},
            )
            if question.is_text and text:
                connection.execute(
                    statements["comment"],
                    {"response_id": response.id, "question_id": question.id, "text": text,
                     "language": response.language, "promise_id": question.promise, "created_at": now},
                )
            elif question.is_text:
                connection.execute(statements["drop_comment"], {"rid": response.id, "qid": question.id})
        db.session.commit()
    if isinstance(response, Response):
        # The session's copy of the draft would otherwise be stale after a Core write.
        db.session.expire(response)
    return saved


_FIND_DRAFT_REF = select(
    Response.id, Response.survey_slug, Response.survey_version_id, Response.status,
    Response.language, Response.expires_at,
).where(Response.draft_token == bindparam("token"))


def find_draft_ref(token: str | None, slug: str) -> DraftRef | None:
    """Like find_draft, without the ORM: the page save's lookup (one round trip)."""
    if not token:
        return None
    row = _hot_connection().execute(_FIND_DRAFT_REF, {"token": token}).first()
    if row is None or row.survey_slug != slug:
        return None
    draft = DraftRef(*row)
    expires = _aware(draft.expires_at)
    if draft.status == DRAFT and expires is not None and expires < datetime.now(UTC):
        return None
    return draft


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
