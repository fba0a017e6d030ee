"""Account events in the audit trail: log-in, log-out, failures, lockouts and the second step."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from screening.accounts import middleware as security
from screening.models import AccessLog, SealedTOTPDevice
from tests.support.accounts import ADDRESS, current_code, log_in, shift_session

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
Action = AccessLog.Action


def rows(*actions: str) -> list[AccessLog]:
    """The audit rows of these actions, oldest first."""
    return list(AccessLog.objects.filter(action__in=actions).order_by("at", "id"))


def stored_text() -> str:
    return " ".join(
        f"{e.username} {e.detail} {e.submission_reference} {e.client_address}"
        for e in AccessLog.objects.all()
    )


def test_logging_in_is_recorded_with_the_address_it_came_from(client: Client, therapist: User) -> None:
    log_in(client, "thea", PASSWORD)
    [entry] = rows(Action.LOGIN)
    assert (entry.user, entry.username, entry.client_address) == (therapist, "thea", ADDRESS)
    assert entry.submission is None and entry.submission_reference == ""
    assert PASSWORD not in stored_text()


def test_logging_out_is_recorded_without_an_address(client: Client, therapist: User) -> None:
    log_in(client, "thea", PASSWORD)
    client.post(reverse("logout"))
    [entry] = rows(Action.LOGOUT)
    assert (entry.user, entry.detail, entry.client_address) == (therapist, "", None)


def test_logging_out_without_being_logged_in_records_nothing(client: Client) -> None:
    client.post(reverse("logout"))
    assert not AccessLog.objects.exists()


def test_a_session_that_timed_out_says_so(therapist_client: Client, therapist: User) -> None:
    therapist_client.get("/")
    shift_session(therapist_client, security.SESSION_SEEN_KEY, 16 * 60)
    therapist_client.get("/")
    [entry] = rows(Action.LOGOUT)
    assert (entry.user, entry.detail) == (therapist, "reason=idle")


def test_a_failed_log_in_names_an_existing_account(client: Client, therapist: User) -> None:
    log_in(client, "thea", "wrong-password")
    [entry] = rows(Action.LOGIN_FAILED)
    assert (entry.user, entry.username, entry.client_address) == (therapist, "thea", ADDRESS)
    assert "wrong-password" not in stored_text()
    assert not rows(Action.LOGIN)


@pytest.mark.parametrize("typed", ["Rosa Reyes", "correct-horse-battery", "Thea"])
def test_a_failed_log_in_with_a_name_no_account_has_records_unknown(
    client: Client, therapist: User, typed: str
) -> None:
    # A password typed into the name box, a patient's name, or a near miss: none is kept.
    log_in(client, typed, "whatever-it-was")
    [entry] = rows(Action.LOGIN_FAILED)
    assert (entry.user, entry.username) == (None, "(unknown)")
    assert typed not in stored_text()
    assert "whatever-it-was" not in stored_text()


def test_too_many_failures_through_the_form_record_one_lockout(
    client: Client, therapist: User, settings: Any
) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit):
        log_in(client, "thea", "wrong-password")
    assert len(rows(Action.LOGIN_FAILED)) == limit
    [lockout] = rows(Action.LOCKOUT)
    assert (lockout.user, lockout.username, lockout.client_address) == (therapist, "thea", ADDRESS)
    assert lockout.detail == f"failures={limit}"


def test_each_try_while_locked_out_is_recorded_and_none_logs_in(
    client: Client, therapist: User, settings: Any
) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit):
        log_in(client, "thea", "wrong-password")
    assert log_in(client, "thea", PASSWORD).status_code == 429
    assert [e.detail for e in rows(Action.LOCKOUT)] == [f"failures={limit}", f"failures={limit + 1}"]
    assert len(rows(Action.LOGIN_FAILED)) == limit + 1
    assert not rows(Action.LOGIN)


def test_a_lockout_of_a_name_no_account_has_records_unknown(client: Client, settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "Rosa Reyes", "wrong-password")
    [lockout] = rows(Action.LOCKOUT)
    assert (lockout.user, lockout.username, lockout.client_address) == (None, "(unknown)", ADDRESS)
    assert "Rosa" not in stored_text()


def test_views_and_decisions_keep_no_address(therapist_client: Client) -> None:
    therapist_client.get(reverse("screening:review-export"))
    [export] = rows(Action.EXPORT)
    assert export.client_address is None


def test_passing_the_second_step_with_the_app_is_recorded(
    therapist_client: Client, therapist: User, device: TOTPDevice
) -> None:
    therapist_client.post(reverse("otp-verify"), {"code": current_code(device)})
    [entry] = rows(Action.TWO_FACTOR_OK)
    assert (entry.user, entry.detail, entry.client_address) == (therapist, "device=app", None)


def test_passing_the_second_step_with_a_recovery_code_says_so(
    therapist_client: Client, device: TOTPDevice, recovery_codes: list[str]
) -> None:
    code = recovery_codes[0]
    therapist_client.post(reverse("otp-verify"), {"code": code})
    [entry] = rows(Action.TWO_FACTOR_OK)
    assert entry.detail == "device=recovery-code"
    assert code not in stored_text()


def test_a_wrong_code_is_recorded_with_the_address(
    therapist_client: Client, therapist: User, device: TOTPDevice
) -> None:
    therapist_client.post(reverse("otp-verify"), {"code": "123456"}, REMOTE_ADDR=ADDRESS)
    [entry] = rows(Action.TWO_FACTOR_FAILED)
    assert (entry.user, entry.detail, entry.client_address) == (therapist, "step=verify", ADDRESS)
    assert "123456" not in stored_text()
    assert not rows(Action.TWO_FACTOR_OK)


def test_setting_up_the_app_is_recorded_and_a_wrong_first_code_too(
    therapist_client: Client, therapist: User
) -> None:
    setup = reverse("otp-setup")
    therapist_client.get(setup)
    therapist_client.post(setup, {"code": "000000"})
    # django-otp makes the next try after a wrong code wait a second; the test does not.
    SealedTOTPDevice.objects.filter(user=therapist).update(throttling_failure_timestamp=None)
    device = SealedTOTPDevice.objects.get(user=therapist)
    therapist_client.post(setup, {"code": current_code(device)})
    assert [(e.action, e.detail) for e in rows(Action.TWO_FACTOR_FAILED, Action.TWO_FACTOR_ENROLLED)] == [
        (Action.TWO_FACTOR_FAILED, "step=setup"),
        (Action.TWO_FACTOR_ENROLLED, "device=app"),
    ]
