"""`flask --app feedback_app scorecard --from --to --format json|csv|pdf --out FILE`."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext


def _date(_ctx: click.Context, _param: click.Parameter, value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from error


@click.command("scorecard")
@click.option("--from", "start", required=True, callback=_date, help="First day (widened to its quarter).")
@click.option("--to", "end", required=True, callback=_date, help="Last day (widened to its quarter).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "pdf"]), default="json", show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write; JSON and CSV go to standard output without it.")
@click.option("--survey", "surveys", multiple=True, help="Only these surveys (slug; repeatable).")
@click.option("--cohort", "cohorts", multiple=True, help="Only these cohorts (e.g. young_person; repeatable).")
@click.option("--lang", default="en", show_default=True, help="Language of the PDF board pack.")
@with_appcontext
def scorecard_command(start: date, end: date, fmt: str, out: Path | None, surveys: tuple[str, ...],
                      cohorts: tuple[str, ...], lang: str) -> None:
    """Write the promise-delivery scorecard, with small numbers suppressed, as JSON, CSV or PDF."""
    from feedback_app.scorecard.better_off import Filters
    from feedback_app.scorecard.build import build_scorecard

    if end < start:
        raise click.BadParameter("--to is before --from")
    filters = Filters(frozenset(surveys) or None, frozenset(cohorts) or None)
    card = build_scorecard(start, end, filters)
    if fmt == "json":
        text = json.dumps(card, ensure_ascii=False, indent=2)
        _write_text(text, out)
    elif fmt == "csv":
        from feedback_app.scorecard.export_csv import scorecard_csv

        _write_text(scorecard_csv(card), out)
    else:
        if out is None:
            raise click.UsageError("--format pdf needs --out FILE")
        from feedback_app.scorecard.export_pdf import scorecard_pdf

        out.write_bytes(scorecard_pdf(card, lang))
        click.echo(f"Wrote {out}", err=True)


def _write_text(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out}", err=True)
