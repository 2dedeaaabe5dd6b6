"""Targets and story notes on top of the demo data, so the demo scorecard shows RAG and stories."""

from __future__ import annotations

import random
from datetime import UTC, datetime

# Invented notes, written for the demo: the service, never a child.
DEMO_STORIES = {
    "P1": "Online safety sessions started in children's homes this quarter; the new school "
          "anti-bullying leads began in September.",
    "P2": "Reviews now start with the young person's own agenda; fewer reviews were held in August.",
    "P5": "Three social work teams had vacancies this quarter, so more children changed worker.",
    "P6": "Care plans are now shared in easy read after each review.",
    "P9": "Personal advisers started drop-in sessions at two colleges.",
}
DEMO_TARGETS = {"P1": 0.75, "P2": 0.6, "P3": 0.65, "P4": 0.6, "P5": 0.7, "P6": 0.55, "P7": 0.6, "P8": 0.7, "P9": 0.65}


def load_demo_scorecard(rng: random.Random) -> str:
    """Add demo targets and story notes (tables created if the migration has not landed yet)."""
    from sqlalchemy import select

    from feedback_app.extensions import db
    from feedback_app.models.scorecard import SCORECARD_TABLES, ScorecardTarget, StoryNote
    from feedback_app.scorecard.periods import quarter_label

    db.metadata.create_all(db.engine, tables=SCORECARD_TABLES)  # type: ignore[arg-type]
    quarter = quarter_label(datetime.now(UTC).date())
    for promise_id, target in DEMO_TARGETS.items():
        if db.session.get(ScorecardTarget, promise_id) is None:
            db.session.add(ScorecardTarget(promise_id=promise_id, target=target, amber_margin=0.05))
    for promise_id, text in DEMO_STORIES.items():
        exists = db.session.scalar(select(StoryNote.id).filter_by(promise_id=promise_id, quarter=quarter))
        if exists is None:
            db.session.add(StoryNote(promise_id=promise_id, quarter=quarter, text=text))
    db.session.commit()
    return f"Scorecard: {len(DEMO_TARGETS)} targets and {len(DEMO_STORIES)} story notes for {quarter}"


def register_demo_loader() -> None:
    """Append the loader to the demo command's list once."""
    from feedback_app.cli.demo import DEMO_LOADERS

    if load_demo_scorecard not in DEMO_LOADERS:
        DEMO_LOADERS.append(load_demo_scorecard)
