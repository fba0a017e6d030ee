"""Pages for when something failed: the database is down, or an error nobody expected."""

from __future__ import annotations

import logging
import sys

from django.contrib.auth.context_processors import PermWrapper
from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import defaults

from screening.forms.intake import IntakeForm

# Context for pages shown while the database is down: no user, permissions or messages, which
# would read the session from it.
NO_DATABASE = {"user": AnonymousUser(), "perms": PermWrapper(AnonymousUser()), "messages": ()}

logger = logging.getLogger(__name__)


def intake_unavailable(request: HttpRequest, form: IntakeForm, exc: Exception) -> HttpResponse:
    """The answers, back in the form with the same token, so sending again stores them once."""
    logger.warning("Intake submit failed, database unavailable: %s: %s", type(exc).__name__, exc)
    # The page must not touch the database: no user or messages, which would read the session.
    response = render(
        request, "screening/patient/intake_unavailable.html", {"form": form, **NO_DATABASE}, status=503
    )
    response["Retry-After"] = "30"
    return response


def send_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """ "Send" from the check page failed: the answers stay in the session, and the same token and
    consent go back in the page, so "Send again" stores them once when the database is back."""
    logger.warning("Intake send failed, database unavailable: %s: %s", type(exc).__name__, exc)
    context = {
        "form_token": request.POST.get("form_token", "")[:200],
        "consent": request.POST.get("consent") == "on",
        **NO_DATABASE,
    }
    response = render(request, "screening/patient/send_unavailable.html", context, status=503)
    response["Retry-After"] = "30"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage anywhere in the request (a middleware reading the session, say)
    still gets the calm 503, and a questionnaire being sent still comes back with every answer."""
    exc = sys.exc_info()[1]
    if not isinstance(exc, OperationalError | InterfaceError):
        return defaults.server_error(request)
    if request.method == "POST" and request.path == reverse("screening:intake"):
        return intake_unavailable(request, IntakeForm(request.POST), exc)
    if request.method == "POST" and request.path == reverse("screening:intake-send"):
        return send_unavailable(request, exc)
    logger.warning("Request failed, database unavailable: %s", type(exc).__name__)
    response = render(request, "503.html", NO_DATABASE, status=503)
    response["Retry-After"] = "30"
    return response
