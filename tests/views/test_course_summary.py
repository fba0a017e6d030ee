"""The printable course summary: who may open it, what it shows, and how few queries it takes.

Anonymous, non-therapist and "every page is logged" are covered with the other course pages in
test_course_pages.py (course_requests names the summary); this module checks the summary itself."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from screening import services
from screening.models import AccessLog, AdverseEvent, Course
from tests.support.courses import open_course, signed_session

pytestmark = pytest.mark.django_db


def summary_url(course: Course) -> str:
    return reverse("screening:course-summary", args=[course.code])


def blistered_course(therapist: User) -> Course:
    """Two signed sessions, the first amended, the second left a blister that a physician saw."""
    course = open_course(therapist)
    first = signed_session(therapist, course, current_ma="4.0", delivered_dose="40")
    services.amendment_add(note=first, author=therapist, reason="Wrong lot", text="Electrode lot L2026-119")
    second = signed_session(
        therapist,
        course,
        skin_result="blister",
        started_at=timezone.now() - timedelta(minutes=23),
        stopped_at=timezone.now(),
    )
    event = services.adverse_event_record(
        course=course,
        recorded_by=therapist,
        fields={
            "kind": AdverseEvent.Kind.BLISTER,
            "occurred_on": second.session_date,
            "size_and_site": "5 mm under the active pad",
            "action_taken": "Cooled and covered",
        },
    )
    services.physician_consult_record(
        event=event,
        therapist=therapist,
        consulted_at=timezone.now() - timedelta(minutes=5),
        physician="Dr. Ana Ortiz",
        advice="Resume at half the dose after a week",
    )
    return course


def test_anonymous_visitors_go_to_the_login_page(client: Client, therapist: User) -> None:
    response = client.get(summary_url(open_course(therapist)))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_user_without_the_review_permission_is_refused(other_user_client: Client, therapist: User) -> None:
    assert other_user_client.get(summary_url(open_course(therapist))).status_code == 403


def test_a_therapist_opens_it_and_the_view_is_logged(therapist_client: Client, therapist: User) -> None:
    course = open_course(therapist)
    assert therapist_client.get(summary_url(course)).status_code == 200
    row = AccessLog.objects.filter(action=AccessLog.Action.VIEW).latest("id")
    assert row.submission == course.submission and row.detail == f"course={course.pk} summary"


def test_the_course_page_links_to_its_summary(therapist_client: Client, therapist: User) -> None:
    course = open_course(therapist)
    page = therapist_client.get(reverse("screening:course-detail", args=[course.code])).content.decode()
    assert f'href="{summary_url(course)}"' in page


def test_the_summary_shows_the_course_every_session_and_the_events(
    therapist_client: Client, therapist: User
) -> None:
    course = blistered_course(therapist)
    page = therapist_client.get(summary_url(course)).content.decode()
    submission = course.submission
    for text in (
        settings.CLINIC_NAME,
        settings.CLINIC_PHONE,
        submission.full_name,
        f"born {submission.answers['date_of_birth']}",
        "Dr. Ana Ortiz, MD",
        "Dexamethasone sodium phosphate 4 mg/mL",
        "Lateral elbow",
        "40.0 mA·min per session; DUPEL B.L.U.E., at most 80.0 mA·min",
        "2 done of 6 planned",
        "40.0 mA·min at 4.0 mA, 10.0 min",
        "15 attended minutes · 97033 × 1",
        "23 attended minutes · 97033 × 2",
        "Blister",
        "why: Wrong lot",
        "Electrode lot L2026-119",
        "5 mm under the active pad",
        "Dr. Ana Ortiz, " + timezone.localtime(timezone.now() - timedelta(minutes=5)).strftime("%Y-%m-%d"),
        "Resume at half the dose after a week",
        "Signature",
    ):
        assert text in page, text
    assert page.index('data-session="1"') < page.index("data-amendment=") < page.index('data-session="2"')


def test_an_event_without_a_consult_says_so(therapist_client: Client, therapist: User) -> None:
    course = open_course(therapist)
    signed_session(therapist, course)
    services.adverse_event_record(
        course=course,
        recorded_by=therapist,
        fields={
            "kind": AdverseEvent.Kind.RASH,
            "occurred_on": timezone.localdate(),
            "size_and_site": "Forearm",
            "action_taken": "Observed",
            "suspends": False,
        },
    )
    page = therapist_client.get(summary_url(course)).content.decode()
    assert "Not yet recorded" in page and "No session yet." not in page


def test_a_course_without_sessions_or_events_says_so(therapist_client: Client, therapist: User) -> None:
    page = therapist_client.get(summary_url(open_course(therapist))).content.decode()
    assert "No session yet." in page and "None recorded." in page and "0 done of 6 planned" in page


@pytest.mark.parametrize("sessions", [1, 4])
def test_the_summary_reads_in_a_fixed_number_of_queries(
    therapist_client: Client, therapist: User, sessions: int, django_assert_max_num_queries: Any
) -> None:
    course = blistered_course(therapist)
    for _ in range(sessions):
        note = signed_session(therapist, course)
        services.amendment_add(note=note, author=therapist, reason="Typo", text="Pain after 3")
    with django_assert_max_num_queries(14):
        assert therapist_client.get(summary_url(course)).status_code == 200
