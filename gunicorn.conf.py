"""Gunicorn in the production configuration, used by `make serve`, `make bench` and the live tests.

Environment variables (see README.md): GUNICORN_BIND, WEB_CONCURRENCY, DATABASE_TIMEOUT,
FORWARDED_ALLOW_IPS (read by gunicorn itself).
"""

from __future__ import annotations

import os


def _whole_number(name: str, default: int) -> int:
    raw = os.getenv(name, str(default)).strip()
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"{name} must be a whole number of at least 1, not {raw!r}")
    return int(raw)


def _cpu_count() -> int:
    # The CPUs this process may use (a container's share), not every CPU of the host.
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


wsgi_app = "clinic.wsgi:application"
bind = [os.getenv("GUNICORN_BIND", "127.0.0.1:8000")]

# Sync workers, two per CPU plus one: requests are short and CPU-bound, and the extra workers keep
# the CPUs busy while others wait on the database.
worker_class = "sync"
workers = _whole_number("WEB_CONCURRENCY", 2 * _cpu_count() + 1)

# A request waits on the database for at most DATABASE_TIMEOUT seconds (clinic/settings.py, same
# default) and then gets the 503 page; the worker timeout leaves room for that page to be sent.
timeout = _whole_number("DATABASE_TIMEOUT", 10) + 20
graceful_timeout = 30

# Recycle workers now and then, so a slow leak cannot grow for ever; jitter keeps them from all
# restarting at once.
max_requests = 1000
max_requests_jitter = 100

# Load Django once in the master: a broken setting stops the start with one clear message, and
# restarted workers come up at once.
preload_app = True

accesslog = "-"
errorlog = "-"

# gunicorn 25+ opens a control socket in the home directory by default; several servers on one
# machine (the live tests, the bench, `make serve`) would fight over it, and nothing here uses it.
control_socket_disable = True
