"""`flask --app feedback_app nlp ...`: re-tag history, retry failures."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from tqdm import tqdm


@click.group("nlp")
def nlp_cli() -> None:
    """Theme tagging of stored comments."""


def _run(ids: list[int], label: str, batch: int) -> None:
    from feedback_app.tagging.service import tag_comment_ids

    tagged = failed = 0
    with tqdm(total=len(ids), desc=label, unit="comment") as bar:
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            done, bad = tag_comment_ids(chunk, batch_size=batch)
            tagged, failed = tagged + done, failed + bad
            bar.update(len(chunk))
    click.echo(f"Tagged {tagged} comment(s); {failed} failed")


@nlp_cli.command("retag")
@click.option("--batch", default=500, show_default=True)
@with_appcontext
def retag_command(batch: int) -> None:
    """Re-tag every stored comment with the shipped model (after `python -m nlp train`)."""
    from feedback_app.tagging.service import all_comment_ids

    _run(list(all_comment_ids()), "Re-tagging", batch)


@nlp_cli.command("retry")
@click.option("--batch", default=200, show_default=True)
@with_appcontext
def retry_command(batch: int) -> None:
    """Tag comments still pending or whose tagging failed (run on a schedule)."""
    from feedback_app.tagging.service import pending_comment_ids

    _run(pending_comment_ids(), "Tagging", batch)
