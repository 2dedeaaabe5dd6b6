"""Babel extractor for survey definition files, so survey content is translated like the UI.

Registered as the ``survey_yaml`` extraction method in pyproject.toml; babel.cfg maps it to
``feedback_app/surveys/definitions/**.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import yaml

_TEXT_KEYS = ("title", "summary", "text", "hint")


def _walk(node: Any, context: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key in _TEXT_KEYS:
            if isinstance(node.get(key), str):
                yield node[key], f"{context}{key}"
        for option in node.get("options", []) if isinstance(node.get("options"), list) else []:
            if isinstance(option, dict) and isinstance(option.get("label"), str):
                yield option["label"], f"{context}option {option.get('value')}"
        easy = node.get("easy_read")
        if isinstance(easy, dict):
            yield from _walk_easy(easy, f"{context}easy read ")
        for question in node.get("questions", []) if isinstance(node.get("questions"), list) else []:
            yield from _walk(question, f"question {question.get('id')}: ")


def _walk_easy(easy: dict[str, Any], context: str) -> Iterator[tuple[str, str]]:
    for key in _TEXT_KEYS:
        if isinstance(easy.get(key), str):
            yield easy[key], f"{context}{key}"
    options = easy.get("options")
    if isinstance(options, dict):
        for value, label in options.items():
            if isinstance(label, str):
                yield label, f"{context}option {value}"


def extract_survey_yaml(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Yield (lineno, funcname, message, comments) for every translatable string in a survey file."""
    data = yaml.safe_load(fileobj.read().decode("utf-8"))
    slug = data.get("slug", "?") if isinstance(data, dict) else "?"
    for message, where in _walk(data, ""):
        yield 0, None, message, [f"survey {slug}, {where}"]


def extract_taxonomy_yaml(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Yield the promise and theme labels of taxonomy.yaml, so the Board reads them in its language."""
    data = yaml.safe_load(fileobj.read().decode("utf-8"))
    for kind in ("promises", "themes"):
        for item in data.get(kind, []) if isinstance(data, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("label"), str):
                yield 0, None, item["label"], [f"taxonomy {kind[:-1]} {item.get('id')}"]
