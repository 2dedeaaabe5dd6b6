"""Survey submissions against the app under gunicorn, on SQLite and on PostgreSQL.

Prints, per database: full responses per second (whole journeys: start, every page, submit),
page saves per second, p50/p95/p99 latency, and the same for GET /healthz on the same server as
the ceiling. Needs `wrk` (Debian: apt-get install wrk). Not run by the test suite.

    .venv/bin/python bench/survey_bench.py [--seconds 20] [--connections 32] [--postgres URL]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULT = re.compile(r"RESULT (.*)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_database(url: str, env: dict[str, str]) -> None:
    for args in (["db", "upgrade"], ["surveys", "sync"]):
        subprocess.run([str(BIN / "flask"), "--app", "feedback_app", *args], env=env, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def survey_plan(env: dict[str, str], slug: str) -> tuple[str, str]:
    """The open version id and a valid answer for every question, for the wrk script."""
    code = (
        "from feedback_app import create_app\n"
        "from feedback_app.surveys.registry import open_version_for, survey_of\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        f"    v = open_version_for({slug!r}); s = survey_of(v)\n"
        "    parts = [q.id + '=' + ('ok+thanks' if q.is_text else q.options[0].value) for q in s.questions]\n"
        "    print(v.id); print(','.join(parts))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT, capture_output=True, text=True)
    version, answers = out.stdout.strip().splitlines()[-2:]
    return version, answers


def run_wrk(url: str, script: str, seconds: int, connections: int, env: dict[str, str]) -> dict[str, float]:
    # One connection per thread: the journey script is a per-connection state machine.
    threads = connections if "journey" in script else 2
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(ROOT / "bench" / script), url]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    match = RESULT.search(out)
    if not match:
        raise RuntimeError(out)
    return {k: float(v) for k, v in (pair.split("=") for pair in match.group(1).split())}


def bench_database(label: str, db_url: str, args: argparse.Namespace) -> None:
    env = dict(os.environ)
    env.update({
        "FEEDBACK_ENV": "development", "DATABASE_URL": db_url, "RATELIMIT_ENABLED": "false",
        "SECRET_KEY": secrets.token_hex(32),
    })
    prepare_database(db_url, env)
    version, answers = survey_plan(env, args.slug)
    port = free_port()
    workers = str(args.workers)
    log_file = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "-w", workers, "--threads", str(args.threads),
         *(["-k", args.worker_class] if args.worker_class else []),
         "-b", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "--error-logfile", "-", "feedback_app:create_app()"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log_file,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310 - loopback only
                break
            except OSError:
                time.sleep(0.1)
        wrk_env = dict(env, BENCH_SLUG=args.slug, BENCH_VERSION=version, BENCH_ANSWERS=answers)
        # Warm-up, not measured: workers compile templates and load the tagger on their first submit.
        run_wrk(base, "journey.lua", args.warmup, args.connections, wrk_env)
        journeys = run_wrk(base, "journey.lua", args.seconds, args.connections, wrk_env)
        saves = run_wrk(base, "journey.lua", args.seconds, args.connections, dict(wrk_env, BENCH_ONLY_SAVES="1"))
        ceiling = run_wrk(base + "/healthz", "trivial.lua", args.seconds, args.connections, env)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log_file.close()
    kind = args.worker_class or "gunicorn.conf.py"
    print(f"\n== {label}: gunicorn ({kind}) {workers} workers x {args.threads} threads, {args.connections} concurrent clients, {args.seconds}s each")
    print(f"full responses   {journeys['submitted'] / journeys['seconds']:8.1f} /s   "
          f"(requests {journeys['requests'] / journeys['seconds']:.0f}/s, p50 {journeys['p50_ms']:.1f} ms, "
          f"p95 {journeys['p95_ms']:.1f} ms, errors {journeys['errors']:.0f})")
    print(f"page saves       {saves['saves'] / saves['seconds']:8.1f} /s   "
          f"(p50 {saves['p50_ms']:.1f} ms, p95 {saves['p95_ms']:.1f} ms, p99 {saves['p99_ms']:.1f} ms, errors {saves['errors']:.0f})")
    print(f"GET /healthz     {ceiling['requests'] / ceiling['seconds']:8.1f} /s   "
          f"(p50 {ceiling['p50_ms']:.1f} ms, p95 {ceiling['p95_ms']:.1f} ms)  <- ceiling on this server")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-class", help="gunicorn worker class (default: gunicorn.conf.py's)")
    parser.add_argument("--slug", default="young-people")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    print(f"cores: {os.cpu_count()}; the load generator (wrk) shares them with the server")
    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as tmp:
            bench_database("SQLite", f"sqlite:///{tmp}/bench.sqlite", args)
    if args.only != "sqlite":
        admin_url = sa.make_url(args.postgres.replace("postgresql://", "postgresql+psycopg://", 1))
        name = f"vocp_bench_{secrets.token_hex(4)}"
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            bench_database("PostgreSQL", admin_url.set(database=name).render_as_string(hide_password=False), args)
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
