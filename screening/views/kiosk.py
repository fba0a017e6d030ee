"""Front-desk tablet mode's own pages: turning it on, "Yes, I'm still here", and the wipe.

What kiosk mode changes elsewhere is described in screening/kiosk.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from screening import kiosk
from screening.views.intake_steps import touch_state


@transaction.non_atomic_requests  # sets a cookie, reads nothing
@never_cache
@require_safe
def kiosk_start(request: HttpRequest) -> HttpResponse:
    """Makes this browser a front-desk tablet until it closes, and opens the start page."""
    response = redirect("screening:home")
    response.set_cookie(
        kiosk.COOKIE,
        "1",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@never_cache
@require_POST
def kiosk_alive(request: HttpRequest) -> HttpResponse:
    """ "Yes, I'm still here": the answers in progress are kept for another idle period."""
    touch_state(request)
    return redirect("screening:intake")


@never_cache
@require_POST
def kiosk_wipe(request: HttpRequest) -> HttpResponse:
    """Nobody answered "Are you still there?": this visit's answers go, and the start page opens.

    A new, empty session, as "Start over" gives; the kiosk cookie is not in the session and stays.
    """
    request.session.flush()
    return redirect("screening:home")
