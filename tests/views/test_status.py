"""Status without an account (/status/): three messages, never an outcome, and one "not found"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import reverse

from screening import services
from screening.accounts import clients
from screening.clinical.reasons import REASONS
from screening.models import AccessLog, DecisionChoice, Outcome, Submission
from screening.views.status import STATUS_BY_DECISION, Status, status_of
from tests.support.answers import make_answers
from tests.support.factories import SubmissionFactory

pytestmark = pytest.mark.django_db

STATUS = reverse("screening:status")
RESULT = reverse("screening:status-result")
BORN = {"date_of_birth_day": "15", "date_of_birth_month": "6", "date_of_birth_year": "1980"}
HEADINGS = {
    Status.RECEIVED: "We have your answers",
    Status.REVIEWED: "Your therapist has looked at your answers",
    Status.CALL: "Please call the clinic",
}
NOT_FOUND = "We could not find that"
# Words that would tell an outcome, a reason or a decision: none may appear on a status page.
TELLING = [
    *(label for _value, label in Outcome.choices),
    *(label for _value, label in DecisionChoice.choices),
    "suitable",
    "good fit",
    "not right for you",
    "look at some of your answers with you",
    "Why:",
    *(reason.patient_text for reason in REASONS.values()),
]


def _submission(**fields: Any) -> Submission:
    return SubmissionFactory(**{"phone": "(555) 010-4321", **fields})


def _look_up(client: Client, reference: str, **dob: str) -> Any:
    return client.post(STATUS, {"reference": reference, **BORN, **dob})


def _decide(submission: Submission, user: User, choice: str) -> None:
    services.decision_record(
        submission=submission, therapist=user, choice=choice, note="Checked by phone.", seen_decision_id=None
    )


def _result_text(client: Client, response: Any) -> str:
    assert response.status_code == 302
    assert response["Location"] == RESULT
    page = client.get(RESULT)
    assert page.status_code == 200
    return page.content.decode()


def _assert_tells_nothing(html: str, submission: Submission) -> None:
    lowered = html.lower()
    for words in TELLING:
        assert words.lower() not in lowered, words
    for private in (submission.first_name, submission.last_name, "1980", submission.phone):
        assert not private or private not in html


def test_a_submission_nobody_decided_is_received_and_waiting() -> None:
    submission = _submission(answers=make_answers(has_implanted_electronic_device="yes"))
    client = Client()
    html = _result_text(client, _look_up(client, submission.reference))
    assert HEADINGS[Status.RECEIVED] in html
    assert "waiting for your therapist" in html
    _assert_tells_nothing(html, submission)


@pytest.mark.parametrize(
    "choice", [DecisionChoice.SUITABLE, DecisionChoice.NOT_SUITABLE, DecisionChoice.CALL_PATIENT]
)
def test_every_decision_says_reviewed_we_will_call_you_and_nothing_of_which(
    therapist: User, choice: str
) -> None:
    submission = _submission(answers=make_answers(depth="deep"))
    _decide(submission, therapist, choice)
    client = Client()
    html = _result_text(client, _look_up(client, submission.reference))
    assert HEADINGS[Status.REVIEWED] in html
    assert "We will call you" in html
    _assert_tells_nothing(html, submission)


def test_a_reviewed_patient_without_a_phone_is_asked_to_call_the_clinic(
    therapist: User, settings: Any
) -> None:
    submission = _submission(phone="", email="rosa@example.com")
    _decide(submission, therapist, DecisionChoice.SUITABLE)
    client = Client()
    html = _result_text(client, _look_up(client, submission.reference))
    assert HEADINGS[Status.CALL] in html
    assert 'href="tel:5550100000"' in html
    _assert_tells_nothing(html, submission)


def test_a_decision_this_page_does_not_know_asks_the_patient_to_call(therapist: User) -> None:
    # Such as the "duplicate" being added: never an outcome by accident.
    submission = _submission()
    _decide(submission, therapist, DecisionChoice.SUITABLE)
    submission.refresh_from_db()
    submission.latest_decision.choice = "duplicate"  # in memory only: the database allows the three
    assert status_of(submission) is Status.CALL
    assert set(STATUS_BY_DECISION) <= {None, *DecisionChoice.values}  # a new choice is "call" until mapped


def test_the_code_is_accepted_in_lower_case_with_spaces() -> None:
    submission = _submission()
    typed = submission.reference.lower().replace("-", " ")
    client = Client()
    assert HEADINGS[Status.RECEIVED] in _result_text(client, _look_up(client, f" {typed} "))


def test_the_result_is_shown_once_and_a_reload_asks_again() -> None:
    submission = _submission()
    client = Client()
    _result_text(client, _look_up(client, submission.reference))
    again = client.get(RESULT)
    assert again.status_code == 302
    assert again["Location"] == STATUS


def _neutral(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_wrong_code_wrong_date_and_erased_give_the_same_page(therapist: User) -> None:
    submission = _submission()
    erased = _submission()
    erased_reference = erased.reference
    services.submission_erase(submission=erased, user=therapist)
    pages = []
    for reference, dob in [
        ("K7MQ-4XPD" if submission.reference != "K7MQ-4XPD" else "K7MQ-4XPE", {}),
        (submission.reference, {"date_of_birth_day": "16"}),
        (erased_reference, {}),
    ]:
        client = Client()
        response = _look_up(client, reference, **dob)
        assert response.status_code == 302
        assert response["Location"] == STATUS
        page = client.get(STATUS)
        assert page.status_code == 200
        pages.append(_neutral(page.content.decode()))
    assert pages[0] == pages[1] == pages[2]
    assert NOT_FOUND in pages[0]
    assert "<title>Error:" in pages[0]
    # Nothing typed comes back: not the code, not the date of birth.
    assert submission.reference not in pages[1]
    assert 'value="16"' not in pages[1]


def test_each_look_up_is_in_the_access_log_a_failed_one_without_what_was_typed() -> None:
    submission = _submission()
    client = Client()
    _look_up(client, submission.reference)
    _look_up(client, submission.reference, date_of_birth_year="1981")
    found, failed = AccessLog.objects.filter(action=AccessLog.Action.STATUS_LOOKUP).order_by("id")
    assert (found.submission, found.submission_reference, found.detail) == (
        submission,
        submission.reference,
        "status=received",
    )
    assert (failed.submission, failed.submission_reference, failed.detail) == (None, "", "not_found")
    for value in (failed.detail, failed.username, str(failed)):
        assert submission.reference not in value
        assert "1981" not in value
    assert failed.client_address is None


def _shape(queries: list[dict[str, str]]) -> list[str]:
    return [re.sub(r"'[^']*'|NULL|\"s\d+_x\d+\"|\b\d+\b", "?", q["sql"]) for q in queries]


def test_found_and_not_found_make_the_same_queries(django_assert_max_num_queries: Any) -> None:
    submission = _submission()
    client = Client()
    _look_up(client, "K7MQ-4XPD")  # the session and the rate count exist before either is counted
    with django_assert_max_num_queries(20) as found:
        _look_up(client, submission.reference)
    with django_assert_max_num_queries(20) as not_found:
        _look_up(client, submission.reference, date_of_birth_day="16")
    assert _shape(found.captured_queries) == _shape(not_found.captured_queries)


def test_a_form_error_names_the_box_and_keeps_what_was_typed() -> None:
    client = Client()
    response = client.post(STATUS, {"reference": "K7MQ", "date_of_birth_day": "15"})
    assert response.status_code == 302
    page = client.get(STATUS).content.decode()
    assert "<title>Error:" in page
    assert "Enter the reference code as it was given to you" in page
    assert "Date of birth must include a month" in page
    assert 'href="#id_reference"' in page
    assert not AccessLog.objects.filter(action=AccessLog.Action.STATUS_LOOKUP).exists()  # not a look-up


def test_past_the_rate_limit_the_page_is_a_calm_429(settings: Any) -> None:
    settings.STATUS_RATE_LIMIT = 2
    submission = _submission()
    client = Client()
    for _ in range(2):
        _result_text(client, _look_up(client, submission.reference))
    refused = _look_up(client, submission.reference)
    assert refused["Location"] == STATUS
    page = client.get(STATUS)
    assert page.status_code == 429
    assert "You have tried too many times" in page.content.decode()
    assert AccessLog.objects.filter(detail="rate_limited").count() == 1


def test_the_status_count_is_apart_from_the_intake_count(settings: Any) -> None:
    settings.STATUS_RATE_LIMIT = 1
    settings.INTAKE_RATE_LIMIT = 1
    submission = _submission()
    client = Client()
    _result_text(client, _look_up(client, submission.reference))
    request = RequestFactory().post("/intake/", REMOTE_ADDR="127.0.0.1")
    assert clients.intake_rate_limited(request) is False


def test_head_answers_like_get_and_nothing_is_in_a_url() -> None:
    submission = _submission()
    client = Client()
    assert client.head(STATUS).status_code == 200
    response = _look_up(client, submission.reference)
    assert submission.reference not in response["Location"]
    assert "1980" not in response["Location"]
    head = client.head(RESULT)
    assert head.status_code == 200
    assert head.content == b""


def test_the_pages_are_never_cached() -> None:
    response = Client().get(STATUS)
    assert "no-store" in response["Cache-Control"]


def test_the_start_page_and_the_confirmation_link_here() -> None:
    assert f'href="{STATUS}"' in Client().get(reverse("screening:home")).content.decode()


def test_spanish_speaks_usted() -> None:
    submission = _submission()
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    page = client.get(STATUS).content.decode()
    assert "Consulte el estado de su evaluación" in page
    html = _result_text(client, _look_up(client, submission.reference))
    assert "Tenemos sus respuestas" in html
