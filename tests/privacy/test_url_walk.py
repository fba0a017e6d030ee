"""Every URL of the site, opened by a stranger and by a logged-in non-therapist, shows no patient data."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from screening import services
from screening.models import Submission
from tests.support.patients import ZEBULON, patient_data, zebulon_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission() -> Submission:
    # Zebulon, a patient whose every detail is distinctive enough to spot anywhere on a page.
    return services.submission_create(answers=zebulon_answers(), contact=ZEBULON)


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
    by_converter = {"uuid": str(submission.code), "int": str(submission.pk), "path": str(submission.pk)}

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


def test_the_walk_covers_the_whole_site(submission: Submission) -> None:
    urls = all_urls(submission)
    assert "/intake/" in urls
    assert "/intake/result/" in urls
    assert f"/admin/screening/submission/{submission.pk}/change/" in urls
    assert f"/review/{submission.code}/erase/" in urls
    assert len(urls) == len(set(urls)) > 40


@pytest.mark.parametrize("who", ["anonymous", "other_user"])
def test_no_page_shows_patient_data_to_strangers_or_non_therapists(
    submission: Submission, other_user: User, who: str
) -> None:
    secrets = patient_data(submission)
    leaks = []
    for url in all_urls(submission):
        for method in ("get", "post"):
            client = Client(raise_request_exception=False)
            if who == "other_user":
                client.force_login(other_user)
            response = getattr(client, method)(url, follow=True)
            assert response.status_code != 500, f"{method.upper()} {url} gave a 500"
            seen = response.content.decode(errors="replace") + " ".join(
                location for location, _status in response.redirect_chain
            )
            leaks += [f"{method.upper()} {url}: {s}" for s in secrets if s in seen]
    assert leaks == []
    assert Submission.objects.filter(pk=submission.pk).exists()  # nobody could erase it either
