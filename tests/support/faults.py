"""Real database faults for a test to send a request into: a held write lock, a failure right after
the submission's row is written, an unreachable database. Used by the one-page and the step-by-step
send tests alike (a test module never imports another test module).
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from django.db import connection

# How long the app's connection waits for a lock in these tests, instead of DATABASE_TIMEOUT.
SHORT_WAIT_MS = 200


def _other_connection() -> Any:
    """A second client of the test database, as another app server or a migration would be."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return sqlite3.connect(params["NAME"], isolation_level=None, timeout=0)
    return psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"],
        host=params["HOST"],
        port=params["PORT"] or None,
    )


def _wait_briefly_for_locks() -> None:
    """Makes the app's own connection give up on a held lock after SHORT_WAIT_MS."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA busy_timeout = {SHORT_WAIT_MS}")
        else:
            cursor.execute(f"SET lock_timeout = '{SHORT_WAIT_MS}ms'")


@contextmanager
def write_lock_held() -> Iterator[None]:
    """Another connection holds the write lock a submit needs."""
    other = _other_connection()
    try:
        if connection.vendor == "sqlite":
            other.execute("BEGIN IMMEDIATE")
        else:
            # EXCLUSIVE still lets others read the table, as SQLite's write lock does.
            other.execute("LOCK TABLE screening_submission IN EXCLUSIVE MODE")
        _wait_briefly_for_locks()
        yield
    finally:
        other.rollback()
        other.close()
        connection.close()  # the next connection has the configured timeouts again


@contextmanager
def fault_after_the_row_is_written() -> Iterator[None]:
    """The submission's INSERT succeeds; storing the browser's session right after it fails."""
    other = _other_connection()
    try:
        if connection.vendor == "sqlite":
            # SQLite locks the whole file for a writer, so no lock can fall between two INSERTs;
            # a trigger makes SQLite itself fail the session INSERT instead.
            other.execute(
                "CREATE TRIGGER fault_on_session BEFORE INSERT ON django_session "
                "BEGIN INSERT INTO table_that_is_gone (x) VALUES (1); END"
            )
        else:
            other.execute("LOCK TABLE django_session IN EXCLUSIVE MODE")
            _wait_briefly_for_locks()
        yield
    finally:
        if connection.vendor == "sqlite":
            other.execute("DROP TRIGGER IF EXISTS fault_on_session")
        other.rollback()
        other.close()
        connection.close()


@contextmanager
def database_unreachable() -> Iterator[None]:
    """The app's connection points at a database that is not there: a closed port, a missing file."""
    with pytest.MonkeyPatch.context() as patch:
        if connection.vendor == "sqlite":
            patch.setitem(connection.settings_dict, "NAME", "/nonexistent-ionto-dir/db.sqlite3")
        else:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                closed_port = s.getsockname()[1]
            patch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
            patch.setitem(connection.settings_dict, "PORT", str(closed_port))
        connection.close()
        try:
            yield
        finally:
            connection.close()
