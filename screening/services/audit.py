"""The audit trail's writes: who did what with which submission, and log-in events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from screening.accounts import clients
from screening.models import AccessLog, Submission

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest


def access_log_record(
    *,
    user: AbstractBaseUser | None,
    action: AccessLog.Action,
    submission: Submission | None = None,
    detail: str = "",
    username: str = "",
    client_address: str | None = None,
) -> AccessLog:
    """The stored audit row. `detail` holds codes and counts only, never patient data.

    `username` names the actor when there is no account: a command, or "(unknown)" for a log-in
    name that matches none.
    """
    return AccessLog.objects.create(
        user=user,
        username=user.get_username() if user else username,
        action=action,
        submission=submission,
        submission_reference=submission.reference if submission else "",
        detail=detail,
        client_address=client_address,
    )


# Where a password or a code was tried from is what tells an attack from a typo, and lifting a
# lockout needs the address; for every other event it would be personal data kept for nothing.
ADDRESS_ACTIONS = frozenset(
    {
        AccessLog.Action.LOGIN,
        AccessLog.Action.LOGIN_FAILED,
        AccessLog.Action.LOCKOUT,
        AccessLog.Action.TWO_FACTOR_FAILED,
    }
)


def account_event_record(
    *,
    action: AccessLog.Action,
    request: HttpRequest | None,
    user: AbstractBaseUser | None,
    username: str = "",
    detail: str = "",
) -> AccessLog:
    """The audit row of a log-in, log-out, failure, lockout or second step; the client's address
    is kept only for the actions in ADDRESS_ACTIONS."""
    address = None
    if request is not None and action in ADDRESS_ACTIONS:
        found = clients.client_address(request)
        address = found if found != "unknown" else None
    return access_log_record(
        user=user, action=action, username=username, detail=detail, client_address=address
    )
