"""The fixed vocabulary of the tagger: theme ids, safeguarding categories, sentiments, languages.

These ids are a contract with the Flask app, the exports and the scorecard
(`shared/taxonomy.yaml`); they are copied here so that the tagger runs without the
shared folder being present.
"""

from __future__ import annotations

THEMES: tuple[str, ...] = (
    "safety",
    "health",
    "emotional_wellbeing",
    "being_heard",
    "understanding_plans",
    "placement_stability",
    "carers",
    "social_worker",
    "family_contact",
    "friendships",
    "education",
    "future_independence",
    "aspirations",
    "achievements",
    "activities",
    "belongings",
    "identity",
    "money",
)

SAFEGUARDING_CATEGORIES: tuple[str, ...] = (
    "physical_abuse",
    "sexual_abuse",
    "emotional_abuse",
    "neglect",
    "locked_in_or_food",
    "self_harm",
    "suicidal",
    "sexual_exploitation",
    "criminal_exploitation",
    "missing",
    "frightening_adult",
)

# The theme a disclosure is about, per the labelling rules (nlp/data/README.md) and as the
# training data bears out (every physical-abuse comment in train is tagged safety, every
# self-harm one emotional_wellbeing, 93% of neglect ones health). A safeguarding rule match is
# therefore also rule evidence for its theme, negated or not ("nobody hurts me" is about safety).
THEME_OF_SAFEGUARDING_CATEGORY: dict[str, str] = {
    "physical_abuse": "safety",
    "sexual_abuse": "safety",
    "emotional_abuse": "safety",
    "sexual_exploitation": "safety",
    "criminal_exploitation": "safety",
    "missing": "safety",
    "frightening_adult": "safety",
    "self_harm": "emotional_wellbeing",
    "suicidal": "emotional_wellbeing",
    "neglect": "health",
    "locked_in_or_food": "health",
}

SENTIMENTS: tuple[str, ...] = ("positive", "negative", "mixed", "neutral")

# Every language the product supports, English first. Each needs nlp/lexicons/<code>.yaml.
LANGUAGES: tuple[str, ...] = ("en", "ar", "ur", "fa", "ckb", "ps", "pl", "ro", "ti", "sq")

# The writing system each language is normally typed in; used to notice a stated
# language that cannot be right for the text (e.g. lang="en" on Arabic script).
LANGUAGE_SCRIPT: dict[str, str] = {
    "en": "latin",
    "pl": "latin",
    "ro": "latin",
    "sq": "latin",
    "ar": "arabic",
    "ur": "arabic",
    "fa": "arabic",
    "ckb": "arabic",
    "ps": "arabic",
    "ti": "ethiopic",
}
