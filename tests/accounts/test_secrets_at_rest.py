"""A database dump is not enough to pass the second factor: authenticator keys are sealed under
FIELD_ENCRYPTION_KEY, recovery codes are stored as keyed digests; rotation, and the migration that
converts devices stored before."""

from __future__ import annotations

import base64
import secrets
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from screening.accounts import twofactor
from screening.models import SealedTOTPDevice, SecretUnreadable
from tests.support.accounts import current_code

VERIFY = reverse("otp-verify")


def _new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _dump() -> str:
    """Every stored value of django-otp's tables, as one text: what a database dump shows."""
    rows = [*TOTPDevice.objects.values_list(), *StaticToken.objects.values_list()]
    return " ".join(str(value) for row in rows for value in row)


def _verified(user: User, code: str) -> bool:
    return twofactor.second_factor_check(user=user, code=code) is not None


@pytest.mark.django_db
def test_a_dump_holds_neither_the_authenticator_key_nor_any_recovery_code(
    device: SealedTOTPDevice, recovery_codes: list[str]
) -> None:
    dump = _dump().lower()
    secret = twofactor.secret_text(device).replace(" ", "").lower()
    assert device.bin_key.hex() not in dump
    assert secret not in dump
    assert not [code for code in recovery_codes if code in dump]
    # The sealed key still opens with the configured key, and codes still work.
    assert _verified(device.user, current_code(device))
    assert _verified(device.user, recovery_codes[0])


@pytest.mark.django_db
def test_with_the_wrong_key_no_code_passes_and_nothing_fails_loudly(
    device: SealedTOTPDevice, recovery_codes: list[str], settings: Any
) -> None:
    code = current_code(device)
    settings.FIELD_ENCRYPTION_KEY = _new_key()
    with pytest.raises(SecretUnreadable):
        SealedTOTPDevice.objects.get(pk=device.pk).bin_key  # noqa: B018
    assert not _verified(device.user, code)
    assert not _verified(device.user, recovery_codes[0])


@pytest.mark.django_db
def test_a_new_key_in_front_keeps_old_devices_working_and_reseal_moves_them_to_it(
    device: SealedTOTPDevice, recovery_codes: list[str], settings: Any
) -> None:
    old = settings.FIELD_ENCRYPTION_KEY
    new = _new_key()
    settings.FIELD_ENCRYPTION_KEY = f"{new},{old}"
    assert _verified(device.user, recovery_codes[0])  # a digest made under the old key
    out = StringIO()
    call_command("reseal_totp_keys", stdout=out)
    assert "Sealed 1 authenticator keys" in out.getvalue()
    settings.FIELD_ENCRYPTION_KEY = new  # the old key dropped
    device = SealedTOTPDevice.objects.get(pk=device.pk)
    assert _verified(device.user, current_code(device, steps_ahead=1))
    call_command("reseal_totp_keys", stdout=out)
    assert "Sealed 0 authenticator keys" in out.getvalue()


@pytest.mark.django_db
def test_the_settings_name_the_variable_when_the_key_is_missing_or_wrong() -> None:
    from tests.support.commands import manage

    env = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 50}
    missing = manage("check", **env)
    assert missing.returncode != 0 and "Set FIELD_ENCRYPTION_KEY" in missing.stderr
    wrong = manage("check", **env, FIELD_ENCRYPTION_KEY="not-a-key")
    assert wrong.returncode != 0 and "FIELD_ENCRYPTION_KEY must be" in wrong.stderr


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_devices_stored_in_clear_and_they_still_pass() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    before = [
        ("screening", "0006_shared_cache_table"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]
    executor.migrate(before[:1])
    old = MigrationExecutor(connection).loader.project_state(before).apps
    user = User.objects.create_user("thea", password="correct-horse-battery")
    clear_key = secrets.token_bytes(20)
    old_totp = old.get_model("otp_totp", "TOTPDevice")
    old_totp.objects.create(user_id=user.pk, name="Authenticator app", confirmed=True, key=clear_key.hex())
    static = old.get_model("otp_static", "StaticDevice").objects.create(
        user_id=user.pk, name="Recovery codes", confirmed=True
    )
    old.get_model("otp_static", "StaticToken").objects.create(device=static, token="abcdefgh")

    MigrationExecutor(connection).migrate(latest)

    device = SealedTOTPDevice.objects.get(user=user)
    assert clear_key.hex() not in device.key and device.bin_key == clear_key
    assert StaticToken.objects.get().token != "abcdefgh"
    assert _verified(user, current_code(device))
    assert _verified(user, "abcd-efgh")
    client = Client()
    client.force_login(user)
    assert client.get(VERIFY).status_code == 200
