"""Language detection without downloads, and routing of a stated language that cannot be right."""

from __future__ import annotations

import pytest

from nlp import Tagger


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my social worker never answers", "en"),
        ("Szkoła jest fajna, ale tęsknię za mamą", "pl"),
        ("Îmi este dor de mama și de frații mei", "ro"),
        ("Më mungon shumë nëna ime dhe vëllai", "sq"),
        ("ሰላም ኣለኹ ኣብ ቤት ትምህርቲ", "ti"),
        ("أنا مشتاق لأمي كثيرة والمدرسة صعبة", "ar"),
        ("مجھے اپنی امی کی بہت یاد آتی ہے", "ur"),
        ("من دلم برای مادرم خیلی تنگ شده", "fa"),
        ("زۆر بیری دایکم دەکەم", "ckb"),
        ("زه خپلې مور ته ډېر خفه یم", "ps"),
    ],
)
def test_detects_the_language_a_child_wrote_in(tagger: Tagger, text: str, expected: str) -> None:
    result = tagger.tag(text)
    assert result.lang == expected
    assert result.lang_detected


def test_given_language_is_kept(tagger: Tagger) -> None:
    result = tagger.tag("school is good", lang="en")
    assert result.lang == "en"
    assert not result.lang_detected


def test_stated_language_that_does_not_fit_the_script_is_detected_instead(tagger: Tagger) -> None:
    # An Arabic comment submitted from an English-language page must not be read as English.
    result = tagger.tag("أنا مشتاق لأمي كثيرة", lang="en")
    assert result.lang == "ar"
    assert result.lang_detected


def test_tag_many_keeps_order_across_languages(tagger: Tagger) -> None:
    texts = ["my carers are kind", "Tęsknię za mamą", "ሰላም ኣለኹ", "the bus is late"]
    results = tagger.tag_many(texts)
    assert [r.lang for r in results] == ["en", "pl", "ti", "en"]
