"""Real database faults for a test to send a request into: a held write lock, an unreachable database.

The same faults as tests/live/test_faults.py, for the step-by-step send (a test module never imports
another test module).
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

SHORT_WAIT_MS = 200


def _other_connection() -> Any:
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


@contextmanager
def write_lock_held() -> Iterator[None]:
    """Another connection holds the lock that storing a submission needs."""
    other = _other_connection()
    try:
        if connection.vendor == "sqlite":
            other.execute("BEGIN IMMEDIATE")
        else:
            other.execute("LOCK TABLE screening_submission IN EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"PRAGMA busy_timeout = {SHORT_WAIT_MS}")
            else:
                cursor.execute(f"SET lock_timeout = '{SHORT_WAIT_MS}ms'")
        yield
    finally:
        other.rollback()
        other.close()
        connection.close()


@contextmanager
def database_unreachable() -> Iterator[None]:
    """The app's connection points at a database that is not there."""
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
