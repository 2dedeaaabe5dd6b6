"""Scorecard time and memory for one year at Leeds and at national scale, read from a real database.

What a Board member waits for is the whole build: reading the period from the database, the
placement features and measures, and the computation. So for each database (SQLite in a temporary
file; PostgreSQL too when BENCH_DATABASE_URL or TEST_DATABASE_URL is set, in a throwaway database
that is created and dropped) and each scale, this script

1. loads (in a child process, not measured): migrates a fresh database (``flask_migrate.upgrade``),
   runs ``surveys sync``, imports a synthetic SSDA903 history through the placements importer, and
   bulk-writes one year (April 2024 to March 2025) of submitted responses to the real survey
   versions: about 9 answers to promise questions each (1 in 20 "I'd rather not say"), a comment
   on a third of them (text encrypted with the app's own ``encrypt_text``), the tagger's themes and
   sentiment for every comment and a person's review for a fifth; half the children's responses
   carry the child_key of a child in the placement history (PostgreSQL: COPY; SQLite: executemany
   in large transactions);
2. builds (in a fresh child process, so its peak memory is the build's alone): calls
   ``build_scorecard`` -- what ``flask scorecard`` and the board pages call -- for all surveys and
   for one cohort, several times, and reports best and median, the split between reading and
   computing for one run, and the peak resident memory of that process.

Leeds: 1,600 children, 20,000 responses; national: 85,000 children, 1,000,000 responses.
Targets (scorecard issue): Leeds <= 1 s, national <= 20 s, peak memory <= 2 GB.
Measured on the 2-core development machine (shared, load 1-5), best of 3, all surveys:
Leeds SQLite 0.81 s, PostgreSQL 0.73 s; national PostgreSQL 15.6 s, SQLite 23.0 s (of which
reading the placement history takes about 6.5 s and 9 s), peak 1.3-1.4 GB. Before the read path
was rewritten: Leeds 4.4 s (SQLite) / 2.0 s (PostgreSQL), national PostgreSQL 96 s and 3.6 GB.

    .venv/bin/python bench/scorecard_bench.py [leeds|national|both] [--runs 3] [--only sqlite|postgres]
        [--no-placements]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCALES = {"leeds": (1_600, 20_000), "national": (85_000, 1_000_000)}
PERIOD = (date(2024, 4, 1), date(2025, 3, 31))
ANSWERS_PER_RESPONSE = 9
PREFER_NOT_SHARE = 0.05
COMMENT_SHARE = 1 / 3
REVIEWED_SHARE = 0.2
CHUNK = 100_000  # responses generated and written at a time, so loading stays within memory
EPISODES_PER_CHILD = 17.0  # as bench/placements_bench.py
COHORT = "young_person"
# Invented words only; every comment is encrypted separately, as the survey flow stores them.
PHRASES = ["My carer helps me with my homework", "I would like to see my brother more often",
           "I do not know who my social worker is this month", "I like my football club on Saturdays",
           "Nobody asked me before I moved", "I feel safe where I live now"]


def peak_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _app(url: str) -> Any:
    from feedback_app import create_app

    return create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})


# ---------------------------------------------------------------- loading (not measured)


def _stamps(seconds: np.ndarray, postgres: bool) -> np.ndarray:
    """Epoch seconds (UTC) to the text each database stores for a DateTime(timezone=True)."""
    text = np.datetime_as_string(seconds.astype("datetime64[s]").astype("datetime64[us]"), unit="us").astype("U26")
    text.view("U1").reshape(-1, 26)[:, 10] = " "  # SQLAlchemy's SQLite format has a space, not "T"
    if postgres:
        return np.char.add(text, "+00:00").astype(object)
    return text.astype(object)


class Writer:
    """Bulk rows into a table: COPY on PostgreSQL, executemany in one transaction on SQLite."""

    def __init__(self, raw: Any, postgres: bool) -> None:
        self.raw = raw
        self.postgres = postgres

    def write(self, table: str, frame: pd.DataFrame) -> None:
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        if self.postgres:
            with self.raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy:
                copy.write(frame.to_csv(header=False, index=False))
        else:
            marks = ", ".join("?" for _ in frame.columns)
            rows = zip(*(frame[c].tolist() for c in frame.columns), strict=True)
            self.raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608 - bench's own names


def _answer_kinds(surveys: list[Any]) -> dict[str, dict[str, Any]]:
    """Per survey: every (question, option) a closed promise answer can be, with its stored values and kept."""
    from feedback_app.surveys.definitions_loader import PREFER_NOT

    kinds = {}
    for survey in surveys:
        questions = [q for q in survey.questions if q.promise and not q.is_text]
        rows = []  # per question: list of (values json, kept) for each option, "rather not say" last
        for q in questions:
            options = [json.dumps([o.value]) for o in q.options]
            kept = [q.kept_for([o.value]) for o in q.options]
            rows.append(([*options, json.dumps([PREFER_NOT])], [*kept, None]))
        text = [q for q in survey.questions if q.is_text]
        kinds[survey.slug] = {"questions": questions, "options": rows, "text": text}
    return kinds


def load(url: str, children: int, responses: int, placements: bool, seed: int = 7) -> dict[str, Any]:
    """Fill a fresh database; returns what was written."""
    import flask_migrate
    import sqlalchemy as sa

    from feedback_app.extensions import db
    from feedback_app.models import SurveyVersion, Theme
    from feedback_app.models.encrypted import encrypt_text
    from feedback_app.models.staff import StaffUser
    from feedback_app.placements.linking import child_key_map
    from feedback_app.surveys.registry import survey_of, sync_survey_definitions, sync_taxonomy

    app = _app(url)
    counts: dict[str, Any] = {}
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        sync_taxonomy()
        sync_survey_definitions()
        db.session.commit()
        versions = db.session.scalars(sa.select(SurveyVersion).filter_by(open=True).order_by(SurveyVersion.slug)).all()
        surveys = [survey_of(v) for v in versions]
        version_of = {v.slug: v.id for v in versions}
        theme_ids = list(db.session.scalars(sa.select(Theme.id).order_by(Theme.id)))
        if placements:
            started = time.perf_counter()
            counts["placement_rows"] = _load_placements(children)
            counts["placements_seconds"] = round(time.perf_counter() - started, 1)
        ids = [f"C{n}" for n in range(1_000_000, 1_000_000 + children)]  # the synthetic 903's CHILD ids
        known = child_key_map(ids)
        keys = np.array([known[i] for i in ids], dtype=object)

        rng = np.random.default_rng(seed)
        kinds = _answer_kinds(surveys)
        slugs = [s.slug for s in surveys]
        carers = {s.slug for s in surveys if s.audience == "carer"}
        with_text = [s for s in slugs if kinds[s]["text"]]
        start = pd.Timestamp(PERIOD[0], tz="Europe/London").tz_convert("UTC").timestamp()
        end = pd.Timestamp(PERIOD[1] + pd.Timedelta(days=1), tz="Europe/London").tz_convert("UTC").timestamp()
        postgres = db.engine.dialect.name == "postgresql"
        with db.engine.connect() as conn:
            now = pd.Timestamp.now(tz="UTC").to_pydatetime()
            staff_id = conn.execute(sa.insert(StaffUser.__table__).values(
                email="bench@example.invalid", display_name="Bench", role="participation_officer", password_hash="!",  # noqa: S106 - no password signs in
                active=True, totp_confirmed=False, totp_last_step=0, failed_sign_ins=0, created_at=now, updated_at=now,
            )).inserted_primary_key[0]
            conn.commit()
            raw = conn.connection.driver_connection
            writer = Writer(raw, postgres)
            totals = {"responses": 0, "answers": 0, "counted_answers": 0, "comments": 0, "reviews": 0}
            next_answer = next_comment = next_review = 1
            for first in range(0, responses, CHUNK):
                n = min(CHUNK, responses - first)
                response_id = np.arange(first + 1, first + n + 1)
                slug = np.array(slugs, dtype=object)[rng.integers(0, len(slugs), n)]
                submitted = rng.uniform(start, end, n).astype(np.int64)
                linked = (rng.random(n) < 0.5) & ~np.isin(slug, list(carers))
                child = np.where(linked, keys[rng.integers(0, children, n)], None)
                language = rng.choice(["en", "ar", "pl", "ur", "ro"], n, p=[0.8, 0.08, 0.06, 0.03, 0.03]).astype(object)
                stamp = _stamps(submitted, postgres)
                writer.write("responses", pd.DataFrame({
                    "id": response_id, "reference": [f"B{i:015d}" for i in response_id],
                    "draft_token": [f"bench-{i}" for i in response_id],
                    "survey_version_id": [version_of[s] for s in slug], "survey_slug": slug, "status": "submitted",
                    "channel": rng.choice(["self", "advocate"], n, p=[0.9, 0.1]).astype(object), "language": language,
                    "easy_read": False, "child_key": child, "created_at": _stamps(submitted - 900, postgres),
                    "updated_at": stamp, "submitted_at": stamp,
                }))
                answers = []
                for s in slugs:
                    rows = np.flatnonzero(slug == s)
                    questions = kinds[s]["questions"]
                    per = min(ANSWERS_PER_RESPONSE, len(questions))
                    if not len(rows) or not per:
                        continue
                    # Each response answers ``per`` different questions of its survey, chosen at random.
                    chosen = np.argsort(rng.random((len(rows), len(questions))), axis=1)[:, :per].reshape(-1)
                    owner = np.repeat(rows, per)
                    values, kept = [], []
                    rather_not = rng.random(len(chosen)) < PREFER_NOT_SHARE
                    pick = rng.random(len(chosen))
                    for q_index, no_answer, p in zip(chosen.tolist(), rather_not.tolist(), pick.tolist(), strict=True):
                        options, kept_of = kinds[s]["options"][q_index]
                        o = len(options) - 1 if no_answer else int(p * (len(options) - 1))
                        values.append(options[o])
                        kept.append(kept_of[o])
                    answers.append(pd.DataFrame({
                        "response_id": response_id[owner],
                        "question_id": [questions[i].id for i in chosen.tolist()],
                        "values": values,
                        "promise_id": [questions[i].promise for i in chosen.tolist()],
                        "kept": pd.array(kept, dtype="boolean"),
                        "answered_at": stamp[owner],
                    }))
                frame = pd.concat(answers, ignore_index=True)
                frame.insert(0, "id", np.arange(next_answer, next_answer + len(frame)))
                next_answer += len(frame)
                if not postgres:
                    frame["kept"] = frame["kept"].astype(object).where(frame["kept"].notna(), None)
                writer.write("answers", frame)
                totals["answers"] += len(frame)
                totals["counted_answers"] += int(frame["kept"].notna().sum())

                commented = np.flatnonzero(np.isin(slug, with_text) & (rng.random(n) < COMMENT_SHARE * len(slugs) / len(with_text)))
                m = len(commented)
                comment_id = np.arange(next_comment, next_comment + m)
                next_comment += m
                question = [kinds[slug[i]]["text"][0] for i in commented.tolist()]
                words = rng.integers(0, len(PHRASES), m)
                writer.write("comments", pd.DataFrame({
                    "id": comment_id, "response_id": response_id[commented], "question_id": [q.id for q in question],
                    "promise_id": [q.promise for q in question],
                    "text": [_blob(encrypt_text(PHRASES[w]), postgres) for w in words.tolist()],
                    "language": language[commented], "created_at": stamp[commented],
                }))
                first_theme = rng.integers(0, len(theme_ids), m)
                second = rng.random(m) < 0.3
                themes = [json.dumps([theme_ids[a]] + ([theme_ids[(a + 5) % len(theme_ids)]] if b else []))
                          for a, b in zip(first_theme.tolist(), second.tolist(), strict=True)]
                sentiment = rng.choice(["positive", "negative", "mixed", "neutral"], m, p=[0.35, 0.35, 0.1, 0.2]).astype(object)
                writer.write("comment_tags", pd.DataFrame({
                    "id": comment_id, "comment_id": comment_id, "status": "tagged", "attempts": 1, "lang": language[commented],
                    "lang_detected": False, "themes": themes, "scores": "{}", "sentiment": sentiment, "safeguarding": False,
                    "safeguarding_reasons": "[]", "model_version": "bench", "tagged_at": stamp[commented],
                    "created_at": stamp[commented],
                }))
                reviewed = np.flatnonzero(rng.random(m) < REVIEWED_SHARE)
                r = len(reviewed)
                review_time = _stamps(submitted[commented[reviewed]] + rng.integers(3600, 10 * 86400, r), postgres)
                changed = rng.random(r) < 0.25
                new_themes = [json.dumps([theme_ids[(first_theme[i] + 1) % len(theme_ids)]]) if c else themes[i]
                              for i, c in zip(reviewed.tolist(), changed.tolist(), strict=True)]
                writer.write("tag_reviews", pd.DataFrame({
                    "id": np.arange(next_review, next_review + r), "comment_id": comment_id[reviewed], "reviewer_id": staff_id,
                    "themes": new_themes, "sentiment": sentiment[reviewed], "safeguarding": False, "promise_ids": "[]",
                    "tagger_themes": [themes[i] for i in reviewed.tolist()], "tagger_sentiment": sentiment[reviewed],
                    "model_version": "bench", "changed": changed, "reviewed_at": review_time,
                }))
                next_review += r
                raw.commit()
                totals["responses"] += n
                totals["comments"] += m
                totals["reviews"] += r
            if postgres:
                for table in ("responses", "answers", "comments", "comment_tags", "tag_reviews"):
                    conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))  # noqa: S608
                conn.commit()
                # Autovacuum would have analysed tables this size long before a Board meeting.
                raw.autocommit = True
                raw.execute("VACUUM ANALYZE")
        counts.update(totals)
    return counts


def _blob(value: bytes, postgres: bool) -> Any:
    # COPY's CSV wants bytea as text (\x...); sqlite3 takes the bytes themselves.
    return "\\x" + value.hex() if postgres else value


def _load_placements(children: int) -> int:
    """A synthetic 903 history for ``children`` ending 31 March 2025, through the real importer."""
    from feedback_app.placements.importer import run_import
    from feedback_app.placements.parse import SourceFile
    from feedback_app.placements.postcodes import import_postcodes
    from feedback_app.placements.synthetic import generate

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder, children, EPISODES_PER_CHILD, last_day=PERIOD[1])
        import_postcodes(folder / "postcodes.lookup")
        result = run_import([SourceFile(p.name, p) for p in sorted(folder.glob("*.csv"))])
        return int(result.rows_loaded)


# ---------------------------------------------------------------- building (measured)


def measure(url: str, runs: int) -> dict[str, Any]:
    """Time build_scorecard for all surveys and one cohort; one run split into read and compute."""
    from flask import current_app

    from feedback_app.extensions import db
    from feedback_app.scorecard import disclosure
    from feedback_app.scorecard.annotations import load_annotations
    from feedback_app.scorecard.better_off import Filters
    from feedback_app.scorecard.build import build_scorecard, compute_scorecard
    from feedback_app.scorecard.frames import load_scorecard_data
    from feedback_app.scorecard.periods import whole_quarters

    app = _app(url)
    result: dict[str, Any] = {}
    with app.app_context():
        for name, filters in (("all", Filters()), ("cohort", Filters(cohorts=frozenset({COHORT})))):
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                card = build_scorecard(*PERIOD, filters)
                times.append(time.perf_counter() - started)
            result[name] = times
            result[f"{name}_responses"] = card["how_much"]["responses"]
        # The same build in its two halves, to see where the time goes.
        started = time.perf_counter()
        period = whole_quarters(*PERIOD)
        with db.engine.connect() as conn:
            data = load_scorecard_data(period, conn)
            annotations = load_annotations(conn, period.quarters)
        result["read"] = time.perf_counter() - started
        started = time.perf_counter()
        compute_scorecard(data, Filters(), disclosure.threshold(), annotations,
                          triage_target_days=int(current_app.config.get("TRIAGE_TARGET_DAYS", 5)))
        result["compute"] = time.perf_counter() - started
        result["linked_with_features"] = int(data.responses["child_key"].isin(data.features.index).sum()) if len(data.features) else 0
        result["looked_after"] = data.looked_after
    result["peak_mib"] = peak_mib()
    return result


# ---------------------------------------------------------------- driver


def _child(args: list[str]) -> dict[str, Any]:
    output = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(output.strip().splitlines()[-1])


def _postgres_database(base: str) -> tuple[str, Any, str]:
    import sqlalchemy as sa

    from feedback_app.config import normalise_database_url

    url = sa.make_url(normalise_database_url(base))
    name = f"scorecard_bench_{secrets.token_hex(4)}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return url.set(database=name).render_as_string(hide_password=False), admin, name


def bench(label: str, url: str, scale: str, args: argparse.Namespace) -> None:
    children = SCALES[scale][0]
    started = time.perf_counter()
    loaded = _child(["--phase", "load", "--url", url, "--scale", scale] + (["--no-placements"] if args.no_placements else []))
    load_seconds = time.perf_counter() - started
    figures = _child(["--phase", "measure", "--url", url, "--runs", str(args.runs)])
    print(f"\n== {label}, {scale}: {children:,} children, {loaded['responses']:,} responses, {loaded['answers']:,} answers "
          f"({loaded['counted_answers']:,} kept/not kept), {loaded['comments']:,} comments, {loaded['reviews']:,} reviews, "
          f"{loaded.get('placement_rows', 0):,} placement rows")
    print(f"  loaded in {load_seconds:.0f} s (not measured; placements import {loaded.get('placements_seconds', 0)} s)")
    for name, text in (("all", "all surveys"), ("cohort", f"one cohort ({COHORT})")):
        times = figures[name]
        print(f"  build_scorecard, {text}: best {min(times):.2f} s, median {statistics.median(times):.2f} s "
              f"over {len(times)} runs; responses shown: {figures[f'{name}_responses']}")
    print(f"  one build split: read from database {figures['read']:.2f} s + compute {figures['compute']:.2f} s; "
          f"looked after {figures['looked_after']}, linked responses with features {figures['linked_with_features']:,}")
    print(f"  peak memory (RSS of the build process): {figures['peak_mib']:,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scale", nargs="?", choices=["leeds", "national", "both"], default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--no-placements", action="store_true", help="leave the placement history empty")
    parser.add_argument("--phase", choices=["load", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args()  # run_all.py passes its own arguments to every script
    if args.phase == "load":
        children, responses = SCALES[args.scale]
        print(json.dumps(load(args.url, children, responses, not args.no_placements)))
        return
    if args.phase == "measure":
        print(json.dumps(measure(args.url, args.runs)))
        return
    print(f"cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.2f} (other work on the machine slows the figures)")
    scales = ["leeds", "national"] if args.scale == "both" else [args.scale]
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    for scale in scales:
        if args.only != "postgres":
            with tempfile.TemporaryDirectory() as tmp:
                bench("SQLite", f"sqlite:///{tmp}/bench.sqlite", scale, args)
        if args.only != "sqlite" and base:
            url, admin, name = _postgres_database(base)
            try:
                bench("PostgreSQL", url, scale, args)
            finally:
                import sqlalchemy as sa

                with admin.connect() as conn:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
