"""Hardening that is ours rather than a library's.

Each piece is configured in the "security" section of clinic/settings.py.
"""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django_otp import user_has_device

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

Middleware = Callable[[HttpRequest], HttpResponse]

REVIEW_PERMISSION = "screening.review_submission"
SESSION_STARTED_KEY = "security_started_at"
SESSION_SEEN_KEY = "security_seen_at"
SESSION_SEEN_GRANULARITY = 60  # seconds
# Why a user was logged out, when it was not the log-out button; the audit trail records it.
LOGOUT_REASON_ATTR = "audit_logout_reason"


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


class SessionTimeoutMiddleware:
    """Logs a signed-in user out after SESSION_IDLE_TIMEOUT idle or SESSION_ABSOLUTE_TIMEOUT in all.

    Only sessions with a logged-in user are touched, so a patient's anonymous session (and its
    one-hour note) is unaffected. The last-seen stamp is refreshed at most once a minute, so the
    idle limit is exact to within that minute.
    """

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_STARTED_KEY, now)
            seen = request.session.get(SESSION_SEEN_KEY, now)
            idle = now - seen > settings.SESSION_IDLE_TIMEOUT
            if idle or now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                setattr(request, LOGOUT_REASON_ATTR, "idle" if idle else "time-limit")
                logout(request)
                messages.info(
                    request, _("You were logged out to keep patient data safe. Please log in again.")
                )
                if request.method != "GET":  # a form sent after the limit is not sent again after log-in
                    return redirect(settings.LOGIN_URL)
                return redirect_to_login(request.get_full_path())
            # Stamp at most once a minute: a session write on every click costs a query and a lock.
            if SESSION_STARTED_KEY not in request.session or now - seen >= SESSION_SEEN_GRANULARITY:
                request.session[SESSION_STARTED_KEY] = started
                request.session[SESSION_SEEN_KEY] = now
        return self.get_response(request)


class Require2FAMiddleware:
    """With REQUIRE_2FA on, a therapist or staff user must pass a second factor before any
    review or admin page: those without an authenticator app are sent to set one up, the
    others to enter a code. Public pages and the log-in pages themselves are not gated.
    """

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.REQUIRE_2FA and self._gated(request.path_info) and needs_second_factor(request.user):
            target = "otp-verify" if user_has_device(request.user) else "otp-setup"
            return redirect_to_login(request.get_full_path(), target)
        return self.get_response(request)

    @cached_property
    def _gated_re(self) -> re.Pattern[str]:
        # Optional language prefix, in case the URLs are ever served under i18n_patterns().
        languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
        return re.compile(rf"^/(?:(?:{languages})/)?(?:review|admin)(?:/|$)")

    def _gated(self, path: str) -> bool:
        return bool(self._gated_re.match(path))


def needs_second_factor(user: AbstractBaseUser | AnonymousUser) -> bool:
    """True for a signed-in user who may see patient data but has not passed a second factor."""
    if not user.is_authenticated or user.is_verified():
        return False
    return user.is_staff or user.has_perm(REVIEW_PERMISSION)
