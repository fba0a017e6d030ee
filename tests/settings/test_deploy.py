"""Deployment settings: what DATABASE_URL, REDIS_URL and friends turn into, and the live connection."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from tests.support.servers import shared_database_url

SETTINGS_FILE = Path(settings.BASE_DIR) / "clinic" / "settings.py"
DEPLOY_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "DATABASE_TIMEOUT",
    "DATABASE_CONN_MAX_AGE",
    "BENCH_FLOOR_VIEW",
)


def settings_with(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    """clinic/settings.py run afresh with these variables (and none of DEPLOY_VARIABLES otherwise)."""
    for name in DEPLOY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_postgres_url_reuses_checked_connections_with_bounded_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    db = settings_with(monkeypatch, DATABASE_URL="postgres://clinic:pw@db.internal:5432/ionto")["DATABASES"][
        "default"
    ]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["NAME"], db["USER"]) == ("db.internal", "ionto", "clinic")
    assert db["CONN_MAX_AGE"] == 600
    assert db["CONN_HEALTH_CHECKS"] is True
    assert db["ATOMIC_REQUESTS"] is True
    assert db["OPTIONS"]["connect_timeout"] == 10
    assert db["OPTIONS"]["options"] == "-c statement_timeout=10000 -c lock_timeout=10000"


def test_database_timeout_and_connection_age_are_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    db = settings_with(monkeypatch, DATABASE_TIMEOUT="3", DATABASE_CONN_MAX_AGE="0")["DATABASES"]["default"]
    assert db["OPTIONS"]["timeout"] == 3
    assert db["CONN_MAX_AGE"] == 0


def test_sqlite_default_uses_wal_immediate_transactions_and_a_busy_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = settings_with(monkeypatch)["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["OPTIONS"] == {
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://root@127.0.0.1/ionto"),
        ("DATABASE_URL", "not a url"),
        ("DATABASE_TIMEOUT", "ten"),
        ("DATABASE_TIMEOUT", "0"),
        ("DATABASE_CONN_MAX_AGE", "-1"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("BENCH_FLOOR_VIEW", "perhaps"),
    ],
)
def test_a_wrong_value_stops_the_start_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=variable):
        settings_with(monkeypatch, **{variable: value})


def test_redis_url_switches_the_cache_to_djangos_redis_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    cache_settings = settings_with(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/2")["CACHES"]["default"]
    assert cache_settings["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache_settings["LOCATION"] == "redis://127.0.0.1:6379/2"


def test_without_redis_url_every_worker_shares_the_database_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    cache_settings = settings_with(monkeypatch)["CACHES"]["default"]
    assert cache_settings["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert cache_settings["LOCATION"] == "ionto_cache"


def test_rendered_fragments_stay_in_each_process_even_with_redis_and_are_not_kept_with_debug(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with_redis = settings_with(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/2")["CACHES"]
    assert with_redis["template_fragments"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    development = settings_with(monkeypatch, DJANGO_DEBUG="true")["CACHES"]["template_fragments"]
    assert development["BACKEND"] == "django.core.cache.backends.dummy.DummyCache"


def test_the_bench_view_is_routed_only_when_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings_with(monkeypatch)["ROOT_URLCONF"] == "clinic.urls"
    assert settings_with(monkeypatch, BENCH_FLOOR_VIEW="true")["ROOT_URLCONF"] == "bench.urls"


@pytest.mark.django_db(transaction=True)
def test_the_cache_is_shared_with_another_app_server_with_or_without_redis() -> None:
    # CI's PostgreSQL run sets REDIS_URL (the Redis on 127.0.0.1:6379); the SQLite run uses the
    # database cache in the test database, which another process reaches through DATABASE_URL.
    key, value = f"shared-{uuid.uuid4()}", "seen by every app server"
    cache.set(key, value, 60)
    try:
        other_server = subprocess.run(  # noqa: S603 -- our own interpreter and a fixed program
            [
                sys.executable,
                "-c",
                f"import django; django.setup(); from django.core.cache import cache; "
                f"print(cache.get({key!r}))",
            ],
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "clinic.settings",
                "DATABASE_URL": shared_database_url(),
            },
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    finally:
        cache.delete(key)
    assert other_server == value


@pytest.mark.django_db
def test_the_live_connection_has_the_configured_timeouts() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            assert cursor.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            assert cursor.execute("PRAGMA busy_timeout").fetchone() == (settings.DATABASE_TIMEOUT * 1000,)
            assert connection.transaction_mode == "IMMEDIATE"
        else:
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone() == (f"{settings.DATABASE_TIMEOUT}s",)
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone() == (f"{settings.DATABASE_TIMEOUT}s",)
