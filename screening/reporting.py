"""Keeping patient answers out of logs and error reports.

Loaded by the logging configuration before Django's apps are ready, so it imports no models.
"""

from __future__ import annotations

import copy
import logging
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from django.views.debug import SafeExceptionReporterFilter

if TYPE_CHECKING:
    from types import FrameType


class DropRequestBodyFilter(logging.Filter):
    """Gives a log record a copy of its request without the POST body, uploads and cookies.

    django.request and django.security attach the request to their records, and a handler such
    as AdminEmailHandler would otherwise print the patient's answers from it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest) and not getattr(request, "_body_dropped", False):
            record.request = without_body(request)
        return True


def without_body(request: HttpRequest) -> HttpRequest:
    """A shallow copy of the request that carries no POST data, body, uploads or cookies."""
    clean = copy.copy(request)
    clean._post = QueryDict()
    clean._files = MultiValueDict()
    clean._body = b""
    clean.COOKIES = {}
    clean.META = {k: v for k, v in request.META.items() if k not in {"HTTP_COOKIE", "HTTP_AUTHORIZATION"}}
    clean._body_dropped = True
    return clean


class PatientSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports (admin e-mails, the debug page) that show no patient data.

    Django's filter hides only what views mark as sensitive and only with DEBUG off. This one
    always hides every POST value, every cookie and every local variable of every frame: locals
    hold the answers, contact details and session contents on their way through the code.
    """

    def is_active(self, request: HttpRequest | None) -> bool:
        return True

    def get_post_parameters(self, request: HttpRequest | None) -> QueryDict | dict[str, Any]:
        if request is None:
            return {}
        return self.get_cleansed_multivaluedict(request, request.POST)

    def get_cleansed_multivaluedict(self, request: HttpRequest | None, multivaluedict: Any) -> Any:
        cleansed = multivaluedict.copy()
        for key in cleansed:
            cleansed[key] = self.cleansed_substitute
        return cleansed

    def get_safe_cookies(self, request: HttpRequest | None) -> dict[str, str]:
        return {name: self.cleansed_substitute for name in getattr(request, "COOKIES", {})}

    def get_traceback_frame_variables(
        self, request: HttpRequest | None, tb_frame: FrameType
    ) -> list[tuple[str, str]]:
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
