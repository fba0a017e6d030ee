"""The patient's own check-in through the real client: no login, one code for one session."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from screening import services
from screening.models import CheckIn, CheckInLink, Course
from tests.support.checkins import make_checkin
from tests.support.courses import note_fields, open_course, signed_session

pytestmark = pytest.mark.django_db
START = reverse("screening:check-in-start")
ANSWER = reverse("screening:check-in-answer")
DONE = reverse("screening:check-in-done")


@pytest.fixture
def course(therapist: User) -> Course:
    # Rosa's elbow course, with its first session signed: the next check-in is for session 2.
    course = open_course(therapist)
    signed_session(therapist, course)
    return course


@pytest.fixture
def code(therapist: User, course: Course) -> str:
    # The code Thea read off the course page for Rosa's second session.
    return services.check_in_link_create(course=course, therapist=therapist)


def test_a_patient_types_the_code_answers_and_sees_go(client: Client, code: str, therapist: User) -> None:
    response = client.post(START, {"code": code.lower().replace("-", " ")})
    assert response.status_code == 302 and response["Location"] == ANSWER
    page = client.get(ANSWER)
    assert page.status_code == 200 and "after_last_session" in page.content.decode()
    response = client.post(ANSWER, make_checkin())
    assert response["Location"] == DONE
    check_in = CheckIn.objects.get(session_number=2)
    assert (check_in.filled_by, check_in.outcome, check_in.recorded_by) == ("patient", "go", therapist)
    done = client.get(DONE)
    assert done.context["check_in"] == check_in
    assert client.get(DONE).status_code == 410  # shown once: the tablet goes to the next patient


def test_the_patient_pages_show_no_name_or_reference(client: Client, code: str, course: Course) -> None:
    client.get(reverse("screening:check-in-link", args=[code]))
    for page in (client.get(ANSWER), client.post(ANSWER, make_checkin(skin_today="yes")), client.get(DONE)):
        body = page.content.decode()
        assert course.submission.last_name not in body and course.submission.reference not in body


def test_a_blister_reported_by_the_patient_is_do_not_treat(client: Client, code: str) -> None:
    client.get(reverse("screening:check-in-link", args=[code]))
    client.post(ANSWER, make_checkin(after_last_session=["blister"]))
    assert CheckIn.objects.get(session_number=2).outcome == "do_not_treat"
    assert "We will not treat you today." in client.get(DONE).content.decode()


def test_the_link_leaves_the_address_bar_at_once(client: Client, code: str) -> None:
    response = client.get(reverse("screening:check-in-link", args=[code]))
    assert response.status_code == 302 and response["Location"] == ANSWER


def test_a_reused_link_is_closed(client: Client, code: str) -> None:
    client.get(reverse("screening:check-in-link", args=[code]))
    client.post(ANSWER, make_checkin())
    other = Client()
    assert other.get(reverse("screening:check-in-link", args=[code])).status_code == 410
    assert other.post(START, {"code": code}).status_code == 400
    assert CheckIn.objects.filter(session_number=2).count() == 1


def test_a_stale_link_for_a_session_already_done_is_closed(
    client: Client, therapist: User, course: Course, code: str
) -> None:
    check_in = services.check_in_record(
        course=course, answers=make_checkin(), recorded_by=therapist, filled_by=CheckIn.FilledBy.THERAPIST
    )
    services.session_note_save(check_in=check_in, clinician=therapist, fields=note_fields(), sign=True)
    assert client.get(reverse("screening:check-in-link", args=[code])).status_code == 410


def test_an_expired_link_is_closed(client: Client, code: str) -> None:
    CheckInLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("screening:check-in-link", args=[code])).status_code == 410


def test_a_link_that_expires_while_the_patient_answers_saves_nothing(client: Client, code: str) -> None:
    client.get(reverse("screening:check-in-link", args=[code]))
    CheckInLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.post(ANSWER, make_checkin()).status_code == 410
    assert not CheckIn.objects.filter(session_number=2).exists()


def test_the_answer_page_without_a_link_is_closed(client: Client) -> None:
    assert client.get(ANSWER).status_code == 410
    assert client.post(ANSWER, make_checkin()).status_code == 410


def test_a_wrong_code_says_so_plainly(client: Client, code: str) -> None:
    response = client.post(START, {"code": "AAAAA-AAAAA"})
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["code"][0].code == "unknown"


def test_an_unanswered_question_is_asked_again_and_nothing_is_saved(client: Client, code: str) -> None:
    client.get(reverse("screening:check-in-link", args=[code]))
    answers = make_checkin()
    del answers["metal_on_site"]
    response = client.post(ANSWER, answers)
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["metal_on_site"][0].code == "required"
    assert not CheckIn.objects.filter(session_number=2).exists()


def test_none_with_another_answer_is_refused(client: Client, code: str) -> None:
    client.get(reverse("screening:check-in-link", args=[code]))
    response = client.post(ANSWER, make_checkin(after_last_session=["none", "rash"]))
    assert response.context["form"].errors.as_data()["after_last_session"][0].code == "exclusive_option"


def test_the_check_in_reads_in_spanish(client: Client, code: str) -> None:
    client.get(reverse("screening:check-in-link", args=[code]))
    page = client.get(ANSWER, headers={"accept-language": "es"}).content.decode()
    assert "¿Tiene hoy la piel donde van los parches" in page and "No lo sé" in page


def test_the_patients_pages_read_in_a_few_queries(
    client: Client, code: str, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(11):
        client.get(reverse("screening:check-in-link", args=[code]))
    with django_assert_max_num_queries(8):
        assert client.get(ANSWER).status_code == 200
