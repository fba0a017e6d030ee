"""The real URLs plus three views that fail on purpose, for the error-page and error-report tests."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from clinic.urls import urlpatterns as clinic_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    # Locals holding patient data, as a real view's would when it fails halfway.
    first_name = request.POST.get("first_name", "")
    answers = dict(request.POST)
    held = dict(request.session.items())
    raise RuntimeError(
        f"failed after reading {len(first_name)} characters, {len(answers)} fields, {len(held)}"
    )


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("secret reason for the log only")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("secret reason for the log only")


urlpatterns = [
    path("test-boom/", boom),
    path("test-forbidden/", forbidden),
    path("test-suspicious/", suspicious),
    *clinic_urlpatterns,
]
