"""The therapist's course pages through the real client: access, the audit trail, the whole flow."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from screening import services
from screening.models import AccessLog, AdverseEvent, Amendment, CheckIn, Course, SessionNote
from tests.support.checkins import make_checkin
from tests.support.courses import (
    as_post,
    booked_submission,
    course_fields,
    note_fields,
    open_course,
    signed_session,
)
from tests.support.review import detail_url

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")


def course_requests(course: Course, note: SessionNote) -> list[tuple[str, str, dict[str, Any]]]:
    """Every therapist course URL, with a request a therapist could send."""
    return [
        ("get", reverse("screening:course-list"), {}),
        ("get", reverse("screening:course-open", args=[course.submission.code]), {}),
        ("get", reverse("screening:course-detail", args=[course.code]), {}),
        ("get", reverse("screening:course-summary", args=[course.code]), {}),
        ("get", reverse("screening:course-check-in", args=[course.code]), {}),
        ("post", reverse("screening:course-check-in-link", args=[course.code]), {}),
        ("get", reverse("screening:course-session", args=[note.check_in.code]), {}),
        ("get", reverse("screening:course-note", args=[note.code]), {}),
        ("post", reverse("screening:course-adverse-event", args=[course.code]), {}),
        ("post", reverse("screening:course-close", args=[course.code]), {}),
    ]


@pytest.fixture
def course(therapist: User) -> Course:
    # Rosa's elbow course: booked, opened, and one session signed.
    return open_course(therapist)


@pytest.fixture
def note(therapist: User, course: Course) -> SessionNote:
    return signed_session(therapist, course)


def test_course_pages_send_anonymous_visitors_to_the_login_page(
    client: Client, course: Course, note: SessionNote
) -> None:
    for method, url, data in course_requests(course, note):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), url


def test_course_pages_refuse_a_user_without_the_review_permission(
    other_user_client: Client, course: Course, note: SessionNote
) -> None:
    before = AccessLog.objects.count()
    for method, url, data in course_requests(course, note):
        assert getattr(other_user_client, method)(url, data).status_code == 403, url
    assert AccessLog.objects.count() == before


def test_every_course_page_a_therapist_opens_is_logged(
    therapist_client: Client, course: Course, note: SessionNote
) -> None:
    for method, url, data in course_requests(course, note):
        before = AccessLog.objects.filter(action=AccessLog.Action.VIEW).count()
        response = getattr(therapist_client, method)(url, data)
        assert response.status_code in (200, 302, 400), url
        assert AccessLog.objects.filter(action=AccessLog.Action.VIEW).count() == before + 1, url
        assert "Cache-Control" in response and "no-cache" in response["Cache-Control"]


def test_an_unknown_course_is_a_404(therapist_client: Client) -> None:
    url = reverse("screening:course-detail", args=["00000000-0000-0000-0000-000000000000"])
    assert therapist_client.get(url).status_code == 404


def test_the_detail_page_offers_a_course_only_after_booking(
    therapist_client: Client, therapist: User
) -> None:
    submission = booked_submission(therapist)
    page = therapist_client.get(detail_url(submission)).content.decode()
    assert reverse("screening:course-open", args=[submission.code]) in page


def test_a_therapist_opens_a_course_from_the_booked_submission(
    therapist_client: Client, therapist: User
) -> None:
    submission = booked_submission(therapist)
    response = therapist_client.post(
        reverse("screening:course-open", args=[submission.code]), as_post(course_fields())
    )
    course = Course.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "screening:course-detail", args=[course.code]
    )
    assert course.opened_by == therapist


def test_opening_a_course_for_an_unbooked_submission_says_why(therapist_client: Client, rosa: Any) -> None:
    response = therapist_client.post(
        reverse("screening:course-open", args=[rosa.code]), as_post(course_fields())
    )
    assert response.status_code == 200
    assert "booked as suitable" in response.content.decode()
    assert not Course.objects.exists()


def test_a_check_in_then_a_signed_note_shows_the_computed_figures(
    therapist_client: Client, course: Course
) -> None:
    response = therapist_client.post(reverse("screening:course-check-in", args=[course.code]), make_checkin())
    check_in = CheckIn.objects.get()
    assert response["Location"] == reverse("screening:course-session", args=[check_in.code])
    data = {**as_post(note_fields(current_ma=Decimal("2"), delivered_dose=Decimal("40"))), "sign": "1"}
    response = therapist_client.post(reverse("screening:course-session", args=[check_in.code]), data)
    note = SessionNote.objects.get()
    assert response["Location"] == reverse("screening:course-note", args=[note.code])
    page = therapist_client.get(response["Location"]).content.decode()
    assert "20.0 min" in page and "97033-GP × 1" in page


def test_a_refused_note_keeps_the_answers_and_names_the_field(
    therapist_client: Client, course: Course
) -> None:
    therapist_client.post(reverse("screening:course-check-in", args=[course.code]), make_checkin())
    check_in = CheckIn.objects.get()
    data = {**as_post(note_fields(current_ma=Decimal("0"))), "sign": "1"}
    response = therapist_client.post(reverse("screening:course-session", args=[check_in.code]), data)
    assert response.status_code == 400
    assert "current_ma" in response.context["form"].errors
    assert not SessionNote.objects.exists()


def test_the_first_check_in_does_not_ask_about_a_last_session(
    therapist_client: Client, course: Course
) -> None:
    page = therapist_client.get(reverse("screening:course-check-in", args=[course.code])).content.decode()
    assert "after_last_session" not in page and "new_safety_change" in page


def test_an_incomplete_check_in_is_refused_with_a_message(therapist_client: Client, course: Course) -> None:
    response = therapist_client.post(
        reverse("screening:course-check-in", args=[course.code]), {"skin_today": "no"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not CheckIn.objects.exists()


def test_a_signed_note_is_amended_beside_the_original(therapist_client: Client, note: SessionNote) -> None:
    url = reverse("screening:course-note", args=[note.code])
    response = therapist_client.post(url, {"reason": "Wrong lot", "text": "Electrode lot L2026-119"})
    assert response.status_code == 302
    page = therapist_client.get(url).content.decode()
    assert "L2026-118" in page and "L2026-119" in page
    assert Amendment.objects.count() == 1


def test_a_signed_note_cannot_be_posted_over(therapist_client: Client, note: SessionNote) -> None:
    url = reverse("screening:course-session", args=[note.check_in.code])
    response = therapist_client.post(url, {**as_post(note_fields(pain_after=0)), "sign": "1"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.pain_after == 4


def test_a_blister_blocks_the_course_until_the_consult(
    therapist_client: Client, course: Course, note: SessionNote
) -> None:
    event = {
        "kind": "blister",
        "occurred_on": timezone.localdate().isoformat(),
        "size_and_site": "5 mm",
        "action_taken": "Covered",
    }
    therapist_client.post(reverse("screening:course-adverse-event", args=[course.code]), event)
    detail = reverse("screening:course-detail", args=[course.code])
    page = therapist_client.get(detail).content.decode()
    assert 'data-testid="suspended"' in page
    listing = therapist_client.get(reverse("screening:course-list"))
    assert listing.context["courses"][0].blocked
    consult = {
        "consulted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "physician": "Dr. Ortiz",
        "advice": "Resume at 2 mA",
    }
    therapist_client.post(
        reverse("screening:course-consult", args=[AdverseEvent.objects.get().code]), consult
    )
    assert 'data-testid="suspended"' not in therapist_client.get(detail).content.decode()


def test_a_serious_burn_shows_the_device_report_reminder(
    therapist_client: Client, course: Course, note: SessionNote
) -> None:
    event = {
        "kind": "burn_2",
        "occurred_on": "2026-12-04",
        "size_and_site": "1 cm",
        "action_taken": "Referred",
    }
    therapist_client.post(reverse("screening:course-adverse-event", args=[course.code]), event)
    page = therapist_client.get(reverse("screening:course-detail", args=[course.code])).content.decode()
    assert "by 2026-12-18" in page  # ten work days after a Friday


def test_a_bad_adverse_event_is_refused_with_a_message(therapist_client: Client, course: Course) -> None:
    response = therapist_client.post(
        reverse("screening:course-adverse-event", args=[course.code]), {"kind": "burn_9"}
    )
    assert response.status_code == 400
    assert not AdverseEvent.objects.exists()


def test_the_check_in_link_shows_a_code_that_is_in_no_log(therapist_client: Client, course: Course) -> None:
    response = therapist_client.post(reverse("screening:course-check-in-link", args=[course.code]))
    code = response.context["link_code"]
    assert code in response.content.decode()
    assert code not in "".join(AccessLog.objects.values_list("detail", flat=True))


def test_stopping_a_course_needs_a_reason(therapist_client: Client, course: Course) -> None:
    url = reverse("screening:course-close", args=[course.code])
    assert therapist_client.post(url, {"status": "stopped", "reason": ""}).status_code == 400
    assert therapist_client.post(url, {"status": "stopped", "reason": "Moved away"}).status_code == 302
    course.refresh_from_db()
    assert course.status == "stopped"


def test_the_course_list_counts_signed_sessions_in_few_queries(
    therapist_client: Client, therapist: User, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        signed_session(therapist, open_course(therapist))
    with django_assert_max_num_queries(9):
        response = therapist_client.get(reverse("screening:course-list"))
    assert [c.sessions_done for c in response.context["courses"]] == [1] * 5


def test_the_course_page_reads_a_full_course_in_few_queries(
    therapist_client: Client, therapist: User, course: Course, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        signed_session(therapist, course)
    services.adverse_event_record(
        course=course,
        recorded_by=therapist,
        fields={
            "kind": "rash",
            "occurred_on": timezone.localdate(),
            "size_and_site": "x",
            "action_taken": "y",
        },
    )
    with django_assert_max_num_queries(17):
        response = therapist_client.get(reverse("screening:course-detail", args=[course.code]))
    assert response.status_code == 200


def test_a_planned_dose_above_the_electrode_maximum_is_refused_in_plain_words(
    therapist_client: Client, therapist: User
) -> None:
    submission = booked_submission(therapist)
    data = as_post(course_fields(planned_dose=Decimal("90")))
    response = therapist_client.post(reverse("screening:course-open", args=[submission.code]), data)
    assert "must not be above the electrode" in response.content.decode()
    assert not Course.objects.exists()


@pytest.mark.parametrize(("page", "most"), [("check-in", 13), ("session", 13), ("note", 13), ("open", 11)])
def test_each_course_page_reads_in_a_fixed_number_of_queries(
    therapist_client: Client,
    therapist: User,
    course: Course,
    page: str,
    most: int,
    django_assert_max_num_queries: Any,
) -> None:
    notes = [signed_session(therapist, course) for _ in range(3)]
    check_in = services.check_in_record(
        course=course,
        answers=make_checkin(metal_on_site="yes"),
        recorded_by=therapist,
        filled_by=CheckIn.FilledBy.THERAPIST,
    )
    url = {
        "check-in": reverse("screening:course-check-in", args=[course.code]),
        "session": reverse("screening:course-session", args=[check_in.code]),
        "note": reverse("screening:course-note", args=[notes[0].code]),
        "open": reverse("screening:course-open", args=[course.submission.code]),
    }[page]
    with django_assert_max_num_queries(most):
        assert therapist_client.get(url).status_code == 200


def test_a_do_not_treat_check_in_offers_no_note_form(
    therapist_client: Client, therapist: User, course: Course
) -> None:
    check_in = services.check_in_record(
        course=course,
        answers=make_checkin(skin_today="yes"),
        recorded_by=therapist,
        filled_by=CheckIn.FilledBy.THERAPIST,
    )
    page = therapist_client.get(reverse("screening:course-session", args=[check_in.code])).content.decode()
    assert 'data-testid="do-not-treat"' in page and "Sign the note" not in page
    response = therapist_client.post(
        reverse("screening:course-session", args=[check_in.code]), {**as_post(note_fields()), "sign": "1"}
    )
    assert response.status_code == 400 and not SessionNote.objects.exists()
