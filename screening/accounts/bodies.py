"""Request bodies no page of ours can use: refused early with the calm 400 page.

No form here takes a file, every form is sent as UTF-8, and no query string holds a NUL byte. A
body that breaks one of those (a charset=utf-16 form, a file part, too many fields, a body over
DATA_UPLOAD_MAX_MEMORY_SIZE, a query with %00) is answered with templates/400.html and a warning
in the log, before CSRF or a view reads it: never a 500, and never an error e-mail to the admins,
which a stranger could otherwise send at will.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict

logger = logging.getLogger(__name__)

# What Django raises while it parses a body it cannot use.
_UNPARSEABLE = (BadRequest, SuspiciousOperation, MultiPartParserError, UnicodeError, LookupError, ValueError)
# Set on the request by RefuseFilesUploadHandler when a body held a file part.
FILE_REFUSED_ATTR = "upload_refused"


class RefuseFilesUploadHandler(FileUploadHandler):
    """FILE_UPLOAD_HANDLERS' only handler: a file part is skipped unread, never spooled to disk."""

    def new_file(self, *args: object, **kwargs: object) -> None:
        if self.request is not None:
            setattr(self.request, FILE_REFUSED_ATTR, True)
        raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        return None

    def file_complete(self, file_size: int) -> None:
        return None


class RequestBodyMiddleware:
    """Parses a form body once, up front, and refuses what no page can use (module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            return bad_request(request, "NUL byte in the query string")
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 -- parsing is the point: errors surface here, not in a view
            except _UNPARSEABLE as exc:
                return bad_request(request, f"unreadable body ({type(exc).__name__})")
            if getattr(request, FILE_REFUSED_ATTR, False):
                return bad_request(request, "file part in a form that takes none")
        return self.get_response(request)


def bad_request(request: HttpRequest, why: str) -> HttpResponse:
    """The calm 400 page; the request's body is dropped so that nothing reads it again."""
    request._post, request._files = QueryDict(), MultiValueDict()  # type: ignore[attr-defined]
    logger.warning("Bad request to %s refused: %s", request.path, why)
    response = render(request, "400.html", status=400)
    response._has_been_logged = True  # type: ignore[attr-defined] -- logged above, as a warning
    return response
