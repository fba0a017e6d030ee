"""The client address that lockouts, the intake rate limit and the audit trail use.

REMOTE_ADDR with no proxy; behind TRUSTED_PROXY_HOPS proxies that append to X-Forwarded-For, the
entry that many places from the right, so what a client writes into the header itself is ignored.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import reverse

from screening.accounts.clients import client_address
from screening.models import AccessLog, Submission
from tests.support.intake import INTAKE, form_data

PROXY = "10.0.0.2"
REAL = "203.0.113.7"


@pytest.mark.parametrize(
    ("hops", "meta", "expected"),
    [
        (0, {"REMOTE_ADDR": REAL}, REAL),
        (0, {"REMOTE_ADDR": REAL, "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, REAL),
        # One proxy appended the real address; the client wrote the rest.
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"198.51.100.1, {REAL}"}, REAL),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"1.1.1.1,2.2.2.2,{REAL}"}, REAL),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": " 2001:db8::1 "}, "2001:db8::1"),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "not-an-address"}, PROXY),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{REAL}, not-an-address"}, PROXY),
        (1, {"REMOTE_ADDR": PROXY}, PROXY),
        # Two proxies: a CDN appended the client, the local nginx appended the CDN.
        (2, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"6.6.6.6, {REAL}, 192.0.2.50"}, REAL),
        (2, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": REAL}, PROXY),
        (0, {"REMOTE_ADDR": ""}, "unknown"),
    ],
)
def test_client_address_is_counted_from_the_right(
    settings: Any, hops: int, meta: dict[str, str], expected: str
) -> None:
    settings.TRUSTED_PROXY_HOPS = hops
    request = RequestFactory().get("/", **meta)
    assert client_address(request) == expected


def _through_proxy(forged: str) -> dict[str, str]:
    """What nginx passes on: the client's own header with the real address appended."""
    return {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": f"{forged}, {REAL}"}


@pytest.mark.django_db
def test_rotating_forwarded_for_does_not_escape_the_intake_limit(client: Client, settings: Any) -> None:
    settings.TRUSTED_PROXY_HOPS = 1
    settings.INTAKE_RATE_LIMIT = 3
    for n in range(3):
        assert client.post(INTAKE, form_data(), **_through_proxy(f"198.51.100.{n}")).status_code == 302
    refused = client.post(INTAKE, form_data(), **_through_proxy("198.51.100.99"))
    assert refused.status_code == 429
    assert Submission.objects.count() == 3


@pytest.mark.django_db
def test_rotating_forwarded_for_does_not_escape_the_login_lockout(
    client: Client, settings: Any, therapist: User
) -> None:
    settings.TRUSTED_PROXY_HOPS = 1
    login = reverse("login")
    for n in range(5):
        client.post(login, {"username": "thea", "password": "wrong"}, **_through_proxy(f"198.51.100.{n}"))
    right = client.post(
        login, {"username": "thea", "password": "correct-horse-battery"}, **_through_proxy("1.2.3.4")
    )
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    # Every audit row names the address the proxy saw, never one the client wrote.
    rows = AccessLog.objects.filter(action__in=[AccessLog.Action.LOGIN_FAILED, AccessLog.Action.LOCKOUT])
    assert rows.count() >= 6
    assert set(rows.values_list("client_address", flat=True)) == {REAL}


@pytest.mark.django_db
def test_a_forged_address_cannot_lock_out_a_therapist_elsewhere(
    client: Client, settings: Any, therapist: User
) -> None:
    settings.TRUSTED_PROXY_HOPS = 1
    login = reverse("login")
    for _ in range(5):  # the attacker names the therapist's own address in the header
        client.post(login, {"username": "thea", "password": "wrong"}, **_through_proxy("192.0.2.10"))
    at_work = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.10"}
    right = Client().post(login, {"username": "thea", "password": "correct-horse-battery"}, **at_work)
    assert right.status_code == 302
