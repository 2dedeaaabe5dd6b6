"""The safeguarding flag: disclosures in every language are flagged, ordinary text is not."""

from __future__ import annotations

import pytest

from nlp import Tagger
from nlp.lexicon import lexicon_languages, load_lexicon, load_rule_lexicon
from nlp.pipeline import build_pipeline
from nlp.tagger import theme_rule_labels
from nlp.taxonomy import SAFEGUARDING_CATEGORIES

ENGLISH_DISCLOSURES = {
    "physical_abuse": "my carer hits me when she gets angry",
    "sexual_abuse": "he comes into my room at night and says its our secret",
    "emotional_abuse": "she calls me stupid and says nobody wants me",
    "neglect": "theres no food in the house and i go to bed hungry",
    "locked_in_or_food": "they lock me in my room and i dont get tea if im bad",
    "self_harm": "started cutting again last week",
    "suicidal": "honestly i just want to unalive myself",
    "sexual_exploitation": "my older boyfriend gives me vapes and made me send pics",
    "criminal_exploitation": "i have to carry packages for them cos i owe them money",
    "missing": "i ran away last night and slept in a park",
    "frightening_adult": "a man outside keeps waiting for me after school",
}

HARD_NEGATIVES = [
    "this survey is killing me",
    "I cut my hair",
    "nobody hurts me here",
    "the film was sick",
    "dying to go to Flamingo Land",
    "i feel safe now with my carers",
    "no one hits me at this placement",
]


@pytest.mark.parametrize(("category", "text"), sorted(ENGLISH_DISCLOSURES.items()))
def test_english_disclosure_is_flagged_with_a_reason(
    tagger: Tagger, category: str, text: str
) -> None:
    result = tagger.tag(text, lang="en")
    assert result.safeguarding, f"{category} not flagged: {text!r}"
    assert result.safeguarding_reasons, "a flag must say which rule or score fired"


def test_slang_for_suicide_is_flagged_and_named(tagger: Tagger) -> None:
    for text in ("i just wanna kms", "thinking about unaliving tbh", "i want to end it all"):
        result = tagger.tag(text, lang="en")
        assert result.safeguarding, text
        assert any(
            reason.startswith(("suicidal", "model")) for reason in result.safeguarding_reasons
        )


def test_reason_names_the_words_that_matched(tagger: Tagger) -> None:
    result = tagger.tag("i want to kms", lang="en")
    assert "suicidal: matched 'kms'" in result.safeguarding_reasons


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_ordinary_text_with_alarming_words_is_not_flagged(tagger: Tagger, text: str) -> None:
    result = tagger.tag(text, lang="en")
    assert not result.safeguarding, f"false alarm on {text!r}: {result.safeguarding_reasons}"


def test_denial_is_recorded_as_suppressed_for_audit(tagger: Tagger) -> None:
    result = tagger.tag("nobody hurts me here", lang="en")
    assert not result.safeguarding
    assert any("negated by 'nobody'" in note for note in result.safeguarding_suppressed)


def test_negation_does_not_clear_neglect_or_self_harm(tagger: Tagger) -> None:
    # "nobody feeds me" and "don't want to live" contain negations and are still disclosures.
    assert tagger.tag("nobody feeds me at weekends", lang="en").safeguarding
    assert tagger.tag("i dont want to live anymore", lang="en").safeguarding


@pytest.mark.parametrize(
    "text",
    ["its not fair he hits me", "carer says if im not grateful she'll send me back"],
)
def test_a_negation_in_another_clause_does_not_clear_a_disclosure(text: str) -> None:
    """The "not" belongs to the first clause; a new subject ("he", "she'll") starts the clause
    the disclosure is in. Rules alone, so the model cannot hide a negation bug."""
    rules_only = build_pipeline(load_rule_lexicon("en"), with_models=False)
    doc = rules_only(text)
    flagged = [h for h in doc._.rule_hits if h.kind == "sg" and not h.negated_by]
    assert flagged, f"{text!r}: {[(h.label, h.negated_by) for h in doc._.rule_hits]}"


def test_past_disclosure_still_flags(tagger: Tagger) -> None:
    result = tagger.tag("my old carer used to hit me", lang="en")
    assert result.safeguarding
    assert any("past marker" in reason for reason in result.safeguarding_reasons)


@pytest.mark.parametrize("lang", [lang for lang in lexicon_languages() if lang != "en"])
def test_each_language_flags_its_own_lexicon_words(tagger: Tagger, lang: str) -> None:
    """A comment using a lexicon's self-harm, suicide or abuse words is flagged in that language."""
    lexicon = load_lexicon(lang)
    checked = 0
    for category in ("self_harm", "suicidal", "physical_abuse"):
        phrases = lexicon.safeguarding[category].phrases
        if not phrases:
            continue
        result = tagger.tag(phrases[0], lang=lang)
        assert result.safeguarding, f"{lang} {category}: {phrases[0]!r} not flagged"
        checked += 1
    assert checked, f"{lang} lexicon has no safeguarding phrases"


@pytest.mark.parametrize("lang", lexicon_languages())
def test_every_lexicon_covers_every_safeguarding_category(lang: str) -> None:
    lexicon = load_lexicon(lang)
    missing = [
        c
        for c in SAFEGUARDING_CATEGORIES
        if not (
            lexicon.safeguarding.get(c)
            and (lexicon.safeguarding[c].phrases or lexicon.safeguarding[c].regex)
        )
    ]
    assert not missing, f"{lang} lacks {missing}"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Мне здесь плохо", "unknown script"),
        ("   ...   ", "empty after normalising"),
        ("这里不好", "unknown script"),
    ],
)
def test_unreadable_text_goes_to_a_human(tagger: Tagger, text: str, reason: str) -> None:
    result = tagger.tag(text)
    assert result.safeguarding
    assert not result.readable
    assert any(r.startswith("unreadable") and reason in r for r in result.safeguarding_reasons)


def test_a_tagger_error_is_flagged_not_raised(
    tagger: Tagger, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tagger.models["en"]

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(model.nlp, "pipe", broken)
    result = tagger.tag("my carer is nice", lang="en")
    assert result.safeguarding
    assert not result.readable
    assert "unreadable: tagger error (RuntimeError)" in result.safeguarding_reasons


def test_a_disclosure_is_rule_evidence_for_the_theme_it_is_about() -> None:
    """"they lock me in my room at night" names no health word, but a locked-in/food disclosure
    is about health (the labelling rules); the rules report that theme for the blend to use."""
    rules_only = build_pipeline(load_rule_lexicon("en"), with_models=False)
    doc = rules_only("they lock me in my room at night")
    assert {h.kind for h in doc._.rule_hits} == {"sg"}
    assert theme_rule_labels(doc._.rule_hits) == {"health"}
    # Negated or not, "nobody hurts me here" is about safety.
    assert "safety" in theme_rule_labels(rules_only("nobody hurts me here")._.rule_hits)
