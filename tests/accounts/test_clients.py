"""The client address the intake rate limit counts: REMOTE_ADDR, or X-Forwarded-For behind a trusted proxy."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from screening.accounts.clients import client_address


@pytest.mark.parametrize(
    ("trusted", "meta", "expected"),
    [
        (False, {"REMOTE_ADDR": "203.0.113.7"}, "203.0.113.7"),
        (False, {"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, "203.0.113.7"),
        (True, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.1, 10.0.0.9"}, "198.51.100.1"),
        (True, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": " 2001:db8::1 "}, "2001:db8::1"),
        (True, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "not-an-address"}, "10.0.0.2"),
        (True, {"REMOTE_ADDR": "10.0.0.2"}, "10.0.0.2"),
        (False, {"REMOTE_ADDR": ""}, "unknown"),
    ],
)
def test_client_address(settings: Any, trusted: bool, meta: dict[str, str], expected: str) -> None:
    settings.TRUSTED_PROXY = trusted
    request = RequestFactory().get("/", **meta)
    assert client_address(request) == expected
