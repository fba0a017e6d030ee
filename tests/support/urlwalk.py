"""Every URL of the site as a concrete path, for tests that walk them all."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from screening.models import Submission


def url_patterns(
    patterns: list[URLPattern | URLResolver], prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def fill(route: str, submission: Submission) -> str:
    """A concrete URL for a route: the submission's code for <uuid:...>, its id for ids, plausible text else."""
    # A slug is a questionnaire page: the first one, which every patient sees.
    by_converter = {
        "uuid": str(submission.code),
        "int": str(submission.pk),
        "path": str(submission.pk),
        "slug": "name",
    }

    def converter(match: re.Match[str]) -> str:
        return by_converter.get(match.group(1) or "str", str(submission.pk))

    def regex_group(match: re.Match[str]) -> str:
        body = match.group(2)
        if re.fullmatch(r"[\w|]+", body):  # an alternation of names, such as the admin's app labels
            return "screening" if "screening" in body.split("|") else body.split("|")[0]
        return "x"

    url = re.sub(r"\(\?P<(\w+)>([^)]*)\)", regex_group, route)
    url = re.sub(r"<(?:(\w+):)?\w+>", converter, url)
    return "/" + url.replace("^", "").replace("$", "")


def all_urls(submission: Submission) -> list[str]:
    urls = []
    for route, pattern in url_patterns(get_resolver().url_patterns):
        url = fill(route, submission)
        assert resolve(url).func == pattern.callback, f"{route} filled as {url} resolves elsewhere"
        urls.append(url)
    return urls


def page_clients(user: User) -> dict[str, Client]:
    """A client signed in as the user and an anonymous one, each answering a crash with the 500 page."""
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(user)
    return {"anonymous": Client(raise_request_exception=False), "clinic admin": signed_in}


def html_pages(client: Client, urls: Iterable[str], language: str) -> Iterator[tuple[str, HttpResponse]]:
    """Each URL that answers with a page of HTML, asked for in that language: not a file, a stream,
    or the empty body of a redirect or a refused method."""
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            continue
        if response.content:
            yield url, response
