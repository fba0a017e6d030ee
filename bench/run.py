"""`make bench`: intake throughput against a minimal Django view, and the therapist queue's latency.

The questionnaire one page at a time is walked too (bench/intake_steps.py), with its request rate
against the floor's.

One run, one server: seeds a fresh database, starts gunicorn with gunicorn.conf.py (the production
configuration, BENCH_FLOOR_VIEW added) on 127.0.0.1, drives it with threads over http.client,
and prints a table and the ratios. Every load is bounded in time and in count.

    python -m bench.run [--database-url URL] [--rows N] [--seconds S] [--rounds N]

BENCH_DATABASE_URL (or --database-url) picks the database; it is dropped and created afresh, so
its name must contain "bench". Default: an SQLite file under test-artifacts/bench/.
BENCH_ROWS (or --rows, default 100,000) is the large queue size; every queue view (the default,
each filter, page 2,000 and the last page, a name and a reference search) and the rules report
(90 days, a year, its CSV) is timed at 100 rows and at that size, and the ratio of the two is printed.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bench import intake_steps
from tests.support.live import BASE_DIR, Browser, Gunicorn

WORK_DIR = BASE_DIR / "test-artifacts" / "bench"
INTAKE = "/intake/"
ONE_PAGE = "/intake/all/"
FLOOR = "/bench/floor/"
QUEUE = "/review/"
DEMO_LOGIN = {"username": "demo", "password": "demo-therapist-2026"}
CLIENT_COUNTS = (4, 16)
SMALL_QUEUE = 100
DEFAULT_ROWS = 100_000
# Per measurement: whichever comes first, the time limit or this many flows.
MAX_FLOWS = 20_000
TOKENS = re.compile(r'name="(csrfmiddlewaretoken|form_token)" value="([^"]+)"')

Flow = Callable[[], None]


@dataclass
class Sample:
    """Latencies (seconds) of completed flows, errors, and the seconds they took together."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    shown: int | None = None  # a queue view's rows on its page: 25 at 1,000,000, fewer at 100

    def add(self, other: Sample) -> None:
        self.latencies += other.latencies
        self.errors += other.errors
        self.seconds += other.seconds
        self.shown = other.shown if other.shown is not None else self.shown

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]


# ---------------------------------------------------------------- the flows


def _answer_sets(n: int) -> list[dict[str, Any]]:
    """Varied, valid answers from seed_demo's generator, with contact details and consent."""
    from screening.management.seeding import FIRST_NAMES, LAST_NAMES, synthetic_answers

    rng = random.Random(2026)
    sets = []
    for i in range(n):
        answers = synthetic_answers(rng, date.today())
        first, last = FIRST_NAMES[i % len(FIRST_NAMES)], LAST_NAMES[i % len(LAST_NAMES)]
        sets.append(
            {**answers, "first_name": first, "last_name": last, "phone": "(555) 010-1234", "consent": "on"}
        )
    return sets


def submit_flow(server: Gunicorn, form_path: str, answer_sets: list[dict[str, Any]]) -> Flow:
    """A new visitor: GET the form, POST answers with the page's tokens, follow the redirect to the note."""
    counter = iter(range(sys.maxsize))

    def flow() -> None:
        browser = server.browser()
        # The questionnaire's one-page form lives at /intake/all/ and is sent to /intake/.
        page_path = ONE_PAGE if form_path == INTAKE else form_path
        page = browser.get(page_path)
        if page.status != 200:
            raise RuntimeError(f"GET {page_path}: {page.status}")
        answers = answer_sets[next(counter) % len(answer_sets)]
        sent = browser.post(form_path, {**answers, **dict(TOKENS.findall(page.text))})
        if sent.status != 302:
            raise RuntimeError(f"POST {form_path}: {sent.status}")
        note = browser.get(sent.headers["Location"])
        if note.status != 200 or b'data-testid="reference"' not in note.body:
            raise RuntimeError(f"GET note: {note.status}")

    return flow


