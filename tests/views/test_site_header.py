"""The site header: a therapist reaches the queue and the courses from every page; nobody else sees them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

COURSES_LINK = f'href="{reverse("screening:course-list")}"'
QUEUE_LINK = f'href="{reverse("screening:review-queue")}"'


@pytest.mark.parametrize("page", ["screening:home", "screening:review-queue", "screening:course-list"])
def test_a_therapist_sees_the_courses_link_beside_the_queue_on_every_page(
    therapist_client: Client, page: str
) -> None:
    html = therapist_client.get(reverse(page)).content.decode()
    header = html.split("</header>")[0]
    assert COURSES_LINK in header and QUEUE_LINK in header
    assert header.index(QUEUE_LINK) < header.index(COURSES_LINK)


def test_an_anonymous_patient_sees_no_courses_link(client: Client) -> None:
    for page in ("screening:home", "screening:intake"):
        assert COURSES_LINK not in client.get(reverse(page)).content.decode()


def test_a_user_without_the_review_permission_sees_no_courses_link(other_user_client: Client) -> None:
    assert COURSES_LINK not in other_user_client.get(reverse("screening:home")).content.decode()
