"""Every URL of the site, opened by a stranger and by a logged-in non-therapist, shows no patient data."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from screening import services
from screening.models import Submission
from tests.support.patients import ZEBULON, patient_data, zebulon_answers
from tests.support.urlwalk import all_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission() -> Submission:
    # Zebulon, a patient whose every detail is distinctive enough to spot anywhere on a page.
    return services.submission_create(answers=zebulon_answers(), contact=ZEBULON)


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