def run_load(flow: Flow, clients: int, seconds: float, max_flows: int = MAX_FLOWS) -> Sample:
    """`clients` threads running the flow back to back, until the time or max_flows is reached."""
    sample = Sample()
    lock = threading.Lock()
    started = time.perf_counter()
    stop_at = started + seconds

    def client() -> None:
        while time.perf_counter() < stop_at:
            with lock:
                if len(sample.latencies) + sample.errors >= max_flows:
                    return
            begun = time.perf_counter()
            try:
                flow()
            except Exception as exc:  # counted and reported, never hidden
                with lock:
                    sample.errors += 1
                    if sample.errors <= 3:
                        print(f"  error: {exc}", file=sys.stderr)
                continue
            with lock:
                sample.latencies.append(time.perf_counter() - begun)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sample.seconds = time.perf_counter() - started
    return sample


# ---------------------------------------------------------------- the queue


def queue_exists(server: Gunicorn) -> bool:
    return server.browser().get(QUEUE).status != 404


def therapist(server: Gunicorn) -> Browser:
    """A browser logged in as the demo therapist."""
    browser = server.browser()
    login = f"/accounts/login/?next={QUEUE}"
    page = browser.get(login)
    tokens = dict(TOKENS.findall(page.text))
    answer = browser.post(login, {**DEMO_LOGIN, **tokens, "next": QUEUE})
    if answer.status != 302 or browser.get(QUEUE).status != 200:
        raise RuntimeError(f"could not log in as the demo therapist (login answered {answer.status})")
    return browser


# Each queue view: the filter the therapist posts (kept in the session), then the page asked for.
# Dates and names are ones seed_demo makes; "reference" is filled in with a stored one.
QUEUE_VIEWS: dict[str, tuple[dict[str, str], str]] = {
    "default (undecided, newest first)": ({}, ""),
    "outcome = not suitable": ({"outcome": "not_suitable"}, ""),
    "status = all": ({"status": "all"}, ""),
    "sent in the last 30 days": ({"submitted_from": "{month_ago}"}, ""),
    "all, sent in the last year": ({"status": "all", "submitted_from": "{year_ago}"}, ""),
    "page 2,000": ({"status": "all"}, "2000"),
    "last page": ({"status": "all"}, "last"),
    "name search 'reyes'": ({"status": "all", "search": "reyes"}, ""),
    "name search 'JOSÉ'": ({"status": "all", "search": "JOSÉ"}, ""),
    # First and last name, as a therapist types them; eight letters that could be a reference.
    "name search 'Ana Reyes'": ({"status": "all", "search": "Ana Reyes"}, ""),
    "reference search": ({"status": "all", "search": "{reference}"}, ""),
    "sort: waiting longest": ({"sort": "waiting"}, ""),
    "sort: sent most recently": ({"sort": "sent"}, ""),
    "sort: outcome, then waiting": ({"sort": "outcome"}, ""),
    "all, sort: outcome, last page": ({"status": "all", "sort": "outcome"}, "last"),
}
# Every queue page marks its rows' possible duplicates (duplicates.matches_for, one query), so each
# view above times that query too; the screening page lists one submission's matches in full.
DETAIL_VIEW = "screening page, with its duplicates"


def queue_view_latency(
    server: Gunicorn, filters: dict[str, str], page: str, requests: int, seconds: float
) -> Sample:
    """One therapist reloading one queue view, one request after another."""
    browser = therapist(server)
    tokens = dict(TOKENS.findall(browser.get(QUEUE).text))
    answer = browser.post(QUEUE, {**tokens, "status": "undecided", **filters})
    if answer.status != 302:
        raise RuntimeError(f"POST {QUEUE} with {filters}: {answer.status}")
    path = f"{QUEUE}?page={page}" if page else QUEUE

    def flow() -> None:
        if (status := browser.get(path).status) != 200:
            raise RuntimeError(f"GET {path}: {status}")

    run_load(flow, 1, seconds, max_flows=5)  # warm-up, not counted
    sample = run_load(flow, 1, seconds, max_flows=requests)
    body = browser.get(path).text
    sample.shown = body.partition("<tbody>")[2].partition("</tbody>")[0].count("<tr")
    return sample


