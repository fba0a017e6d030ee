"""Account events for the audit trail: log-in, log-out, failed log-ins and lockouts.

connect() is called from ScreeningConfig.ready(). Each receiver turns a signal into one call of
services.account_event_record; none of them writes a row itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from screening import services
from screening.accounts import middleware
from screening.models import AccessLog

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest

# What a failed log-in records when the name typed matches no account: the typed text could be a
# password typed into the wrong box, or a patient's name, so it is never stored.
UNKNOWN_USERNAME = "(unknown)"


def connect() -> None:
    user_logged_in.connect(logged_in, dispatch_uid="screening.audit.logged_in")
    user_logged_out.connect(logged_out, dispatch_uid="screening.audit.logged_out")
    user_login_failed.connect(login_failed, dispatch_uid="screening.audit.login_failed")
    user_locked_out.connect(locked_out, dispatch_uid="screening.audit.locked_out")


def logged_in(sender: Any, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> None:
    services.account_event_record(action=AccessLog.Action.LOGIN, request=request, user=user)


def logged_out(sender: Any, request: HttpRequest, user: AbstractBaseUser | None, **kwargs: Any) -> None:
    if user is None:  # a log-out without a log-in: nothing happened to any account
        return
    reason = getattr(request, middleware.LOGOUT_REASON_ATTR, "")
    services.account_event_record(
        action=AccessLog.Action.LOGOUT,
        request=request,
        user=user,
        detail=f"reason={reason}" if reason else "",
    )


def login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    user = _account(credentials.get("username"))
    services.account_event_record(
        action=AccessLog.Action.LOGIN_FAILED,
        request=request,
        user=user,
        username="" if user else UNKNOWN_USERNAME,
    )


def locked_out(sender: Any, request: HttpRequest, username: str | None, **kwargs: Any) -> None:
    user = _account(username)
    # axes sends this from its own log-in-failed receiver, so this row comes just before the failed
    # attempt's: when the limit is reached, and again for each try while locked out. The count
    # (5, then 6, 7 ...) tells the first from the refused ones.
    failures = getattr(request, "axes_failures_since_start", None)
    services.account_event_record(
        action=AccessLog.Action.LOCKOUT,
        request=request,
        user=user,
        username="" if user else UNKNOWN_USERNAME,
        detail=f"failures={failures}" if failures else "",
    )


def _account(username: object) -> AbstractBaseUser | None:
    """The account with exactly this username (as ModelBackend matches it), or None."""
    if not isinstance(username, str) or not username or len(username) > 150:
        return None
    user_model = get_user_model()
    return user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
