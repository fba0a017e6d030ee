"""The embedded default cache is shared by every gunicorn worker: five wrong passwords lock an
account although each one was answered by a different worker process.

gunicorn runs with 3 workers, each replaced after a single request (--max-requests 1), so no two
of the attempts below share a process, and a per-process cache could never count to five. The
cache is the one `make serve` gets without REDIS_URL: Django's database cache in the app's database.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from tests.support.live import Browser, Gunicorn
from tests.support.servers import shared_database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LOGIN = "/accounts/login/"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Gunicorn]:
    env = {
        "DATABASE_URL": shared_database_url(),
        "REDIS_URL": "",  # the embedded default, even in CI's run with Redis
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(settings.STATIC_ROOT),
        "WEB_CONCURRENCY": "3",
        "GUNICORN_CMD_ARGS": "--max-requests 1 --max-requests-jitter 0 --access-logformat 'pid=%(p)s %(m)s %(U)s %(s)s'",
    }
    with Gunicorn(env, tmp_path / "gunicorn.log") as running:
        yield running


def _log_in(server: Gunicorn, password: str) -> int:
    browser: Browser = server.browser()
    fields = browser.fill(LOGIN, "login-form", {"username": "thea", "password": password})
    return browser.post(LOGIN, fields).status


def test_five_failures_on_five_worker_processes_lock_the_account(server: Gunicorn) -> None:
    User.objects.create_user("thea", password=PASSWORD)
    statuses = [_log_in(server, "wrong-password") for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert _log_in(server, PASSWORD) == 429
    # Each attempt (and its form) came from another process: six POSTs, six worker pids.
    posting = _login_posts_in_the_log(server, expected=6)
    assert len(posting) == 6
    assert len(set(posting)) == 6


def _login_posts_in_the_log(server: Gunicorn, *, expected: int) -> list[str]:
    """The worker pid of each log-in POST; a worker writes its line just after the response, so wait."""
    deadline = time.monotonic() + 10
    while True:
        posting = re.findall(rf"pid=<(\d+)> POST {LOGIN} \d+", server.log_path.read_text())
        if len(posting) >= expected or time.monotonic() > deadline:
            return posting
        time.sleep(0.1)
