"""The production configuration under concurrent patients: a real gunicorn (gunicorn.conf.py) on the
test database, driven over HTTP on 127.0.0.1 with the TLS proxy's X-Forwarded-Proto (tests/support/live.py),
so Django sees HTTPS as in a deployment. Marked slow; `make test` and CI run them."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from screening.models import Submission
from tests.support.intake import INTAKE, ONE_PAGE, RESULT, form_data
from tests.support.live import Browser, Gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
REFERENCE = re.compile(r'data-testid="reference">([A-Z0-9-]+)<')


@pytest.fixture(scope="module")
def server(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gunicorn]:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        database_url = f"sqlite:///{db['NAME']}"
    else:
        credentials = f"{quote(db['USER'])}:{quote(db['PASSWORD'])}"
        database_url = f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(settings.STATIC_ROOT),
        # Main's per-address intake limit (issue 6), once merged: every patient here is 127.0.0.1.
        "INTAKE_RATE_LIMIT": "100000",
    }
    with Gunicorn(env, tmp_path_factory.mktemp("gunicorn") / "gunicorn.log") as running:
        yield running


def _answers(**overrides: Any) -> dict[str, Any]:
    # The page supplies its own form token and CSRF token.
    return {k: v for k, v in form_data(**overrides).items() if k != "form_token"}


def _submit(browser: Browser, answers: dict[str, Any]) -> str:
    """The reference on the patient's note, after GET form, POST, GET note; raises on anything else."""
    sent = browser.post(INTAKE, browser.fill(ONE_PAGE, "intake-form", answers))
    if sent.status != 302 or sent.headers["Location"] != RESULT:
        raise AssertionError(f"POST answered {sent.status}")
    note = browser.get(RESULT)
    if note.status != 200 or not (found := REFERENCE.search(note.text)):
        raise AssertionError(f"note answered {note.status}")
    return found.group(1)


def _all_at_once(jobs: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    """Runs the jobs on one thread each, released together; their results and their errors."""
    start = threading.Barrier(len(jobs))

    def run(job: Callable[[], Any]) -> Any:
        start.wait()
        return job()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(run, job) for job in jobs]
    errors = [e for f in futures if (e := f.exception()) is not None]
    return [f.result() for f in futures if f.exception() is None], errors


def test_fifty_concurrent_submits_store_fifty_rows_without_an_error(server: Gunicorn) -> None:
    jobs = [lambda i=i: _submit(server.browser(), _answers(first_name=f"Patient {i}")) for i in range(50)]
    references, errors = _all_at_once(jobs)
    assert errors == []
    assert len(set(references)) == 50
    assert Submission.objects.count() == 50
    assert set(Submission.objects.values_list("reference", flat=True)) == set(references)


def test_a_double_submit_race_stores_one_submission(server: Gunicorn) -> None:
    # One browser sends its form ten times at once: a double click and impatient resends.
    patient = server.browser()
    fields = patient.fill(ONE_PAGE, "intake-form", _answers())

    def send() -> int:
        again = server.browser()
        again.cookies = dict(patient.cookies)
        return again.post(INTAKE, fields).status

    statuses, errors = _all_at_once([send] * 10)
    assert errors == []
    assert statuses == [302] * 10
    assert Submission.objects.count() == 1


def test_static_files_are_hashed_compressed_and_cached_for_ever(server: Gunicorn) -> None:
    browser = server.browser()
    page = browser.get(ONE_PAGE).text
    stylesheet = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.trim\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the page names the hashed stylesheet"
    response = browser.get(stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite has no server connections to keep or drop")
def test_connections_are_kept_between_requests_and_replaced_when_the_server_drops_them(
    server: Gunicorn,
) -> None:
    for i in range(10):
        _submit(server.browser(), _answers(first_name=f"Early {i}"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        kept = [pid for (pid,) in cursor.fetchall()]
        # Reused: still open after the requests ended, and no more than one per gunicorn worker.
        assert 1 <= len(kept) <= 2 * len(os.sched_getaffinity(0)) + 1
        cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s) AS pid", [kept])

    jobs = [lambda i=i: _submit(server.browser(), _answers(first_name=f"Later {i}")) for i in range(10)]
    _references, errors = _all_at_once(jobs)
    assert errors == []
    assert Submission.objects.count() == 20
