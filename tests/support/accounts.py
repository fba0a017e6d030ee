"""A therapist's log-in as the tests do it: the form, the authenticator app's code, a clock moved on."""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

# log_in()'s default client address.
ADDRESS = "203.0.113.7"


def log_in(client: Client, username: str, password: str, address: str = ADDRESS) -> Any:
    """POSTs the log-in form from this client address."""
    data = {"username": username, "password": password, "next": "/"}
    return client.post(reverse("login"), data, REMOTE_ADDR=address)


def current_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the authenticator app shows now (or that many 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def shift_session(client: Client, key: str, seconds: int) -> None:
    """Moves a time stamp of the client's session that many seconds into the past."""
    session = client.session
    session[key] -= seconds
    session.save()
