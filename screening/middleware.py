"""Response headers Django has no setting for; configured in the "security" section of clinic/settings.py."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import cached_property

Middleware = Callable[[HttpRequest], HttpResponse]


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
