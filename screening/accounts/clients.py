"""Who is asking: the client's address (also for django-axes' lockout) and the intake rate limit."""

from __future__ import annotations

import ipaddress
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from redis.exceptions import RedisError

# What the shared cache raises when Redis is down or too slow (socket timeouts in settings).
CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError,)

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR, or the address TRUSTED_PROXY_HOPS proxies in front wrote.

    Each proxy appends the address it was reached from to X-Forwarded-For, so with N trusted
    proxies the client's address is the N-th from the right; anything to the left of it is
    whatever the client chose to send, and is ignored. A header shorter than that, or an entry
    that is not an address, means the request did not come through every proxy: REMOTE_ADDR.
    """
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= hops and _is_ip(forwarded[-hops]):
            return forwarded[-hops]
    remote = request.META.get("REMOTE_ADDR", "")
    return remote if _is_ip(remote) else "unknown"


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def intake_rate_limited(request: HttpRequest) -> bool:
    """Counts this send of the questionnaire; True once its address is over INTAKE_RATE_LIMIT.

    Fails open: a patient's send is never refused because the cache is down; it goes uncounted,
    with a warning in the log.
    """
    return _over_limit(request, "intake", settings.INTAKE_RATE_LIMIT)


def status_rate_limited(request: HttpRequest) -> bool:
    """Counts this look-up on /status/; True once its address is over STATUS_RATE_LIMIT.

    Its own count, in the same window as the intake's: checking a status never uses up the sends
    of a patient at the same address (a clinic's wifi), nor the other way round. Fails open too.
    """
    return _over_limit(request, "status", settings.STATUS_RATE_LIMIT)


def _over_limit(request: HttpRequest, bucket: str, limit: int) -> bool:
    try:
        return _count(request, bucket) > limit
    # DatabaseError: the embedded default cache is a table; with the database down, the submit
    # that follows gets the calm 503 page that keeps the answers.
    except (*CACHE_ERRORS, DatabaseError) as exc:
        logger.warning(
            "%s rate limit skipped, the cache is unavailable: %s", bucket.capitalize(), type(exc).__name__
        )
        return False


def _count(request: HttpRequest, bucket: str) -> int:
    # Keyed by a keyed hash, so the cache holds no patient's IP address in the clear.
    digest = salted_hmac(f"screening.{bucket}-rate", client_address(request)).hexdigest()
    key = f"{bucket}-rate:{digest}"
    cache.add(key, 0, timeout=settings.INTAKE_RATE_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # the window ran out between add() and incr()
        cache.set(key, 1, timeout=settings.INTAKE_RATE_WINDOW)
        return 1


class ReplayedFormToken(Exception):
    """The form token was already used by another browser: this one may not see that note."""


def form_token_claim(request: HttpRequest, token: uuid.UUID, *, created: bool, timeout: int) -> bool:
    """Whether this browser may read the note of the submission stored with this form token.

    The browser that stored it claims the token (keyed by its CSRF cookie, which a double click
    or a resend from the same browser carries too); another browser that replays the token, from
    a shared tablet's history or a copied page, is not the claimant. Without the cache, only the
    request that stored the submission is sure to be its sender.
    """
    key = "intake-token:" + salted_hmac("screening.intake-token", token.hex).hexdigest()
    cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    browser = salted_hmac("screening.intake-browser", cookie).hexdigest()
    try:
        if created:
            cache.set(key, browser, timeout=timeout)
            return True
        return cache.get(key) == browser
    except CACHE_ERRORS as exc:
        logger.warning("Form token claim skipped, the cache is unavailable: %s", type(exc).__name__)
        return created
