"""The access log's own retention, run by purge_submissions: client addresses are blanked after
ACCESS_LOG_ADDRESS_DAYS (90), rows are deleted after ACCESS_LOG_RETENTION_DAYS (2190, six years)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from screening import services
from screening.models import AccessLog, AppendOnlyError
from tests.support.commands import manage

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"


def _failed_login(user: User, days_ago: int) -> AccessLog:
    return AccessLog.objects.create(
        at=timezone.now() - timedelta(days=days_ago),
        user=user,
        username=user.username,
        action=AccessLog.Action.LOGIN_FAILED,
        client_address=ADDRESS,
    )


def _purge(*args: str) -> str:
    out = io.StringIO()
    call_command("purge_submissions", *args, stdout=out)
    return out.getvalue()


def test_the_daily_purge_blanks_old_addresses_and_deletes_rows_past_six_years(therapist: User) -> None:
    fresh, blanked, ancient = (
        _failed_login(therapist, 89),
        _failed_login(therapist, 91),
        _failed_login(therapist, 2191),
    )
    out = _purge()
    assert "blanked 1 client addresses older than 90 days, deleted 1 rows older than 2190 days" in out
    assert AccessLog.objects.get(pk=fresh.pk).client_address == ADDRESS
    kept = AccessLog.objects.get(pk=blanked.pk)
    assert (kept.client_address, kept.action, kept.username) == (None, "login_failed", "thea")
    assert not AccessLog.objects.filter(pk=ancient.pk).exists()
    assert "blanked 0 client addresses" in _purge()  # a second run finds nothing


def test_a_dry_run_counts_and_changes_nothing(therapist: User) -> None:
    old = _failed_login(therapist, 100)
    assert "would blank 1 client addresses" in _purge("--dry-run")
    assert AccessLog.objects.get(pk=old.pk).client_address == ADDRESS


def test_both_periods_follow_their_settings(therapist: User, settings: Any) -> None:
    settings.ACCESS_LOG_ADDRESS_DAYS = 10
    settings.ACCESS_LOG_RETENTION_DAYS = 400
    _failed_login(therapist, 11)
    _failed_login(therapist, 401)
    trim = services.access_log_trim()
    assert (trim.addresses_blanked, trim.rows_deleted) == (1, 1)


def test_outside_the_trim_the_log_stays_append_only(therapist: User) -> None:
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(user=therapist).update(client_address=None)


def test_the_periods_are_bounded_and_in_order() -> None:
    env = {"DJANGO_DEBUG": "true"}
    wrong = manage("check", **env, ACCESS_LOG_ADDRESS_DAYS="400", ACCESS_LOG_RETENTION_DAYS="365")
    assert wrong.returncode != 0
    assert "ACCESS_LOG_RETENTION_DAYS must not be shorter" in wrong.stderr
    assert manage("check", **env, ACCESS_LOG_ADDRESS_DAYS="0").returncode != 0
