"""`manage.py doctor`: one line per production need, OK or what to do, and exit 1 while one is missing.

The command runs in a fresh process with only the variables each test gives it, against migrated
SQLite files of its own. The checks of settings that arrive in later versions (FIELD_ENCRYPTION_KEY,
TRUSTED_PROXY_HOPS, REVIEW_NOTIFY_EMAILS, a background worker) are tested in-process below.
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from screening import doctor
from screening.models import AccessLog
from tests.support.commands import manage

# The settings with the cache chosen by DOCTOR_TEST_CACHE: "database" (shared between workers,
# needs no server, accepted by django-axes), "locmem" (each process its own), or "settings" (what
# clinic/settings.py chooses, e.g. Redis from REDIS_URL).
OVERLAY = """\
import os
from clinic.settings import *  # noqa: F403
from clinic.settings import CACHES

_choice = os.environ.get("DOCTOR_TEST_CACHE", "database")
if _choice == "database":
    CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "doctor_cache"}}
elif _choice == "locmem":
    CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
"""

SECRET_KEY = secrets.token_urlsafe(50)
# Shaped like a Fernet key (32 random bytes, URL-safe base64), the usual form of a field key.
FIELD_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("doctor")
    (path / "doctor_settings.py").write_text(OVERLAY)
    return path


def base_env(workdir: Path, database: Path) -> dict[str, str]:
    """A complete production configuration, short only of what the database itself holds."""
    return {
        "DJANGO_SETTINGS_MODULE": "doctor_settings",
        "PYTHONPATH": str(workdir),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "FIELD_ENCRYPTION_KEY": FIELD_KEY,
        "DJANGO_ALLOWED_HOSTS": "screening.clinic.example",
        "TRUSTED_PROXY": "true",
        "TRUSTED_PROXY_HOPS": "1",
        "DATABASE_URL": f"sqlite:///{database}",
        "TIME_ZONE": "Europe/Madrid",
    }


def run_ok(*args: str, **env: str) -> None:
    result = manage(*args, **env)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def migrated(workdir: Path) -> Path:
    # Migrated, with the cache table, but the purge has never run.
    database = workdir / "migrated.sqlite3"
    env = base_env(workdir, database)
    run_ok("migrate", "--no-input", "-v0", **env)
    run_ok("createcachetable", **env)
    return database


def copy_of(database: Path, name: str) -> Path:
    target = database.with_name(name)
    shutil.copyfile(database, target)
    return target


@pytest.fixture(scope="module")
def purged(workdir: Path, migrated: Path) -> Path:
    database = copy_of(migrated, "purged.sqlite3")
    run_ok("purge_submissions", **base_env(workdir, database))
    return database


def doctor_run(workdir: Path, database: Path, **changes: str) -> subprocess.CompletedProcess[str]:
    """The doctor with the complete configuration, changed as given; a change to "" unsets the variable."""
    env = {**base_env(workdir, database), **changes}
    return manage("doctor", **{name: value for name, value in env.items() if value})


def line_of(result: subprocess.CompletedProcess[str], name: str) -> str:
    lines = [line for line in result.stdout.splitlines() if line.split(":")[0].split(maxsplit=1)[-1] == name]
    assert len(lines) == 1, result.stdout + result.stderr
    return lines[0]


def test_a_complete_configuration_is_all_ok_and_exits_zero(workdir: Path, purged: Path) -> None:
    result = doctor_run(workdir, purged)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in (
        "debug",
        "secret key",
        "allowed hosts",
        "proxy and https",
        "database",
        "cache",
        "daily purge",
        "check --deploy",
        "time zone",
    ):
        assert line_of(result, name).startswith("OK   "), result.stdout
    assert "FIX" not in result.stdout
    assert line_of(result, "daily purge") == "OK   daily purge: last ran less than an hour ago"
    assert result.stdout.rstrip().endswith("Ready for production, as far as this command can see.")


@pytest.mark.skipif(
    not os.getenv("REDIS_URL"), reason="runs where REDIS_URL names a Redis (CI's second half)"
)
def test_the_settings_themselves_with_redis_are_complete(workdir: Path, purged: Path) -> None:
    # No overlay: clinic/settings.py as production runs it, with the Redis the suite was given.
    result = doctor_run(
        workdir, purged, DJANGO_SETTINGS_MODULE="clinic.settings", REDIS_URL=os.environ["REDIS_URL"]
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert line_of(result, "cache") == "OK   cache: RedisCache, shared between workers and reachable"


def test_the_output_reveals_no_secret(workdir: Path, purged: Path) -> None:
    for result in (doctor_run(workdir, purged), doctor_run(workdir, purged, DJANGO_DEBUG="true")):
        seen = result.stdout + result.stderr
        assert SECRET_KEY not in seen
        assert FIELD_KEY not in seen


@pytest.mark.parametrize(
    ("changes", "name", "says"),
    [
        ({"DJANGO_DEBUG": "true"}, "debug", "DEBUG is on"),
        ({"DJANGO_SECRET_KEY": "dev-only-insecure-key"}, "secret key", "example or development value"),
        ({"DJANGO_SECRET_KEY": "short-but-random-Q7x"}, "secret key", "too short"),
        ({"DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost"}, "allowed hosts", "names only this machine"),
        ({"TRUSTED_PROXY": "false", "TRUSTED_PROXY_HOPS": "0"}, "proxy and https", "no trusted TLS proxy"),
        ({"DJANGO_SECURE_SSL_REDIRECT": "false"}, "proxy and https", "DJANGO_SECURE_SSL_REDIRECT is off"),
        ({"DOCTOR_TEST_CACHE": "locmem"}, "cache", "lives in each process"),
        (
            {"DOCTOR_TEST_CACHE": "settings", "REDIS_URL": "redis://127.0.0.1:1/0"},
            "cache",
            "cannot be reached",
        ),
        ({"DJANGO_SECURE_HSTS_SECONDS": "0"}, "check --deploy", "security.W004"),
        ({"TIME_ZONE": ""}, "time zone", "default UTC"),
    ],
)
def test_each_missing_piece_has_its_line_and_a_non_zero_exit(
    workdir: Path, purged: Path, changes: dict[str, str], name: str, says: str
) -> None:
    result = doctor_run(workdir, purged, **changes)
    assert result.returncode == 1, result.stdout + result.stderr
    line = line_of(result, name)
    assert line.startswith("FIX  ")
    assert says in line
    assert "to fix before this configuration is ready for production" in result.stdout


def test_utc_set_on_purpose_is_a_time_zone(workdir: Path, purged: Path) -> None:
    assert line_of(doctor_run(workdir, purged, TIME_ZONE="UTC"), "time zone") == "OK   time zone: UTC"


def test_an_unreachable_database_is_reported_without_its_address(workdir: Path, purged: Path) -> None:
    result = doctor_run(workdir, purged, DATABASE_URL="postgres://clinic:pw-9f3k@127.0.0.1:1/ionto")
    assert result.returncode == 1
    assert "cannot be reached (OperationalError): check DATABASE_URL" in line_of(result, "database")
    assert "cannot tell when it last ran" in line_of(result, "daily purge")
    assert "pw-9f3k" not in result.stdout + result.stderr


def test_an_unmigrated_database_says_to_migrate(workdir: Path, tmp_path: Path) -> None:
    result = doctor_run(workdir, tmp_path / "empty.sqlite3")
    assert result.returncode == 1
    assert "not applied: run `.venv/bin/python manage.py migrate`" in line_of(result, "database")


def test_a_purge_that_never_ran_or_ran_days_ago_is_to_fix(workdir: Path, migrated: Path) -> None:
    never = doctor_run(workdir, migrated)
    assert never.returncode == 1
    assert "has never run: schedule `manage.py purge_submissions` daily" in line_of(never, "daily purge")
    stale = copy_of(migrated, "stale.sqlite3")
    insert_old_purge = (
        "from datetime import timedelta; from django.utils import timezone; "
        "from screening.models import AccessLog; "
        "AccessLog.objects.create(action=AccessLog.Action.PURGE, at=timezone.now() - timedelta(days=3))"
    )
    run_ok("shell", "-c", insert_old_purge, **base_env(workdir, stale))
    late = doctor_run(workdir, stale)
    assert late.returncode == 1
    assert "last ran 3 day(s) ago" in line_of(late, "daily purge")


# ---------------------------------------------------------------- settings of later versions


def test_without_a_field_encryption_setting_the_line_says_so_and_does_not_fail(settings: Any) -> None:
    if hasattr(settings, "FIELD_ENCRYPTION_KEY"):
        del settings.FIELD_ENCRYPTION_KEY
    finding = doctor.check_field_encryption_key()
    assert finding.status is doctor.Status.NOTE
    assert "does not exist in this version" in finding.text


@pytest.mark.parametrize(
    ("value", "status"),
    [("", doctor.Status.FIX), ("change-me", doctor.Status.FIX), (FIELD_KEY, doctor.Status.OK)],
    ids=["empty", "example", "random"],
)
def test_a_field_encryption_key_must_be_set_and_not_an_example(
    settings: Any, value: str, status: doctor.Status
) -> None:
    settings.FIELD_ENCRYPTION_KEY = value
    finding = doctor.check_field_encryption_key()
    assert finding.status is status
    assert not value or value not in finding.line


def test_a_field_encryption_key_equal_to_the_secret_key_is_to_fix(settings: Any) -> None:
    settings.SECRET_KEY = settings.FIELD_ENCRYPTION_KEY = SECRET_KEY
    assert doctor.check_field_encryption_key().status is doctor.Status.FIX


def test_proxy_hops_are_read_from_trusted_proxy_hops_when_it_exists(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_HOPS = 2
    assert doctor.check_proxy_and_https().text == "behind 2 trusted proxies, http redirected to https"
    settings.TRUSTED_PROXY_HOPS = 0
    finding = doctor.check_proxy_and_https()
    assert finding.status is doctor.Status.FIX
    assert "set TRUSTED_PROXY_HOPS=1" in finding.text


def test_a_redirect_without_the_proxy_header_would_loop(settings: Any) -> None:
    settings.TRUSTED_PROXY_HOPS = 1
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = None
    assert "every request would be redirected again" in doctor.check_proxy_and_https().text


def test_without_review_alerts_no_email_is_needed(settings: Any) -> None:
    if hasattr(settings, "REVIEW_NOTIFY_EMAILS"):
        del settings.REVIEW_NOTIFY_EMAILS
    assert doctor.check_email().status is doctor.Status.NOTE
    settings.REVIEW_NOTIFY_EMAILS = []
    assert doctor.check_email().text == "review alerts are off: no e-mail needed"


@pytest.mark.parametrize(
    ("email", "status", "says"),
    [
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, doctor.Status.FIX, "delivers"),
        ({"EMAIL_HOST": ""}, doctor.Status.FIX, "EMAIL_HOST"),
        ({"DEFAULT_FROM_EMAIL": "webmaster@localhost"}, doctor.Status.FIX, "DEFAULT_FROM_EMAIL"),
        ({}, doctor.Status.OK, "smtp.clinic.example"),
    ],
)
def test_review_alerts_need_email_that_delivers(
    settings: Any, email: dict[str, str], status: doctor.Status, says: str
) -> None:
    settings.REVIEW_NOTIFY_EMAILS = ["reception@clinic.example"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "smtp.clinic.example"
    settings.DEFAULT_FROM_EMAIL = "screening@clinic.example"
    for name, value in email.items():
        setattr(settings, name, value)
    finding = doctor.check_email()
    assert (finding.status, says in finding.text) == (status, True)


def _task(*, status: str, enqueued_ago: timedelta, run_after: datetime | None = None, **fields: Any) -> None:
    now = timezone.now()
    row = DBTaskResult.objects.create(
        task_path="screening.tasks.review_alert_send",
        args_kwargs={"args": [], "kwargs": {}},
        status=status,
        run_after=run_after or get_date_max(),
        backend_name="default",
        **fields,
    )
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=now - enqueued_ago)


@pytest.mark.django_db
def test_with_no_task_yet_the_worker_line_is_ok() -> None:
    assert doctor.check_worker().line == "OK   background worker: no task waiting; none has run yet"


@pytest.mark.django_db
def test_a_task_waiting_past_its_time_means_the_worker_is_not_running() -> None:
    _task(status="READY", enqueued_ago=timedelta(minutes=2))
    _task(status="READY", enqueued_ago=timedelta(hours=2), run_after=timezone.now() + timedelta(minutes=5))
    assert doctor.check_worker().status is doctor.Status.OK  # one just queued, one scheduled for later
    _task(status="READY", enqueued_ago=timedelta(minutes=30))
    finding = doctor.check_worker()
    assert finding.status is doctor.Status.FIX
    assert "1 task(s) waiting for more than 10 minutes: start `manage.py db_worker`" in finding.text


@pytest.mark.django_db
def test_the_worker_line_says_when_the_last_task_failed_and_when_one_ran() -> None:
    now = timezone.now()
    _task(status="SUCCESSFUL", enqueued_ago=timedelta(hours=3), finished_at=now - timedelta(hours=3))
    assert doctor.check_worker().text == "no task waiting; the last one ran 3 hour(s) ago"
    _task(
        status="FAILED",
        enqueued_ago=timedelta(minutes=5),
        finished_at=now - timedelta(minutes=5),
        exception_class_path="smtplib.SMTPConnectError",
    )
    finding = doctor.check_worker()
    assert finding.status is doctor.Status.FIX
    assert "the last task failed less than an hour ago (SMTPConnectError)" in finding.text


@pytest.mark.django_db
def test_a_purge_row_from_this_morning_is_ok_and_one_from_three_days_ago_is_not() -> None:
    AccessLog.objects.create(action=AccessLog.Action.PURGE, at=timezone.now() - timedelta(days=3))
    assert doctor.check_purge().status is doctor.Status.FIX
    AccessLog.objects.create(action=AccessLog.Action.PURGE, at=timezone.now() - timedelta(hours=5))
    assert doctor.check_purge().text == "last ran 5 hour(s) ago"
