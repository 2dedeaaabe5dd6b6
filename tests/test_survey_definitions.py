"""The survey engine's rules for definitions and for what counts as "promise kept"."""

from __future__ import annotations

import copy

import pytest

from feedback_app.surveys.definitions_loader import (
    PREFER_NOT,
    SurveyDefinitionError,
    build_survey,
    validate_definition,
)

PROMISES = {f"P{i}" for i in range(1, 10)}
BASE = {
    "slug": "demo", "version": 1, "title": "Demo", "audience": "young_person", "summary": "A demo.", "minutes": 3,
    "questions": [
        {"id": "safe", "type": "yes_sometimes_no", "text": "Do you feel safe?", "promise": "P1", "kept": ["yes"]},
        {"id": "moves", "type": "choice", "text": "Did your things move with you?", "promise": "P8",
         "kept": ["all"], "not_counted": ["not_moved"],
         "options": [{"value": "all", "label": "All of them"}, {"value": "some", "label": "Some"},
                     {"value": "not_moved", "label": "I have not moved"}]},
        {"id": "happy", "type": "scale5", "text": "How happy are you?", "promise": "P5", "kept": ["4", "5"]},
        {"id": "anything_else", "type": "text", "text": "Is there anything else you want to tell us?", "promise": None},
    ],
}


def test_kept_not_kept_and_neither() -> None:
    survey = build_survey(BASE)
    safe, moves, happy, text = survey.questions
    assert safe.kept_for(["yes"]) is True and safe.kept_for(["sometimes"]) is False
    assert safe.kept_for([PREFER_NOT]) is None
    assert moves.kept_for(["not_moved"]) is None  # "does not apply" is left out of the rate
    assert happy.kept_for(["4"]) is True and happy.kept_for(["3"]) is False
    assert text.kept_for(["text"]) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["questions"][0].update(promise="P99"), "unknown promise"),
        (lambda d: d["questions"][0].update(kept=["maybe"]), "unknown answers"),
        (lambda d: d["questions"][1].update(not_counted=["all"]), "both kept and not counted"),
        (lambda d: d["questions"].pop(), "last question must be free text"),
        (lambda d: d["questions"][2].update(id="safe"), "repeat"),
        (lambda d: d["questions"][0].pop("kept"), "kept"),
        (lambda d: d.update(slug="Bad Slug"), "slug"),
    ],
)
def test_invalid_definitions_are_refused_with_a_reason(change, message: str) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(BASE)
    change(data)
    with pytest.raises(SurveyDefinitionError, match=message):
        validate_definition(data, PROMISES)


def test_a_stored_version_cannot_be_edited(app_ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import yaml

    from feedback_app.surveys.registry import sync_survey_definitions

    data = copy.deepcopy(BASE)
    (tmp_path / "demo.v1.yaml").write_text(yaml.safe_dump(data))
    assert sync_survey_definitions(tmp_path) == ["demo v1"]
    data["questions"][0]["text"] = "Do you feel safe at home?"
    (tmp_path / "demo.v1.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(SurveyDefinitionError, match="add a new version"):
        sync_survey_definitions(tmp_path)
    # A new version file is the way to change a survey; the old one closes to new answers.
    data["version"] = 2
    (tmp_path / "demo.v2.yaml").write_text(yaml.safe_dump(data))
    (tmp_path / "demo.v1.yaml").unlink()
    assert sync_survey_definitions(tmp_path) == ["demo v2"]
    from feedback_app.surveys.registry import open_version_for

    assert open_version_for("demo").version == 2
