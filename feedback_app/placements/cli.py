"""`flask --app feedback_app placements ...`: import, measures, postcodes, invitations."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import IO

import click
from flask import current_app
from flask.cli import with_appcontext

from feedback_app.placements.parse import SourceFile


def _date(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from error


@click.group("placements")
def placements_cli() -> None:
    """SSDA903 placement history: import, measures, postcode lookup, invitation links."""


@placements_cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=True, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Load the valid rows and report the invalid ones.")
@click.option("--year-ending", "year_ending", default=None, help="Collection year of OC3 files (YYYY-03-31).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the validation report to this CSV file.")
@with_appcontext
def import_command(files: tuple[Path, ...], skip_invalid: bool, year_ending: str | None, report_path: Path | None) -> None:
    """Import 903 CSV files (a folder means every .csv in it). Nothing is written if any row is
    invalid, unless --skip-invalid is given. Exit status 1 when rows were rejected."""
    from feedback_app.placements.importer import PlacementImportError, run_import
    from feedback_app.placements.report import write_report_csv

    paths: list[Path] = []
    for path in files:
        paths.extend(sorted(path.glob("*.csv")) if path.is_dir() else [path])
    try:
        result = run_import(
            [SourceFile(p.name, p) for p in paths],
            skip_invalid=skip_invalid,
            year_ending=_date(year_ending) if year_ending else None,
        )
    except PlacementImportError as error:
        raise click.UsageError(str(error)) from error
    for entry in result.files:
        click.echo(f"{entry['name']}: {entry['table'] or 'unknown table'}, {entry['rows']} rows, {entry['action']}")
    for issue in result.issues[:50]:
        click.echo(
            f"{issue.file} row {issue.row} CHILD {issue.child or '-'} {issue.column or '-'}"
            f"={issue.value or ''!s}: {issue.problem}"
        )
    if len(result.issues) > 50:
        click.echo(f"... and {len(result.issues) - 50} more issues (use --report FILE for all of them)")
    if report_path is not None:
        with report_path.open("w", encoding="utf-8", newline="") as handle:
            write_report_csv(result.issues, handle)
    click.echo(
        f"Import {result.import_id}: {result.status}; {result.rows_read} rows read, "
        f"{result.rows_loaded} written, {result.rows_invalid} invalid, {len(result.issues)} issues."
    )
    if result.status == "rejected":
        click.echo("Nothing was written. Correct the rows above, or run again with --skip-invalid.")
        sys.exit(1)


@placements_cli.command("measures")
@click.option("--year-ending", "year_ending", required=True, help="31 March ending the year (YYYY-03-31).")
@click.option("--format", "output_format", type=click.Choice(["json", "text"]), default="text")
@with_appcontext
def measures_command(year_ending: str, output_format: str) -> None:
    """Placement measures for the year ending 31 March."""
    from feedback_app.placements.measures import compute_measures

    try:
        result = compute_measures(_date(year_ending))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--year-ending") from error
    if output_format == "json":
        click.echo(json.dumps(result, indent=2))
        return
    click.echo(f"Year ending {result['year_ending']}: {result['looked_after']} children looked after")
    for name in ("short_term_stability", "long_term_stability"):
        entry = result[name]
        shown = "n/a" if entry["rate"] is None else f"{entry['rate']:.1%}"
        click.echo(f"  {name.replace('_', ' ')}: {entry['numerator']}/{entry['denominator']} = {shown}")
    click.echo(f"  distance: {result['distance']}")
    click.echo(f"  placement types: {result['placement_types']}")
    click.echo(f"  unplanned endings: {result['unplanned_endings']}")
    for name, entry in result["care_leavers"].items():
        click.echo(f"  care leavers {name}: {entry['numerator']}/{entry['denominator']}")


@placements_cli.group("postcodes")
def postcodes_cli() -> None:
    """The council's postcode lookup for distances."""


@postcodes_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def postcodes_import_command(file: Path) -> None:
    """Replace the lookup with FILE (ONSPD extract: pcds, oseast1m, osnrth1m)."""
    from feedback_app.placements.postcodes import PostcodeFileError, import_postcodes

    try:
        count = import_postcodes(file)
    except PostcodeFileError as error:
        raise click.UsageError(str(error)) from error
    click.echo(f"Stored {count} postcodes.")


@placements_cli.group("invitations")
def invitations_cli() -> None:
    """Personal invitation links, which link a response to the child's placement history."""


@invitations_cli.command("create")
@click.argument("children_file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--survey", "survey_slug", default=None, help="Survey the links open.")
@click.option("--output", type=click.File("w", encoding="utf-8"), default="-", help="CSV of CHILD and link.")
@with_appcontext
def invitations_create_command(children_file: IO[str], survey_slug: str | None, output: IO[str]) -> None:
    """Create a batch from CHILDREN_FILE (one CHILD id a line, or a CSV with a CHILD column)."""
    from feedback_app.placements.linking import create_invitations

    ids = read_child_ids(children_file.read())
    batch, invitations = create_invitations(ids, survey_slug)
    writer = csv.writer(output)
    writer.writerow(["CHILD", "link"])
    for invitation in invitations:
        writer.writerow([invitation.child_ref, invitation_url(invitation.token)])
    click.echo(f"Batch {batch}: {len(invitations)} links.", err=True)


def read_child_ids(text: str) -> list[str]:
    """CHILD ids from text: a CSV with a CHILD column, or one id a line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    first = [c.strip().upper() for c in next(csv.reader([lines[0]]))]
    if "CHILD" in first:
        position = first.index("CHILD")
        return [row[position].strip() for row in csv.reader(lines[1:]) if len(row) > position and row[position].strip()]
    return lines


def invitation_url(token: str) -> str:
    """The link a child opens; PUBLIC_BASE_URL (if set) makes it absolute for printing."""
    base = str(current_app.config.get("PUBLIC_BASE_URL", "")).rstrip("/")
    return f"{base}/i/{token}"
