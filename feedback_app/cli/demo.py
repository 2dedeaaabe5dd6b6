"""`flask --app feedback_app demo`: a realistic synthetic data set for trying the product.

Nothing here is a real child's words: the comments below were written for the project.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from feedback_app.actions.demo import load_demo_actions
from feedback_app.extensions import db
from feedback_app.models import Answer, Comment, Response
from feedback_app.models.responses import SUBMITTED
from feedback_app.placements.demo import load_demo_placements
from feedback_app.staff.demo import load_demo_staff
from feedback_app.survey_flow.codes import new_draft_token, new_reference
from feedback_app.surveys.definitions_loader import PREFER_NOT
from feedback_app.surveys.registry import (
    open_survey_versions,
    survey_of,
    sync_survey_definitions,
    sync_taxonomy,
)

# Invented comments in the three first languages, by rough sentiment.
DEMO_COMMENTS: dict[str, list[str]] = {
    "en": [
        "I wish I could see my brother more, we only get an hour a month",
        "my carers are kind and they come to watch me play football",
        "my social worker keeps changing and I have to tell my story again",
        "I dont know what is happening at my next review",
        "college is going well and my PA helped me with my bus pass",
        "I moved house 3 times this year and my stuff got lost in bin bags",
        "nothing else",
        "I would like to go to more clubs like swimming",
        "money is really tight since I moved into my flat",
        "nobody told me why I came into care",
        # One invented disclosure, so the demo's safeguarding queue shows how an alert looks.
        "the older lads at the house take my dinner money and say theyll hurt me if i tell anyone",
    ],
    "ar": [
        "أريد أن أرى أخي أكثر",
        "العائلة التي أعيش معها لطيفة جداً",
        "لا أفهم ماذا سيحدث في الاجتماع القادم",
        "أحب المدرسة ولكن الإنجليزية صعبة",
    ],
    "pl": [
        "chcialbym czesciej widziec mame",
        "moja opiekunka jest super",
        "nie wiem co bedzie dalej z moim domem",
        "szkola jest ok ale nie mam kolegow",
    ],
}

# Other capabilities (placements, staff, actions) add their own loaders here.
DEMO_LOADERS: list[Callable[[random.Random], str]] = []


def _random_values(rng: random.Random, question) -> list[str]:  # type: ignore[no-untyped-def]
    if rng.random() < 0.05:
        return [PREFER_NOT]
    values = [o.value for o in question.options]
    if question.allows_several:
        return rng.sample(values, k=rng.randint(1, min(3, len(values))))
    # Skew towards the kept answers so the demo scorecard looks like a real service.
    kept = [v for v in values if v in question.kept]
    if kept and rng.random() < 0.6:
        return [rng.choice(kept)]
    return [rng.choice(values)]


def load_demo_responses(rng: random.Random, per_survey: int = 120, now: datetime | None = None) -> int:
    """Submitted responses over the last two years, in several languages, with comments."""
    now = now or datetime.now(UTC)
    created = 0
    for version in open_survey_versions():
        survey = survey_of(version)
        for _ in range(per_survey):
            language = rng.choices(["en", "ar", "pl"], weights=[80, 12, 8])[0]
            submitted = now - timedelta(days=rng.randint(0, 730), minutes=rng.randint(0, 1440))
            response = Response(
                reference=new_reference(),
                draft_token=new_draft_token(),
                survey_version_id=version.id,
                survey_slug=version.slug,
                status=SUBMITTED,
                channel=rng.choices(["self", "advocate"], weights=[85, 15])[0],
                language=language,
                created_at=submitted - timedelta(minutes=12),
                submitted_at=submitted,
            )
            for question in survey.questions:
                if question.is_text:
                    if rng.random() < 0.45:
                        text = rng.choice(DEMO_COMMENTS[language])
                        response.answers.append(Answer(question_id=question.id, values=["text"], promise_id=question.promise, kept=None))
                        response.comments.append(Comment(question_id=question.id, promise_id=question.promise, text=text, language=language, created_at=submitted))
                    continue
                values = _random_values(rng, question)
                response.answers.append(
                    Answer(question_id=question.id, values=values, promise_id=question.promise, kept=question.kept_for(values), answered_at=submitted)
                )
            db.session.add(response)
            created += 1
    db.session.commit()
    return created


@click.command("demo")
@click.option("--per-survey", default=600, show_default=True, help="Responses to create for each survey.")
@click.option("--seed", default=2026, show_default=True, help="Random seed, for a repeatable data set.")
@click.option("--force", is_flag=True, help="Load even if the database already has responses.")
@with_appcontext
def demo_command(per_survey: int, seed: int, force: bool) -> None:
    """Load synthetic demo data (only into an empty database unless --force)."""
    sync_taxonomy()
    sync_survey_definitions()
    existing = db.session.scalar(select(func.count()).select_from(Response)) or 0
    if existing and not force:
        click.echo(f"The database already has {existing} responses; demo data not loaded (use --force).")
        return
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("The demo data set is for development and training only.")
    rng = random.Random(seed)
    click.echo(f"Created {load_demo_responses(rng, per_survey)} demo responses")
    for loader in (load_demo_placements, load_demo_tags, load_demo_staff, load_demo_actions, *DEMO_LOADERS):
        click.echo(loader(rng))


def load_demo_tags(rng: random.Random) -> str:
    """Tag every demo comment with the shipped model, raising alerts as for real comments."""
    from feedback_app.tagging.service import queue_comments, tag_comment_ids

    ids = queue_comments(db.session.scalars(select(Comment.id).order_by(Comment.id)))
    tagged, failed = tag_comment_ids(ids)
    return f"Tagged {tagged} demo comments ({failed} failed)"
