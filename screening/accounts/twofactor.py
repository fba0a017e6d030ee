"""Two-factor log-in for therapists: an authenticator app (TOTP) plus one-time recovery codes.

The devices are django-otp's, with their secrets sealed or hashed (screening/models/twofactor.py);
this module is the one place that creates, confirms and checks them.
"""

from __future__ import annotations

import base64
import io
import logging
from typing import TYPE_CHECKING

import django_otp
import segno
from django import forms
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from screening.models import SealedTOTPDevice, SecretUnreadable, recovery_code_digest, recovery_code_digests

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django_otp.models import Device

TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


class CodeForm(forms.Form):
    error_messages = {
        "wrong_code": _(
            "That code did not work. Check that your phone's clock is right and use the newest code; "
            "after several wrong codes, wait a minute before trying again."
        ),
    }

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


def totp_device_pending(*, user: AbstractBaseUser) -> SealedTOTPDevice:
    """The user's unconfirmed authenticator device: created once, same secret until confirmed."""
    device = SealedTOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = SealedTOTPDevice.new_pending(user=user, name=TOTP_DEVICE_NAME)
        device.save()
    return device


@transaction.atomic
def totp_device_confirm(*, user: AbstractBaseUser, code: str) -> tuple[SealedTOTPDevice, list[str]] | None:
    """The confirmed device and a fresh set of recovery codes, or None if the code is wrong.

    Confirming replaces any earlier authenticator device and recovery codes of the user.
    """
    device = (
        SealedTOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    )
    if device is None or not device.verify_token(_digits(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return device, recovery_codes_replace(user=user)


@transaction.atomic
def recovery_codes_replace(*, user: AbstractBaseUser) -> list[str]:
    """RECOVERY_CODE_COUNT new one-time codes for the user; every earlier code stops working.

    Only their digests are stored: the codes themselves exist only in what this returns.
    """
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=recovery_code_digest(c)) for c in codes)
    return codes


def second_factor_check(*, user: AbstractBaseUser, code: str) -> Device | None:
    """The confirmed device that accepts the code: a 6-digit app code, or a recovery code (used up)."""
    digits = _digits(code)
    if len(digits) == 6 and digits.isdigit():
        candidates: list[Device] = list(SealedTOTPDevice.objects.devices_for_user(user, confirmed=True))
        token = digits
    else:
        candidates = list(StaticDevice.objects.devices_for_user(user, confirmed=True))
        token = _stored_digest(user, code.replace(" ", "").replace("-", "").strip().lower())
    for device in candidates:
        # verify_token() locks the device row and applies django-otp's growing delay after failures.
        try:
            if django_otp.verify_token(user, device.persistent_id, token):
                return device
        except SecretUnreadable:
            logger.error("An authenticator key cannot be unsealed: is FIELD_ENCRYPTION_KEY right?")
    return None


def _stored_digest(user: AbstractBaseUser, code: str) -> str:
    """The digest of the code that is stored for the user, under whichever key made it (a
    rotation keeps the old key listed); else the current key's, which django-otp counts as wrong."""
    digests = recovery_code_digests(code)
    stored = StaticToken.objects.filter(device__user=user, token__in=digests).values_list("token", flat=True)
    return next(iter(stored), digests[0])


def secret_text(device: SealedTOTPDevice) -> str:
    """The secret as people type it into an app: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: SealedTOTPDevice) -> bytes:
    """The otpauth:// URI as an SVG QR code, drawn here: the secret never goes to another service."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(buffer, kind="svg", scale=5, title=_("QR code"))
    return buffer.getvalue()


def _digits(code: str) -> str:
    return code.replace(" ", "").strip()
