"""A therapist replaces their recovery codes, or moves to a new phone, each only after a current
code, and each is an audit event."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from screening.accounts import twofactor
from screening.models import AccessLog, SealedTOTPDevice
from tests.support.accounts import current_code

pytestmark = pytest.mark.django_db

NEW_CODES = reverse("otp-confirm-change", args=["recovery-codes"])
NEW_PHONE = reverse("otp-confirm-change", args=["new-phone"])
SETUP = reverse("otp-setup")
VERIFY = reverse("otp-verify")
CODES = reverse("otp-recovery-codes")


@pytest.fixture
def verified(device: SealedTOTPDevice, therapist: User, settings: Any) -> Client:
    # Thea, logged in with her password and her app's code, as on any working day.
    settings.REQUIRE_2FA = True
    client = Client()
    client.force_login(therapist)
    assert client.post(VERIFY, {"code": current_code(device)}).status_code == 302
    return client


def _next_step_code(device: TOTPDevice) -> str:
    # The app's code one step on: the one just used to log in works only once.
    return current_code(SealedTOTPDevice.objects.get(pk=device.pk), steps_ahead=1)


def test_new_recovery_codes_need_a_current_code_and_retire_the_old_ones(
    verified: Client, device: SealedTOTPDevice, recovery_codes: list[str], therapist: User
) -> None:
    wrong = verified.post(NEW_CODES, {"code": "000000"})
    assert wrong.status_code == 200
    assert [e.code for e in wrong.context["form"].errors.as_data()["code"]] == ["wrong_code"]
    assert twofactor.second_factor_check(user=therapist, code=recovery_codes[1]) is not None  # unchanged

    SealedTOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    response = verified.post(NEW_CODES, {"code": _next_step_code(device)})
    assert response["Location"] == CODES
    shown = re.findall(r"<li>([a-z2-7]{8})</li>", verified.get(CODES).content.decode())
    assert len(shown) == 10
    assert twofactor.second_factor_check(user=therapist, code=recovery_codes[2]) is None
    StaticDevice.objects.filter(user=therapist).update(throttling_failure_timestamp=None)  # no wait
    assert twofactor.second_factor_check(user=therapist, code=shown[0]) is not None
    events = list(AccessLog.objects.filter(user=therapist).values_list("action", "detail"))
    assert ("recovery_codes_replaced", "") in events
    assert ("two_factor_failed", "step=recovery-codes") in events


def test_moving_to_a_new_phone_replaces_the_old_one_after_a_current_code(
    verified: Client, device: SealedTOTPDevice, therapist: User
) -> None:
    assert verified.get(SETUP)["Location"].startswith(VERIFY)  # no second set-up without a code
    assert verified.post(NEW_PHONE, {"code": _next_step_code(device)})["Location"] == SETUP
    setup = verified.get(SETUP)
    assert setup.status_code == 200
    new_phone = SealedTOTPDevice.objects.get(user=therapist, confirmed=False)
    assert twofactor.secret_text(new_phone) in setup.content.decode()
    assert verified.post(SETUP, {"code": current_code(new_phone)})["Location"] == CODES
    assert list(SealedTOTPDevice.objects.filter(user=therapist).values_list("pk", "confirmed")) == [
        (new_phone.pk, True)
    ]
    assert AccessLog.objects.filter(user=therapist, action="two_factor_moved").count() == 1
    assert not AccessLog.objects.filter(user=therapist, action="two_factor_enrolled").exists()
    assert verified.get(SETUP)["Location"].startswith(VERIFY)  # the move is used up


def test_the_change_pages_need_a_verified_session_and_a_known_change(
    device: SealedTOTPDevice, therapist: User, settings: Any
) -> None:
    settings.REQUIRE_2FA = True
    password_only = Client()
    password_only.force_login(therapist)
    assert password_only.get(NEW_PHONE)["Location"].startswith(VERIFY)
    assert Client().get(NEW_CODES)["Location"].startswith(reverse("login"))
    password_only.post(VERIFY, {"code": current_code(device)})
    assert password_only.get(NEW_PHONE).status_code == 200
    assert password_only.get(reverse("otp-confirm-change", args=["anything"])).status_code == 404
