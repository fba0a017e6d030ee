"""Who is asking: the client's address (also for django-axes' lockout) and the intake rate limit."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


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