# The rules report (issue 12): the default 90 days, the whole seeded year, and its CSV; plain GETs.
REPORT_VIEWS: dict[str, str] = {
    "rules report, 90 days": "/review/report/",
    "rules report, a year": "/review/report/?date_from={year_ago}",
    "rules report CSV, a year": "/review/report.csv?date_from={year_ago}",
}


def report_view_latency(server: Gunicorn, path: str, requests: int, seconds: float) -> Sample:
    """One therapist reloading one report view, one request after another."""
    browser = therapist(server)

    def flow() -> None:
        if (status := browser.get(path).status) != 200:
            raise RuntimeError(f"GET {path}: {status}")

    run_load(flow, 1, seconds, max_flows=5)  # warm-up, not counted
    return run_load(flow, 1, seconds, max_flows=requests)


def report_views(server: Gunicorn, seconds: float) -> dict[str, Sample]:
    year_ago = date.fromordinal(date.today().toordinal() - 365).isoformat()
    return {
        name: report_view_latency(server, path.format(year_ago=year_ago), requests=20, seconds=seconds)
        for name, path in REPORT_VIEWS.items()
    }


def a_reference(env: dict[str, str]) -> str:
    """A reference stored in this database, for the reference search."""
    code = "from screening.models import Submission; print(Submission.objects.values_list('reference', flat=True).last())"
    return manage(env, "shell", "-c", code).strip().splitlines()[-1]


def a_screening(env: dict[str, str]) -> str:
    """The code of the newest of the last 500 submissions that has a possible duplicate (a patient
    who sent again), else of the newest: its page lists its matches."""
    code = (
        "from screening import duplicates; from screening.models import Submission\n"
        "rows = list(Submission.objects.order_by('-created_at', '-id')[:500])\n"
        "found = duplicates.matches_for(rows)\n"
        "print(next((r.code for r in rows if found[r.pk]), rows[0].code))"
    )
    return manage(env, "shell", "-c", code).strip().splitlines()[-1]


def queue_views(server: Gunicorn, reference: str, code: str, seconds: float) -> dict[str, Sample]:
    month_ago = date.fromordinal(date.today().toordinal() - 30).isoformat()
    year_ago = date.fromordinal(date.today().toordinal() - 365).isoformat()
    samples = {}
    for name, (filters, page) in QUEUE_VIEWS.items():
        values = {
            k: v.format(month_ago=month_ago, year_ago=year_ago, reference=reference)
            for k, v in filters.items()
        }
        samples[name] = queue_view_latency(server, values, page, requests=20, seconds=seconds)
    samples[DETAIL_VIEW] = report_view_latency(server, f"/review/{code}/", requests=20, seconds=seconds)
    return samples


# ---------------------------------------------------------------- the database


