"""Log-in lockout: five wrong passwords pause an account from one address for fifteen minutes."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from tests.support.accounts import log_in

pytestmark = pytest.mark.django_db


def test_correct_password_logs_in(client: Client, therapist: User) -> None:
    response = log_in(client, "thea", "correct-horse-battery")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(therapist.pk)


def test_five_wrong_passwords_lock_the_account_from_that_address(client: Client, therapist: User) -> None:
    for _ in range(4):
        assert log_in(client, "thea", "wrong-password").status_code == 200
    fifth = log_in(client, "thea", "wrong-password")
    assert fifth.status_code == 429
    locked = log_in(client, "thea", "correct-horse-battery")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    html = locked.content.decode()
    assert "Log in paused" in html
    assert "15 minutes" in html
    assert "thea" not in html


def test_lockout_is_per_username_and_address(client: Client, therapist: User) -> None:
    for _ in range(5):
        log_in(client, "thea", "wrong-password")
    other_address = Client()
    assert log_in(other_address, "thea", "correct-horse-battery", address="198.51.100.9").status_code == 302


def test_lockout_lasts_fifteen_minutes_and_counts_in_the_cache(settings: Any) -> None:
    from axes.helpers import get_cool_off

    assert get_cool_off().total_seconds() == 15 * 60
    assert settings.AXES_HANDLER == "axes.handlers.cache.AxesCacheHandler"
    assert settings.AXES_FAILURE_LIMIT == 5


def test_a_good_login_resets_the_failure_count(client: Client, therapist: User) -> None:
    for _ in range(4):
        log_in(client, "thea", "wrong-password")
    assert log_in(client, "thea", "correct-horse-battery").status_code == 302
    client.logout()
    for _ in range(4):
        assert log_in(client, "thea", "wrong-password").status_code == 200


def test_an_admin_can_lift_a_lockout_from_the_command_line(client: Client, therapist: User) -> None:
    for _ in range(5):
        log_in(client, "thea", "wrong-password")
    call_command("axes_reset_ip_username", "203.0.113.7", "thea", stdout=StringIO())
    assert log_in(client, "thea", "correct-horse-battery").status_code == 302
