"""Demo placement history for `flask --app feedback_app demo`: a Leeds-sized synthetic 903 return.

About 1,600 children over ten collection years, imported through the real importer, and about a
third of the demo responses from children and young people linked to a child by ``child_key`` (as
personal invitation links or advocates' consented links would), so the scorecard's placement
breakdowns have something to show.
"""

from __future__ import annotations

import random
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select, update

from feedback_app.extensions import db
from feedback_app.models import Response
from feedback_app.models.placements import PlacementEpisode
from feedback_app.placements.importer import run_import
from feedback_app.placements.parse import SourceFile
from feedback_app.placements.postcodes import import_postcodes
from feedback_app.placements.synthetic import generate

LINKED_SURVEYS = ("children-8-11", "young-people", "care-leavers")


def last_31_march(today: date) -> date:
    """The most recent 31 March on or before ``today`` (the end of the latest 903 year)."""
    return date(today.year if (today.month, today.day) >= (3, 31) else today.year - 1, 3, 31)


def load_demo_placements(rng: random.Random, children: int = 1600) -> str:
    """Import a synthetic history and link some demo responses to its children."""
    year_end = last_31_march(datetime.now(UTC).date())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder, children, 6.0, seed=rng.randrange(1 << 30), last_day=year_end)
        import_postcodes(folder / "postcodes.lookup")
        result = run_import([SourceFile(p.name, p) for p in sorted(folder.glob("*.csv"))], skip_invalid=True)
    keys = sorted(set(db.session.scalars(select(PlacementEpisode.child_key).where(PlacementEpisode.dec.is_(None)))))
    responses = list(db.session.scalars(
        select(Response.id).where(Response.survey_slug.in_(LINKED_SURVEYS), Response.child_key.is_(None))
    ))
    linked = 0
    for response_id in responses:
        if keys and rng.random() < 0.35:
            db.session.execute(update(Response).where(Response.id == response_id).values(
                child_key=rng.choice(keys), channel=rng.choice(["invite", "advocate"])))
            linked += 1
    db.session.commit()
    return f"Placements: {result.rows_loaded} rows for {children} children imported; {linked} responses linked"
