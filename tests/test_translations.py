"""Catalogues: complete for every supported locale, honest about how they were translated."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.i18n import locale_direction
from feedback_app.translation_status import read_status, restore_status

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "translations"


def _catalogue(code: str):  # type: ignore[no-untyped-def]
    with (CATALOGUES / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=code)


def _template():  # type: ignore[no-untyped-def]
    with (CATALOGUES / "messages.pot").open("rb") as handle:
        return read_po(handle)


def _supported(app: Flask) -> list[str]:
    return [c for c in app.config["SUPPORTED_LOCALES"] if c != "en"]


def test_every_supported_catalogue_is_complete_and_not_fuzzy(app: Flask) -> None:
    template_ids = {m.id for m in _template() if m.id}
    problems = []
    for code in _supported(app):
        catalogue = _catalogue(code)
        if catalogue.fuzzy:
            problems.append(f"{code}: header is fuzzy")
        for message in catalogue:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                problems.append(f"{code}: fuzzy: {message.id!r}")
            elif not all(strings):
                problems.append(f"{code}: untranslated: {message.id!r}")
        missing = template_ids - {m.id for m in catalogue if m.id}
        problems += [f"{code}: missing from catalogue: {mid!r}" for mid in sorted(missing, key=str)[:5]]
    assert problems == []


def test_template_is_up_to_date_with_the_code(tmp_path: Path) -> None:
    """Like eq-questionnaire-runner: CI fails when a new string was not extracted."""
    from babel.messages.frontend import CommandLineInterface

    fresh = tmp_path / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "lazy_gettext", "-k", "_l",
         "-o", str(fresh), "--no-location", "--sort-output", str(ROOT)]
    )
    with fresh.open("rb") as handle:
        fresh_ids = {m.id for m in read_po(handle) if m.id}
    assert fresh_ids - {m.id for m in _template() if m.id} == set(), "run `make translations-update`"


def test_placeholders_survive_translation(app: Flask) -> None:
    import re

    pattern = re.compile(r"%\(\w+\)s|%s")
    for code in _supported(app):
        for message in _catalogue(code):
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = set(pattern.findall(ids[-1]))
            for string in strings:
                assert set(pattern.findall(string)) <= wanted | {"%(num)s"}, (code, message.id)


def test_headers_say_how_each_catalogue_was_translated(app: Flask) -> None:
    for code in _supported(app):
        status = read_status(code)
        assert status.method != "not recorded" and status.reviewed != "not recorded", code


def test_status_survives_a_babel_rewrite(tmp_path: Path) -> None:
    import shutil

    from babel.messages.pofile import write_po

    shutil.copytree(CATALOGUES / "ar", tmp_path / "ar")
    before = read_status("ar", tmp_path)
    catalogue = _catalogue("ar")
    with (tmp_path / "ar" / "LC_MESSAGES" / "messages.po").open("wb") as handle:
        write_po(handle, catalogue)  # what `pybabel update` does: the X- fields are dropped
    assert read_status("ar", tmp_path).method == "not recorded"
    restore_status(before, tmp_path)
    assert read_status("ar", tmp_path) == before
    assert _catalogue("ar").get("Tell us what you think").string  # still a valid catalogue


@pytest.mark.parametrize("code", ["ar", "pl"])
def test_pages_are_in_the_chosen_language_and_remembered(client: FlaskClient, app: Flask, code: str) -> None:
    if code not in app.config["SUPPORTED_LOCALES"]:
        pytest.fail(f"{code} must be supported")
    catalogue = _catalogue(code)
    expected = catalogue.get("Tell us what you think").string
    html = client.get(f"/?lang={code}").get_data(as_text=True)
    assert f'<html lang="{code}" dir="{locale_direction(code)}">' in html
    assert expected in html
    # Remembered on the next page without ?lang=.
    again = client.get("/surveys/young-people").get_data(as_text=True)
    assert f'lang="{code}"' in again.split(">", 2)[1]
    assert catalogue.get("Before you start").string in again


def test_right_to_left_direction_comes_from_cldr() -> None:
    assert [locale_direction(c) for c in ("ar", "ur", "fa", "ckb", "ps")] == ["rtl"] * 5
    assert [locale_direction(c) for c in ("en", "pl", "ro", "ti", "sq")] == ["ltr"] * 5


def test_admins_see_each_catalogues_translation_status(app: Flask) -> None:
    from tests.staff.support import FreshContextClient, make_user, sign_in

    client = FreshContextClient(app, app.response_class, use_cookies=True)
    with app.app_context():
        sign_in(client, make_user("admin"))
    page = client.get("/staff/languages").get_data(as_text=True)
    assert page.count("needs review by a qualified translator") == len(_supported(app))
    assert 'lang="ti">ትግርኛ' in page
