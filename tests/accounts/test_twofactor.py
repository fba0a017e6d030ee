"""The two-factor step: setting up the app, codes and recovery codes, and which pages ask for it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from screening.accounts import twofactor
from screening.models import SealedTOTPDevice, recovery_code_digest
from tests.support.accounts import current_code

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
SETUP = reverse("otp-setup")
VERIFY = reverse("otp-verify")
CODES = reverse("otp-recovery-codes")
# A page behind the two-factor gate. The review pages themselves come with the review workspace;
# the gate works on the path, so it guards them whether or not they exist yet.
REVIEW = "/review/"


def gated(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")


@pytest.fixture
def require_2fa(settings: Any) -> None:
    settings.REQUIRE_2FA = True


@pytest.mark.usefixtures("require_2fa")
@pytest.mark.parametrize("path", [REVIEW, "/review/export.csv", "/admin/", "/admin/screening/submission/"])
def test_therapist_without_a_device_is_sent_to_set_one_up(therapist_client: Client, path: str) -> None:
    response = therapist_client.get(path)
    assert gated(response)
    assert response["Location"] == f"{SETUP}?next={path}"


@pytest.mark.usefixtures("require_2fa")
def test_set_up_page_shows_the_secret_the_uri_and_a_qr_code(
    therapist_client: Client, therapist: User
) -> None:
    response = therapist_client.get(f"{SETUP}?next={REVIEW}")
    html = response.content.decode()
    device = SealedTOTPDevice.objects.get(user=therapist, confirmed=False)
    assert twofactor.secret_text(device) in html
    assert "otpauth://totp/" in html
    assert "no-store" in response["Cache-Control"]
    # Reloading the page keeps the secret, so a half-done set-up on the phone still works.
    assert twofactor.secret_text(device) in therapist_client.get(SETUP).content.decode()
    qr = therapist_client.get(reverse("otp-setup-qr"))
    assert qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content


@pytest.mark.usefixtures("require_2fa")
def test_confirming_with_a_code_shows_ten_recovery_codes_once(
    therapist_client: Client, therapist: User, settings: Any
) -> None:
    therapist_client.get(SETUP)
    device = SealedTOTPDevice.objects.get(user=therapist)
    response = therapist_client.post(SETUP, {"code": current_code(device), "next": REVIEW})
    assert response["Location"] == CODES
    page = therapist_client.get(CODES).content.decode()
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", page)
    assert len(codes) == 10
    # Only the codes' digests are stored, never a code itself.
    stored = sorted(StaticToken.objects.values_list("token", flat=True))
    assert sorted(recovery_code_digest(c) for c in codes) == stored
    assert not set(codes) & set(stored)
    assert f'href="{REVIEW}"' in page
    assert therapist_client.get(CODES)["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)  # never again
    device.refresh_from_db()
    assert device.confirmed
    assert not gated(therapist_client.get(REVIEW))


@pytest.mark.usefixtures("require_2fa")
def test_a_wrong_code_confirms_nothing(therapist_client: Client, therapist: User) -> None:
    therapist_client.get(SETUP)
    response = therapist_client.post(SETUP, {"code": "000000"})
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["code"]] == ["wrong_code"]
    assert not SealedTOTPDevice.objects.filter(user=therapist, confirmed=True).exists()
    assert not StaticToken.objects.exists()
    assert gated(therapist_client.get(REVIEW))


@pytest.mark.usefixtures("require_2fa")
def test_therapist_with_a_device_must_enter_a_code(therapist_client: Client, device: TOTPDevice) -> None:
    response = therapist_client.get(REVIEW)
    assert response["Location"] == f"{VERIFY}?next={REVIEW}"
    assert therapist_client.get(SETUP)["Location"].startswith(VERIFY)  # no second set-up to skip the code
    wrong = therapist_client.post(VERIFY, {"code": "123456", "next": REVIEW})
    assert wrong.status_code == 200
    assert gated(therapist_client.get(REVIEW))
    # django-otp makes each retry after a wrong code wait a little longer, starting at one second.
    SealedTOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=None, throttling_failure_count=0
    )
    right = therapist_client.post(VERIFY, {"code": current_code(device), "next": REVIEW})
    assert right["Location"] == REVIEW
    assert not gated(therapist_client.get(REVIEW))


@pytest.mark.usefixtures("require_2fa")
def test_an_app_code_works_only_once(therapist_client: Client, device: TOTPDevice, therapist: User) -> None:
    code = current_code(device)
    assert therapist_client.post(VERIFY, {"code": code, "next": REVIEW})["Location"] == REVIEW
    again = Client()
    again.force_login(therapist)
    assert again.post(VERIFY, {"code": code, "next": REVIEW}).status_code == 200


@pytest.mark.usefixtures("require_2fa")
def test_a_recovery_code_works_once(
    therapist_client: Client, device: TOTPDevice, therapist: User, recovery_codes: list[str]
) -> None:
    code = recovery_codes[0]
    response = therapist_client.post(VERIFY, {"code": f" {code[:4]}-{code[4:].upper()} ", "next": REVIEW})
    assert response["Location"] == REVIEW
    assert StaticToken.objects.count() == 9
    again = Client()
    again.force_login(therapist)
    assert again.post(VERIFY, {"code": code, "next": REVIEW}).status_code == 200
    assert gated(again.get(REVIEW))


@pytest.mark.usefixtures("require_2fa")
def test_passing_the_second_step_gives_a_new_session_key(
    therapist_client: Client, device: TOTPDevice
) -> None:
    before = therapist_client.session.session_key
    therapist_client.post(VERIFY, {"code": current_code(device), "next": REVIEW})
    assert therapist_client.session.session_key != before


@pytest.mark.usefixtures("require_2fa")
def test_next_cannot_send_the_therapist_to_another_site(
    therapist_client: Client, device: TOTPDevice, settings: Any
) -> None:
    response = therapist_client.post(VERIFY, {"code": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)


@pytest.mark.usefixtures("require_2fa")
def test_staff_need_the_second_step_for_the_admin(client: Client) -> None:
    staff = User.objects.create_user("sam", password="correct-horse-battery", is_staff=True)
    client.force_login(staff)
    assert gated(client.get("/admin/"))


@pytest.mark.usefixtures("require_2fa")
def test_users_who_cannot_see_patient_data_and_patients_are_not_asked(other_user_client: Client) -> None:
    assert not gated(other_user_client.get(REVIEW))
    assert not gated(other_user_client.get("/admin/"))
    assert not gated(Client().get(REVIEW))
    assert other_user_client.get("/intake/name/").status_code == 200


def test_without_require_2fa_therapists_go_straight_in(therapist_client: Client) -> None:
    assert not gated(therapist_client.get(REVIEW))
    assert not gated(therapist_client.get("/admin/"))


@pytest.mark.usefixtures("require_2fa")
def test_full_log_in_with_password_then_code(client: Client, therapist: User, device: TOTPDevice) -> None:
    response = client.post(
        LOGIN,
        {"username": "thea", "password": "correct-horse-battery", "next": REVIEW},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response["Location"] == REVIEW
    to_verify = client.get(REVIEW)
    assert to_verify["Location"] == f"{VERIFY}?next={REVIEW}"
    page = client.get(to_verify["Location"])
    assert f'value="{REVIEW}"' in page.content.decode()
    assert client.post(VERIFY, {"code": current_code(device), "next": REVIEW})["Location"] == REVIEW
    assert not gated(client.get(REVIEW))
