"""The child's journey through a survey, driven through the app as a browser without JavaScript would."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import Answer, Comment, Response
from feedback_app.surveys.definitions_loader import PREFER_NOT, Survey
from feedback_app.surveys.registry import open_version_for, survey_of
from tests.helpers import csrf_token, hidden, submit_page, text_of


def _survey(app: Flask, slug: str) -> Survey:
    with app.app_context():
        version = open_version_for(slug)
        assert version is not None
        return survey_of(version)


def _answer_for(question) -> dict[str, str]:  # type: ignore[no-untyped-def]
    if question.is_text:
        return {"answer": "I like my school and my foster carer is kind", "action": "continue"}
    return {"answer": question.options[0].value, "action": "continue"}


def _start(client: FlaskClient, slug: str) -> str:
    page = client.get(f"/surveys/{slug}")
    assert page.status_code == 200
    started = client.post(f"/surveys/{slug}/start", data={"csrf_token": csrf_token(text_of(page))})
    assert started.status_code == 302
    return started.location


def _complete(client: FlaskClient, survey: Survey) -> str:
    """Answer every question with its first option and reach the check page; returns its HTML."""
    url = _start(client, survey.slug)
    for question in survey.questions:
        assert url.endswith(f"/questions/{question.id}")
        saved = submit_page(client, url, _answer_for(question))
        assert saved.status_code == 302, text_of(saved)
        url = saved.location
    assert url.endswith(f"/surveys/{survey.slug}/check")
    return text_of(client.get(url))


def test_start_page_links_every_open_survey(client: FlaskClient, app: Flask) -> None:
    html = text_of(client.get("/"))
    for slug in ("children-8-11", "young-people", "care-leavers", "foster-carers"):
        assert f'href="/surveys/{slug}"' in html


def test_before_you_start_says_anonymous_and_the_limit_of_confidentiality(client: FlaskClient) -> None:
    html = text_of(client.get("/surveys/young-people"))
    assert "anonymous" in html
    assert "worried about your safety" in html
    assert "Get help now" in html


def test_whole_survey_is_stored_once_with_promise_evidence(client: FlaskClient, app: Flask) -> None:
    survey = _survey(app, "young-people")
    check = _complete(client, survey)
    assert "Check your answers" in check
    done = client.post(
        "/surveys/young-people/submit",
        data={"csrf_token": csrf_token(check), "draft": hidden(check, "draft")},
    )
    assert done.status_code == 302
    confirmation = text_of(client.get(done.location))
    reference = re.search(r'class="reference" dir="ltr">([^<]+)<', confirmation).group(1)
    assert "0800 1111" in confirmation and "999" in confirmation
    with app.app_context():
        response = db.session.scalar(select(Response).filter_by(reference=reference))
        assert response.status == "submitted"
        answers = {a.question_id: a for a in response.answers}
        assert set(answers) == {q.id for q in survey.questions}
        for question in survey.questions:
            answer = answers[question.id]
            assert answer.promise_id == question.promise
            if not question.is_text:
                assert answer.kept == (question.options[0].value in question.kept)
        assert next(c.text for c in response.comments) == "I like my school and my foster carer is kind"


def test_submitting_twice_stores_one_response_with_the_same_reference(client: FlaskClient, app: Flask) -> None:
    survey = _survey(app, "children-8-11")
    check = _complete(client, survey)
    form = {"csrf_token": csrf_token(check), "draft": hidden(check, "draft")}
    first = client.post("/surveys/children-8-11/submit", data=form)
    second = client.post("/surveys/children-8-11/submit", data=form)  # double click / retry
    assert first.location == second.location
    page1 = text_of(client.get(first.location))
    # A second tab on the check page after sending lands on the same confirmation.
    assert client.get("/surveys/children-8-11/check").location.endswith("/surveys/children-8-11/done")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response).filter_by(status="submitted")) == 1
        reference = db.session.scalar(select(Response.reference))
    assert reference in page1


def test_missing_answer_is_explained_and_nothing_is_saved(client: FlaskClient, app: Flask) -> None:
    survey = _survey(app, "young-people")
    url = _start(client, survey.slug)
    refused = submit_page(client, url, {"action": "continue"})
    assert refused.status_code == 400
    html = text_of(refused)
    assert "Choose an answer, or choose “I&#39;d rather not say”." in html
    assert 'aria-invalid' in html or "error-summary" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_rather_not_say_is_accepted_and_counts_neither_way(client: FlaskClient, app: Flask) -> None:
    survey = _survey(app, "young-people")
    url = _start(client, survey.slug)
    assert submit_page(client, url, {"answer": PREFER_NOT, "action": "continue"}).status_code == 302
    with app.app_context():
        answer = db.session.scalar(select(Answer))
        assert answer.values == [PREFER_NOT] and answer.kept is None


def test_invalid_choice_is_refused(client: FlaskClient, app: Flask) -> None:
    survey = _survey(app, "young-people")
    url = _start(client, survey.slug)
    refused = submit_page(client, url, {"answer": "<script>alert(1)</script>", "action": "continue"})
    assert refused.status_code == 400
    assert "not one of the choices" in text_of(refused)
    assert "<script>alert(1)</script>" not in text_of(refused)


def _text_question_url(client: FlaskClient, app: Flask, slug: str = "young-people") -> str:
    survey = _survey(app, slug)
    url = _start(client, slug)
    for question in survey.questions:
        if question.is_text:
            return url.rsplit("/", 1)[0] + "/" + question.id
    raise AssertionError("survey has no text question")


def test_over_long_text_is_counted_and_kept(client: FlaskClient, app: Flask) -> None:
    url = _text_question_url(client, app)
    long_text = "a" * 5001
    refused = submit_page(client, url, {"answer": long_text, "action": "continue"})
    html = text_of(refused)
    assert refused.status_code == 400
    assert "Your answer is 5,001 characters long. The most you can write is 5,000." in html
    assert long_text in html  # nothing typed is lost
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_html_and_script_are_stored_as_typed_and_shown_escaped(client: FlaskClient, app: Flask) -> None:
    url = _text_question_url(client, app)
    typed = "<b>hi</b><script>alert('x')</script> ' OR 1=1; DROP TABLE responses; -- 😀"
    assert submit_page(client, url, {"answer": typed, "action": "continue"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Comment.text)) == typed
    html = text_of(client.get("/surveys/young-people/check"))
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<script>alert('x')</script>" not in html


def test_control_and_bidi_characters_are_removed_and_the_child_is_told(client: FlaskClient, app: Flask) -> None:
    url = _text_question_url(client, app)
    typed = "my carer\u202e is nice\x07 \ufffd ok"
    refused = submit_page(client, url, {"answer": typed, "action": "continue"})
    html = text_of(refused)
    assert refused.status_code == 400
    assert "hidden characters" in html
    assert "my carer is nice  ok" in html  # shown cleaned, for the child to check and send
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 0
    accepted = submit_page(client, url, {"answer": "my carer is nice  ok", "action": "continue"})
    assert accepted.status_code == 302


def test_invalid_utf8_is_not_an_error_page(client: FlaskClient, app: Flask) -> None:
    url = _text_question_url(client, app)
    page = text_of(client.get(url))
    body = (
        f"csrf_token={csrf_token(page)}&draft={hidden(page, 'draft')}&version={hidden(page, 'version')}"
        "&action=continue&answer=caf%C3%A9+%FF%FE+ok"
    ).encode()
    refused = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
    assert refused.status_code == 400
    assert "could not read" in text_of(refused)
    assert "café  ok" in text_of(refused)  # the unreadable bytes are taken out, the rest kept


def test_tampered_survey_version_is_refused_and_typing_kept(client: FlaskClient, app: Flask) -> None:
    url = _text_question_url(client, app)
    refused = submit_page(client, url, {"answer": "keep me", "version": "999999", "action": "continue"})
    assert refused.status_code == 400
    assert "out of date" in text_of(refused) and "keep me" in text_of(refused)
    assert client.get("/surveys/no-such-survey").status_code == 404
    assert client.get("/surveys/young-people/questions/no_such_question").status_code == 404


def test_forged_csrf_token_reshows_the_page_with_what_was_typed(client: FlaskClient, app: Flask) -> None:
    url = _text_question_url(client, app)
    page = text_of(client.get(url))
    forged = client.post(
        url,
        data={"csrf_token": "forged", "draft": hidden(page, "draft"), "version": hidden(page, "version"),
              "answer": "please keep this", "action": "continue"},
    )
    assert forged.status_code == 400
    assert "please keep this" in text_of(forged)
    assert "timed out" in text_of(forged)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_expired_session_reshows_the_page_and_finds_the_draft(app: Flask) -> None:
    first = app.test_client()
    url = _text_question_url(first, app)
    page = text_of(first.get(url))
    draft, version = hidden(page, "draft"), hidden(page, "version")
    # A new browser session: no cookie, so no session and no CSRF token.
    later = app.test_client()
    reshown = later.post(url, data={"draft": draft, "version": version, "answer": "still here", "action": "continue"})
    assert reshown.status_code == 400 and "still here" in text_of(reshown)
    # Pressing Continue again on the re-shown page saves the answer into the same draft.
    html = text_of(reshown)
    saved = later.post(url, data={"csrf_token": csrf_token(html), "draft": hidden(html, "draft"),
                                  "version": hidden(html, "version"), "answer": "still here", "action": "continue"})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        assert db.session.scalar(select(Comment.text)) == "still here"


def test_change_link_returns_to_check_page(client: FlaskClient, app: Flask) -> None:
    survey = _survey(app, "children-8-11")
    _complete(client, survey)
    first = survey.questions[0]
    url = f"/surveys/children-8-11/questions/{first.id}?change=1"
    changed = submit_page(client, url, {"answer": first.options[-1].value, "action": "continue"})
    assert changed.location.endswith("/surveys/children-8-11/check")
    with app.app_context():
        answer = db.session.scalar(select(Answer).filter_by(question_id=first.id))
        assert answer.values == [first.options[-1].value]
        assert db.session.scalar(select(func.count()).select_from(Answer).filter_by(question_id=first.id)) == 1


def test_easy_read_wording_and_larger_text_until_turned_off(client: FlaskClient, app: Flask) -> None:
    survey = _survey(app, "young-people")
    question = survey.questions[0]
    url = _start(client, survey.slug)
    easy = text_of(client.get(url + "?easy=1"))
    assert str(escape(question.easy_read["text"])) in easy and 'class="easy-read' in easy
    assert str(escape(question.easy_read["text"])) in text_of(client.get(url))  # remembered
    usual = text_of(client.get(url + "?easy=0"))
    assert str(escape(question.text)) in usual and 'class="easy-read' not in usual
