"""What `manage.py doctor` checks: is this running configuration ready for production?

Each check returns one Finding: a short name and either "OK ..." or what to do. A check never puts
a secret value in its line (keys are judged, never shown) and never raises: a check that cannot
run says why. Settings that arrive in later versions (FIELD_ENCRYPTION_KEY, TRUSTED_PROXY_HOPS,
REVIEW_NOTIFY_EMAILS) are read with getattr, so this module works before and after they land.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.utils import timezone

# The values this project's own files show as examples or use outside production: a deployment
# that copied one of them has a key that is not secret.
EXAMPLE_KEYS = frozenset({"dev-only-insecure-key", "test-only-not-secret", "x", "…", "..."})
EXAMPLE_MARKERS = ("example", "change-me", "changeme", "insecure", "not-secret", "secret-key", "…")
# Django's own rule for a secret key that is long and random enough (security.W009); a field
# encryption key (a Fernet key is 44 characters) must carry at least 32 bytes' worth.
MIN_KEY_LENGTH, MIN_KEY_UNIQUE = 50, 5
MIN_FIELD_KEY_LENGTH = 43
# Caches that live inside one process: each gunicorn worker would count lockouts on its own.
PER_PROCESS_CACHES = frozenset(
    {"django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache"}
)
# E-mail backends that deliver nothing to anyone.
NON_DELIVERING_EMAIL = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    }
)
PURGE_MAX_AGE = timedelta(days=2)
HEARTBEAT_MAX_AGE = timedelta(minutes=10)
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})


class Status(StrEnum):
    OK = "OK"
    FIX = "FIX"  # required for production: makes the command exit non-zero
    NOTE = "NOTE"  # nothing this version can check or needs; never fails the run


@dataclass(frozen=True)
class Finding:
    name: str
    status: Status
    text: str

    @property
    def line(self) -> str:
        return f"{self.status.value:<4} {self.name}: {self.text}"


def _ok(name: str, text: str) -> Finding:
    return Finding(name, Status.OK, text)


def _fix(name: str, text: str) -> Finding:
    return Finding(name, Status.FIX, text)


def _note(name: str, text: str) -> Finding:
    return Finding(name, Status.NOTE, text)


def key_problem(value: str, *, min_length: int = MIN_KEY_LENGTH) -> str | None:
    """Why a secret key is unfit for production, without quoting it; None when it is fit."""
    if not value:
        return "is not set"
    lowered = value.lower()
    if value in EXAMPLE_KEYS or any(marker in lowered for marker in EXAMPLE_MARKERS):
        return "is an example or development value"
    if len(value) < min_length or len(set(value)) < MIN_KEY_UNIQUE:
        return f"is too short or too simple (at least {min_length} random characters)"
    return None


def check_debug() -> Finding:
    if settings.DEBUG:
        return _fix("debug", "DEBUG is on: unset DJANGO_DEBUG or set DJANGO_DEBUG=false")
    return _ok("debug", "DEBUG is off")


def check_secret_key() -> Finding:
    if problem := key_problem(settings.SECRET_KEY):
        return _fix(
            "secret key",
            f"DJANGO_SECRET_KEY {problem}: set it to a new random value, the same on every app server "
            "(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')",
        )
    return _ok("secret key", "DJANGO_SECRET_KEY is set and looks random (not shown)")


def check_field_encryption_key() -> Finding:
    value = getattr(settings, "FIELD_ENCRYPTION_KEY", None)
    if value is None:
        return _note("encryption key", "FIELD_ENCRYPTION_KEY does not exist in this version: nothing to set")
    if problem := key_problem(str(value), min_length=MIN_FIELD_KEY_LENGTH):
        return _fix("encryption key", f"FIELD_ENCRYPTION_KEY {problem}: set it to a new random key")
    if value == settings.SECRET_KEY:
        return _fix("encryption key", "FIELD_ENCRYPTION_KEY equals DJANGO_SECRET_KEY: give it its own key")
    return _ok("encryption key", "FIELD_ENCRYPTION_KEY is set and looks random (not shown)")


def check_allowed_hosts() -> Finding:
    hosts = list(settings.ALLOWED_HOSTS)
    if not hosts:
        return _fix("allowed hosts", "DJANGO_ALLOWED_HOSTS is empty: set the clinic's host name(s)")
    if "*" in hosts:
        return _fix("allowed hosts", "DJANGO_ALLOWED_HOSTS allows any host (*): list the clinic's host names")
    if set(hosts) <= LOCAL_HOSTS:
        return _fix(
            "allowed hosts",
            f"DJANGO_ALLOWED_HOSTS names only this machine ({', '.join(hosts)}): "
            "set the host name patients and therapists use",
        )
    return _ok("allowed hosts", ", ".join(hosts))


def proxy_hops() -> int:
    """How many trusted proxies stand in front of the app: TRUSTED_PROXY_HOPS, else TRUSTED_PROXY."""
    hops = getattr(settings, "TRUSTED_PROXY_HOPS", None)
    if hops is not None:
        return int(hops)
    return 1 if getattr(settings, "TRUSTED_PROXY", False) else 0


def check_proxy_and_https() -> Finding:
    name = "proxy and https"
    hops, redirect = proxy_hops(), settings.SECURE_SSL_REDIRECT
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    variable = "TRUSTED_PROXY_HOPS" if hasattr(settings, "TRUSTED_PROXY_HOPS") else "TRUSTED_PROXY"
    if hops == 0:
        return _fix(
            name,
            f"no trusted TLS proxy ({variable} is off): serve the app behind a TLS proxy that sets "
            f"X-Forwarded-Proto and X-Forwarded-For, and set {variable}"
            + ("=1" if variable == "TRUSTED_PROXY_HOPS" else "=true"),
        )
    if not redirect:
        return _fix(
            name,
            f"behind {hops} trusted prox{'y' if hops == 1 else 'ies'} but DJANGO_SECURE_SSL_REDIRECT is "
            "off: unset it (or set it to true) so that plain http is sent to https",
        )
    if proxy_header is None:
        return _fix(
            name,
            "the https redirect is on but Django does not read X-Forwarded-Proto "
            "(SECURE_PROXY_SSL_HEADER): every request would be redirected again",
        )
    return _ok(name, f"behind {hops} trusted prox{'y' if hops == 1 else 'ies'}, http redirected to https")


def check_database() -> Finding:
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        # The class only: a driver's message can carry the host and user name.
        return _fix("database", f"cannot be reached ({type(exc).__name__}): check DATABASE_URL")
    if unapplied:
        return _fix(
            "database",
            f"{len(unapplied)} migration(s) not applied: run `.venv/bin/python manage.py migrate`",
        )
    return _ok("database", f"{connection.vendor}, reachable, every migration applied")


def check_cache() -> Finding:
    backend = settings.CACHES["default"]["BACKEND"]
    short = backend.rsplit(".", 1)[-1]
    if backend in PER_PROCESS_CACHES:
        return _fix(
            "cache",
            f"{short} lives in each process, so workers count log-in failures and intake sends apart: "
            "set REDIS_URL",
        )
    key = f"doctor-{uuid.uuid4()}"
    try:
        cache = caches["default"]
        cache.set(key, "seen", 30)
        seen = cache.get(key)
        cache.delete(key)
    except Exception as exc:  # any backend's failure is reported, whatever its class
        return _fix("cache", f"{short} cannot be reached ({type(exc).__name__}): check REDIS_URL")
    if seen != "seen":
        return _fix("cache", f"{short} did not keep a value: check REDIS_URL")
    return _ok("cache", f"{short}, shared between workers and reachable")


def check_email() -> Finding:
    recipients = getattr(settings, "REVIEW_NOTIFY_EMAILS", None)
    if recipients is None:
        return _note("e-mail", "review alerts do not exist in this version: no e-mail needed")
    if not recipients:
        return _ok("e-mail", "review alerts are off: no e-mail needed")
    backend = settings.EMAIL_BACKEND
    if backend in NON_DELIVERING_EMAIL:
        return _fix(
            "e-mail", f"review alerts are on but {backend.rsplit('.', 2)[-2]} e-mail delivers nothing"
        )
    if backend == "django.core.mail.backends.smtp.EmailBackend" and not settings.EMAIL_HOST:
        return _fix("e-mail", "review alerts are on but no SMTP server is set (EMAIL_HOST)")
    if settings.DEFAULT_FROM_EMAIL == "webmaster@localhost":
        return _fix(
            "e-mail", "review alerts are on but the sender is Django's default: set DEFAULT_FROM_EMAIL"
        )
    return _ok("e-mail", f"review alerts go through {settings.EMAIL_HOST or backend}")


def _age(at: datetime) -> str:
    hours = int((timezone.now() - at).total_seconds() // 3600)
    if hours < 1:
        return "less than an hour ago"
    return f"{hours // 24} day(s) ago" if hours >= 48 else f"{hours} hour(s) ago"


def check_worker() -> Finding:
    # The worker (`manage.py db_worker`) leaves no heartbeat of its own: a task that waits past its
    # time shows that it is not running, and the newest finished task whether the last one failed.
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    late = now - HEARTBEAT_MAX_AGE
    try:
        ready = DBTaskResult.objects.ready()
        waiting = ready.filter(
            Q(run_after=get_date_max(), enqueued_at__lt=late) | Q(run_after__lt=late)
        ).count()
        last = DBTaskResult.objects.finished().order_by("-finished_at").first()
    except DatabaseError:
        return _fix("background worker", "cannot read its tasks: the database is not reachable")
    if waiting:
        return _fix(
            "background worker",
            f"{waiting} task(s) waiting for more than {HEARTBEAT_MAX_AGE.seconds // 60} minutes: "
            "start `manage.py db_worker` (README, Review alerts) or check its log",
        )
    if last is None:
        return _ok("background worker", "no task waiting; none has run yet")
    if last.status == "FAILED":
        return _fix(
            "background worker",
            f"the last task failed {_age(last.finished_at)} ({last.exception_class_path.rsplit('.', 1)[-1]}): "
            "check the e-mail settings and the worker's log",
        )
    return _ok("background worker", f"no task waiting; the last one ran {_age(last.finished_at)}")


def check_purge() -> Finding:
    from screening.models import AccessLog

    try:
        latest = (
            AccessLog.objects.filter(action=AccessLog.Action.PURGE)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
    except DatabaseError:
        return _fix("daily purge", "cannot tell when it last ran: the database is not reachable")
    schedule = "schedule `manage.py purge_submissions` daily (README, Security)"
    if latest is None:
        return _fix("daily purge", f"has never run: {schedule}")
    if timezone.now() - latest > PURGE_MAX_AGE:
        return _fix("daily purge", f"last ran {_age(latest)}: {schedule}")
    return _ok("daily purge", f"last ran {_age(latest)}")


def check_tallies() -> Finding:
    from screening.services import tallies

    try:
        drift = tallies.tallies_drift()
    except DatabaseError:
        return _fix("queue counts", "cannot check them: the database is not reachable")
    if drift:
        return _fix(
            "queue counts",
            f"the tallies disagree ({drift}): run `manage.py rebuild_tallies` (after a deploy that old "
            "processes wrote through, or a write that went around screening/services/)",
        )
    return _ok("queue counts", "the tallies by day add up to the totals")


def check_deploy() -> Finding:
    found = [
        m
        for m in checks.run_checks(include_deployment_checks=True)
        if m.level >= checks.WARNING and not m.is_silenced()
    ]
    if found:
        ids = ", ".join(sorted({m.id or "?" for m in found}))
        return _fix("check --deploy", f"{len(found)} issue(s) ({ids}): run `manage.py check --deploy`")
    return _ok("check --deploy", "no issues")


def check_time_zone() -> Finding:
    if settings.TIME_ZONE == "UTC" and "TIME_ZONE" not in os.environ:
        return _fix(
            "time zone",
            "TIME_ZONE is the default UTC: set it to the clinic's zone, e.g. TIME_ZONE=Europe/Madrid "
            "(ages are counted on the clinic's date), or TIME_ZONE=UTC if the clinic keeps UTC",
        )
    return _ok("time zone", settings.TIME_ZONE)


def check_backups() -> Finding:
    return _note("backups", "not visible from here: back up the database daily and test a restore")


CHECKS: tuple[Callable[[], Finding], ...] = (
    check_debug,
    check_secret_key,
    check_field_encryption_key,
    check_allowed_hosts,
    check_proxy_and_https,
    check_database,
    check_cache,
    check_email,
    check_worker,
    check_purge,
    check_tallies,
    check_deploy,
    check_time_zone,
    check_backups,
)


def examine() -> list[Finding]:
    """Every check's finding, in the order the command prints them."""
    return [check() for check in CHECKS]