def fresh_database(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = Path(parsed.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        return
    import psycopg

    name = parsed.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"The bench drops and recreates its database; {name!r} does not contain 'bench'.")
    with psycopg.connect(url.replace(f"/{name}", "/postgres", 1), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


# ---------------------------------------------------------------- the report


def _row(label: str, clients: int, s: Sample) -> str:
    return (
        f"{label:<42}{clients:>8}{s.per_second:>9.1f}{s.percentile(50) * 1000:>9.1f}"
        f"{s.percentile(95) * 1000:>9.1f}{len(s.latencies):>7}{s.errors:>7}"
    )


def print_report(
    header: str, loads: dict[tuple[str, int], Sample], queues: dict[int, dict[str, Sample]] | None
) -> None:
    print()
    print(header)
    if loads:
        print(f"{'':<42}{'clients':>8}{'flows/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'flows':>7}{'errors':>7}")
        names = {"floor": "minimal view (floor): GET, POST, GET", "intake": "intake: GET, POST, GET"}
        for clients in CLIENT_COUNTS:
            for kind in ("floor", "intake"):
                print(_row(names[kind], clients, loads[kind, clients]))
        print()
        for clients in CLIENT_COUNTS:
            ratio = loads["intake", clients].per_second / loads["floor", clients].per_second
            verdict = "meets" if ratio >= 0.8 else "BELOW"
            print(
                f"intake / floor throughput, {clients:>2} clients: {ratio:5.2f}  ({verdict} the 0.8 target)"
            )
    if queues is None:
        print("queue: not available")
        return
    small, large = sorted(queues)
    print()
    print(
        f"{'queue view':<36}{'rows':>10}{'shown':>6}{'p50 ms':>9}{'p95 ms':>9}{'reqs':>6}{'errors':>7}"
        "   ratio p50 / p95"
    )
    for view in [*QUEUE_VIEWS, DETAIL_VIEW, *REPORT_VIEWS]:
        a, b = queues[small][view], queues[large][view]
        ratios = [b.percentile(p) / a.percentile(p) for p in (50, 95)]
        # The report reads every row of its range, so its time grows with them: its target is 1 s.
        if view in REPORT_VIEWS:
            target = "the 1 s target"
            verdict = "meets" if b.percentile(95) < 1.0 else "ABOVE"
        else:
            target = "the 1.5 target"
            verdict = "meets" if max(ratios) <= 1.5 else "ABOVE"
        for size, s in ((small, a), (large, b)):
            shown = "" if s.shown is None else s.shown
            line = f"{view:<36}{size:>10,}{shown:>6}{s.percentile(50) * 1000:>9.1f}{s.percentile(95) * 1000:>9.1f}"
            line += f"{len(s.latencies):>6}{s.errors:>7}"
            if size == large:
                line += f"   {ratios[0]:5.2f} / {ratios[1]:5.2f}  ({verdict} {target})"
            print(line)


# ---------------------------------------------------------------- main


def sized_url(url: str, rows: int) -> str:
    """The database for the queue at this size: the bench's own, with the size in its name."""
    # A string edit, not urlparse's: it drops the extra slash of an absolute sqlite:////path.
    head, _slash, name = url.rpartition("/")
    stem, dot, suffix = name.partition(".")
    return f"{head}/{stem}_{rows}{dot}{suffix}"


def stored_rows(env: dict[str, str]) -> int | None:
    """How many submissions the database holds, or None if it does not exist or is not migrated."""
    url = env["DATABASE_URL"]
    parsed = urlparse(url)
    try:
        if parsed.scheme == "sqlite":
            import sqlite3

            if not Path(parsed.path).exists():
                return None
            with sqlite3.connect(parsed.path) as conn:
                return conn.execute("SELECT COUNT(*) FROM screening_submission").fetchone()[0]
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM screening_submission").fetchone()[0]
    except Exception:  # no database, no table: it is seeded afresh
        return None


def prepare(env: dict[str, str], rows: int, *, reuse: bool) -> None:
    """A migrated database seeded with this many submissions, most older ones decided (and the demo
    therapist): fresh, or with --reuse the one a previous run left if it holds exactly that many."""
    if reuse and stored_rows(env) == rows:
        manage(env, "migrate", "--no-input")
        print(f"  reusing its {rows:,} submissions", flush=True)
        code = (
            "from django.db import connection; c = connection.cursor()\n"
            "if connection.vendor == 'postgresql': c.execute('SET statement_timeout = 0'); c.execute('VACUUM ANALYZE')\n"
            "else: c.execute('ANALYZE')"
        )
        manage(env, "shell", "-c", code)
        return
    fresh_database(env["DATABASE_URL"])
    manage(env, "migrate", "--no-input")
    started = time.perf_counter()
    # seed_demo builds every row through services.submission_build, stores them with COPY (or
    # multi-row INSERTs on SQLite) from two processes, and runs ANALYZE at the end.
    manage(env, "seed_demo", "--submissions", str(rows), "--decisions")
    print(
        f"  seeded {rows:,} submissions in {time.perf_counter() - started:.0f} s"
        f" (load average {os.getloadavg()[0]:.1f})",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.getenv("BENCH_DATABASE_URL", ""))
    parser.add_argument("--rows", type=int, default=int(os.getenv("BENCH_ROWS", DEFAULT_ROWS)))
    parser.add_argument("--seconds", type=float, default=3.0, help="per view, client count and round (3)")
    parser.add_argument("--rounds", type=int, default=4, help="the loads and sizes alternate this often (4)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a database from an earlier run that holds exactly its size's rows (migrated, not reseeded)",
    )
    parser.add_argument("--skip-intake", action="store_true", help="time the queue views only")
    args = parser.parse_args()

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    database_url = args.database_url or f"sqlite:///{WORK_DIR / 'bench.sqlite3'}"
    env = {
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "FIELD_ENCRYPTION_KEY": "YmVuY2gtb25seS1ub3Qtc2VjcmV0LWZpZWxkLWtleSE=",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "BENCH_FLOOR_VIEW": "true",
        # Every simulated patient is 127.0.0.1, and the demo therapist has no second factor.
        "INTAKE_RATE_LIMIT": "100000",
        "REQUIRE_2FA": "false",
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    import django

    django.setup()

    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    sizes = (SMALL_QUEUE, args.rows)
    envs = {rows: {**env, "DATABASE_URL": sized_url(database_url, rows)} for rows in sizes}
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    for rows, sized in envs.items():
        where = urlparse(sized["DATABASE_URL"]).path.rsplit("/", 1)[-1]
        print(f"Preparing a fresh {engine} database {where} with {rows:,} submissions ...", flush=True)
        prepare(sized, rows, reuse=args.reuse)
    answer_sets = _answer_sets(500)

    logs = {rows: WORK_DIR / f"gunicorn_{rows}.log" for rows in sizes}
    for log in logs.values():
        log.unlink(missing_ok=True)
    # One server per size, side by side; only one is under load at a time.
    with (
        Gunicorn(envs[SMALL_QUEUE], logs[SMALL_QUEUE]) as server,
        Gunicorn(envs[args.rows], logs[args.rows]) as big,
    ):
        servers = {SMALL_QUEUE: server, args.rows: big}
        workers = len(re.findall(r"Booting worker", logs[SMALL_QUEUE].read_text()))
        print(f"gunicorn on 127.0.0.1:{server.port} and :{big.port}, {workers} workers each")

        # The queue first: the intake below adds its submissions to the small database.
        queues: dict[int, dict[str, Sample]] | None = None
        if queue_exists(server):
            queues = {rows: {} for rows in sizes}
            references = {rows: a_reference(envs[rows]) for rows in sizes}
            codes = {rows: a_screening(envs[rows]) for rows in sizes}
            for n in range(1, args.rounds + 1):
                for rows in sizes:
                    print(
                        f"  queue views at {rows:>9,} rows, round {n} of {args.rounds}"
                        f" (load average {os.getloadavg()[0]:.1f}) ...",
                        flush=True,
                    )
                    for view, sample in queue_views(
                        servers[rows], references[rows], codes[rows], args.seconds / 3
                    ).items():
                        queues[rows].setdefault(view, Sample()).add(sample)
                    for view, sample in report_views(servers[rows], args.seconds / 3).items():
                        queues[rows].setdefault(view, Sample()).add(sample)

        loads: dict[tuple[str, int], Sample] = {}
        if not args.skip_intake:
            flows = {
                kind: submit_flow(server, path, answer_sets)
                for kind, path in (("floor", FLOOR), ("intake", INTAKE))
            }
            flows["steps"] = intake_steps.steps_flow(server, answer_sets)
            for flow in flows.values():
                run_load(flow, max(CLIENT_COUNTS), 2)  # warm-up, not counted
            for clients in CLIENT_COUNTS:
                for n in range(1, args.rounds + 1):
                    for kind, flow in flows.items():
                        print(
                            f"  {kind:>6}, {clients:>2} clients, round {n} of {args.rounds} ...", flush=True
                        )
                        loads.setdefault((kind, clients), Sample()).add(run_load(flow, clients, args.seconds))

    header = (
        f"Ionto Screen bench: gunicorn.conf.py, {workers} sync workers, {engine}, {os.cpu_count()} CPUs, "
        f"{args.rounds} x {args.seconds:g} s per row, load average at end {os.getloadavg()[0]:.1f}"
    )
    print_report(header, loads, queues)
    if loads:
        intake_steps.print_steps_report({key: s.per_second for key, s in loads.items()}, CLIENT_COUNTS)
    errors = sum(s.errors for s in loads.values())
    errors += sum(s.errors for views in (queues or {}).values() for s in views.values())
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
