"""Signed-in sessions: the idle and absolute time limits, and the second factor before patient data.

Both are configured in the "security" section of clinic/settings.py.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django_otp import user_has_device

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from screening.accounts.clients import CACHE_ERRORS
from screening.accounts.decorators import REVIEW_PERMISSION

Middleware = Callable[[HttpRequest], HttpResponse]

SESSION_STARTED_KEY = "security_started_at"
SESSION_SEEN_KEY = "security_seen_at"
SESSION_SEEN_GRANULARITY = 60  # seconds
# Why a user was logged out, when it was not the log-out button; the audit trail records it.
LOGOUT_REASON_ATTR = "audit_logout_reason"

logger = logging.getLogger(__name__)


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


class CacheOutageMiddleware:
    """A view that needs the shared cache while Redis is down (a log-in: the lockout counts there)
    gets the calm 503 page, "try again in a minute", instead of a 500.

    Log-ins fail closed: without the cache nobody could count failures, so none are accepted. The
    outage is logged once per request as a warning, not as an error e-mail per request.
    """

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, CACHE_ERRORS):
            return None
        logger.warning("Request refused, the shared cache is unavailable: %s", type(exception).__name__)
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "60"
        response._has_been_logged = True  # type: ignore[attr-defined] -- logged above, as a warning
        return response
