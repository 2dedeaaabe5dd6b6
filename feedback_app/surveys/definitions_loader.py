"""Load, validate and describe survey definitions.

Surveys are data: one YAML file per survey version, ``<slug>.v<version>.yaml``, validated against
``schema.json`` and against the taxonomy. The stored copy in ``survey_versions`` is what answers
refer to, so editing a survey means adding a new version file, never changing an old one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from feedback_app.i18n import lazy_gettext as _l

SCHEMA_PATH = Path(__file__).with_name("schema.json")
PREFER_NOT = "prefer_not"

# Fixed answer sets; their words are translated through the same catalogues as the UI.
STANDARD_OPTIONS: dict[str, list[tuple[str, Any]]] = {
    "yes_sometimes_no": [("yes", _l("Yes")), ("sometimes", _l("Sometimes")), ("no", _l("No"))],
    "scale5": [
        ("1", _l("Very unhappy")),
        ("2", _l("Unhappy")),
        ("3", _l("Okay")),
        ("4", _l("Happy")),
        ("5", _l("Very happy")),
    ],
}


class SurveyDefinitionError(ValueError):
    """A definition file breaks the schema or the taxonomy."""


@dataclass(frozen=True)
class Option:
    """One answer a respondent can choose."""

    value: str
    label: Any  # str or a lazy translation
    picture: str | None = None


@dataclass(frozen=True)
class Question:
    """One question, shown on its own page."""

    id: str
    type: str
    text: str
    promise: str | None
    kept: frozenset[str]
    options: tuple[Option, ...]
    hint: str | None = None
    easy_read: dict[str, Any] = field(default_factory=dict)
    not_counted: frozenset[str] = frozenset()

    @property
    def is_text(self) -> bool:
        return self.type == "text"

    @property
    def allows_several(self) -> bool:
        return self.type == "multi"

    def option_values(self) -> set[str]:
        """Every value a valid answer may contain, "I'd rather not say" included."""
        return {o.value for o in self.options} | {PREFER_NOT}

    def kept_for(self, values: Iterable[str]) -> bool | None:
        """Whether an answer says the promise is kept: None for "rather not say" or free text."""
        chosen = set(values) - {PREFER_NOT}
        if self.is_text or not chosen or chosen <= self.not_counted:
            return None
        return bool(chosen & self.kept)


@dataclass(frozen=True)
class Survey:
    """A validated survey version."""

    slug: str
    version: int
    title: str
    audience: str
    summary: str
    minutes: int
    questions: tuple[Question, ...]
    picture: bool = False
    easy_read: dict[str, Any] = field(default_factory=dict)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def index_of(self, question_id: str) -> int:
        return next(i for i, q in enumerate(self.questions) if q.id == question_id)


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_definition(data: dict[str, Any], promise_ids: set[str]) -> None:
    """Raise SurveyDefinitionError unless ``data`` is a valid survey definition."""
    try:
        jsonschema.validate(data, _schema())
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top)"
        raise SurveyDefinitionError(f"{data.get('slug', '?')}: {where}: {exc.message}") from exc
    ids = [q["id"] for q in data["questions"]]
    if len(ids) != len(set(ids)):
        raise SurveyDefinitionError(f"{data['slug']}: question ids repeat")
    for q in data["questions"]:
        where = f"{data['slug']}: {q['id']}"
        if q.get("promise") is not None and q["promise"] not in promise_ids:
            raise SurveyDefinitionError(f"{where}: unknown promise {q['promise']}")
        allowed = (
            {o["value"] for o in q["options"]}
            if "options" in q
            else {v for v, _ in STANDARD_OPTIONS.get(q["type"], [])}
        )
        for key in ("kept", "not_counted"):
            unknown = set(q.get(key, [])) - allowed
            if unknown:
                raise SurveyDefinitionError(f"{where}: '{key}' names unknown answers {sorted(unknown)}")
        if set(q.get("kept", [])) & set(q.get("not_counted", [])):
            raise SurveyDefinitionError(f"{where}: an answer cannot be both kept and not counted")
        if "options" in q:
            values = [o["value"] for o in q["options"]]
            if len(values) != len(set(values)):
                raise SurveyDefinitionError(f"{where}: option values repeat")
    last = data["questions"][-1]
    if last["type"] != "text":
        raise SurveyDefinitionError(f"{data['slug']}: the last question must be free text")


def build_survey(data: dict[str, Any]) -> Survey:
    """Turn a validated definition into a Survey."""
    questions = []
    for q in data["questions"]:
        if q["type"] in STANDARD_OPTIONS:
            options = tuple(Option(v, label) for v, label in STANDARD_OPTIONS[q["type"]])
        else:
            options = tuple(
                Option(o["value"], o["label"], o.get("picture")) for o in q.get("options", [])
            )
        questions.append(
            Question(
                id=q["id"],
                type=q["type"],
                text=q["text"],
                promise=q.get("promise"),
                kept=frozenset(q.get("kept", [])),
                options=options,
                hint=q.get("hint"),
                easy_read=q.get("easy_read", {}),
                not_counted=frozenset(q.get("not_counted", [])),
            )
        )
    return Survey(
        slug=data["slug"],
        version=data["version"],
        title=data["title"],
        audience=data["audience"],
        summary=data["summary"],
        minutes=data["minutes"],
        questions=tuple(questions),
        picture=bool(data.get("picture", False)),
        easy_read=data.get("easy_read", {}),
    )


def checksum(data: dict[str, Any]) -> str:
    """A stable hash of a definition, to refuse edits to a version already stored."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def read_definition_files(directory: str | Path, promise_ids: set[str]) -> list[dict[str, Any]]:
    """Read and validate every ``*.yaml`` definition in ``directory``, oldest version first."""
    found = []
    for path in sorted(Path(directory).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise SurveyDefinitionError(f"{path.name}: not a mapping")
        validate_definition(data, promise_ids)
        expected = f"{data['slug']}.v{data['version']}.yaml"
        if path.name != expected:
            raise SurveyDefinitionError(f"{path.name}: should be named {expected}")
        found.append(data)
    return sorted(found, key=lambda d: (d["slug"], d["version"]))
