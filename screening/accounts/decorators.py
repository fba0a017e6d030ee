"""Access to patient data: every therapist view is wrapped in @therapist_required."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REVIEW_PERMISSION = "screening.review_submission"


class TherapistRequest(HttpRequest):
    """A request that @therapist_required let through: a logged-in user with the review permission."""

    user: User


def therapist_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors go to the login page; logged-in users without the permission get a 403.

    The response is never cached, so patient data does not stay behind on a shared computer.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(REVIEW_PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return never_cache(login_required(wrapped))
