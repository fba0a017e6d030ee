"""Hardening that is ours rather than a library's.

Each piece is configured in the "security" section of clinic/settings.py.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property

Middleware = Callable[[HttpRequest], HttpResponse]


# ---------------------------------------------------------------- client address


def client_address(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR, or the first X-Forwarded-For hop behind a TRUSTED_PROXY."""
    if settings.TRUSTED_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
        if _is_ip(forwarded):
            return forwarded
    remote = request.META.get("REMOTE_ADDR", "")
    return remote if _is_ip(remote) else "unknown"


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- the intake rate limit


def intake_rate_limited(request: HttpRequest) -> bool:
    """Counts this send of the questionnaire; True once its address is over INTAKE_RATE_LIMIT."""
    # Keyed by a keyed hash, so the cache holds no patient's IP address in the clear.
    digest = salted_hmac("screening.intake-rate", client_address(request)).hexdigest()
    key = f"intake-rate:{digest}"
    cache.add(key, 0, timeout=settings.INTAKE_RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ran out between add() and incr()
        cache.set(key, 1, timeout=settings.INTAKE_RATE_WINDOW)
        count = 1
    return count > settings.INTAKE_RATE_LIMIT


# ---------------------------------------------------------------- middleware


class SecurityHeadersMiddleware:
    """Adds the headers Django has no setting for: Permissions-Policy and Cross-Origin-Resource-Policy."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        response.headers.setdefault("Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY)
        return response

    @cached_property
    def permissions_policy(self) -> str:
        return ", ".join(
            f"{feature}=({' '.join(allow)})" for feature, allow in settings.PERMISSIONS_POLICY.items()
        )
