"""Demo "you said, we did" actions (invented, about the service, never about a child)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models.actions import Action, ActionText

DEMO_ACTIONS: list[dict[str, Any]] = [
    {
        "title": "Suitcases for every move", "owner": "Fostering team", "status": "done", "promise_ids": ["P8"], "theme_ids": ["belongings"],
        "texts": {
            "en": ("Your things were moved in bin bags.", "Every child who moves home now gets their own suitcase to keep."),
            "ar": ("نُقلت أغراضك في أكياس القمامة.", "كل طفل ينتقل إلى بيت جديد يحصل الآن على حقيبة سفر خاصة به."),
            "pl": ("Twoje rzeczy przewożono w workach na śmieci.", "Każde dziecko, które się przeprowadza, dostaje teraz własną walizkę."),
        },
    },
    {
        "title": "Family time at weekends", "owner": "Family time service", "status": "in_progress", "promise_ids": ["P5"], "theme_ids": ["family_contact"],
        "texts": {"en": ("You want to see your brothers and sisters more, and not only on school days.", "We are starting family time on Saturdays at two centres.")},
    },
    {
        "title": "Plans in easy words", "owner": "Independent reviewing officers", "status": "done", "promise_ids": ["P6"], "theme_ids": ["understanding_plans"],
        "texts": {"en": ("You did not understand your care plan.", "After each review you now get your plan in easy words, with pictures.")},
    },
    {
        "title": "Pocket money paid on time", "owner": "Finance and residential teams", "status": "planned", "promise_ids": ["P9"], "theme_ids": ["money"],
        "texts": {"en": ("Your pocket money is sometimes late.", "We are changing how homes are paid so pocket money arrives on the same day every week.")},
    },
]


def load_demo_actions(rng: random.Random) -> str:
    """Add the demo actions once."""
    if db.session.scalar(select(func.count()).select_from(Action)):
        return "Actions: already present"
    today = datetime.now(UTC).date()
    for number, item in enumerate(DEMO_ACTIONS):
        action = Action(
            title=item["title"], owner=item["owner"], status=item["status"], promise_ids=item["promise_ids"],
            theme_ids=item["theme_ids"], published=True, due_date=today + timedelta(days=30 * (number - 1)),
            texts=[ActionText(lang=lang, you_said=said, we_did=did) for lang, (said, did) in item["texts"].items()],
        )
        db.session.add(action)
    db.session.commit()
    return f"Actions: {len(DEMO_ACTIONS)} published on /you-said-we-did"
