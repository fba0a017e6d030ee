"""Erasing one patient's submission on request, from the detail page; the audit trail keeps the reference."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from screening.models import AccessLog, Decision, Submission
from tests.support.factories import SubmissionFactory
from tests.support.review import decide, detail_url

pytestmark = pytest.mark.django_db

QUEUE = reverse("screening:review-queue")


def erase_url(submission: Submission) -> str:
    return reverse("screening:review-erase", args=[submission.code])


def shown_messages(response: Any) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


@pytest.fixture(autouse=True)
def _rosa_asks_to_be_erased(rosa: Submission, therapist: User) -> None:
    # Rosa asked the clinic to delete her screening; a therapist had already decided on it.
    decide(rosa, therapist)


@pytest.fixture
def other_patient(therapist: User) -> Submission:
    # Someone else's screening, decided too: erasing Rosa's must not touch it.
    other = SubmissionFactory()
    decide(other, therapist)
    return other


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_erased(
    client: Client, rosa: Submission
) -> None:
    response = client.post(erase_url(rosa), {"reference": rosa.reference})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Submission.objects.filter(pk=rosa.pk).exists()
    assert not AccessLog.objects.filter(action=AccessLog.Action.ERASE).exists()


def test_a_user_without_the_review_permission_gets_a_403(other_user_client: Client, rosa: Submission) -> None:
    response = other_user_client.post(erase_url(rosa), {"reference": rosa.reference})
    assert response.status_code == 403
    assert "Reyes" not in response.content.decode()
    assert Submission.objects.filter(pk=rosa.pk).exists()
    assert not AccessLog.objects.filter(submission_reference=rosa.reference).exclude(action="decide").exists()


def test_erasing_is_a_post_only(therapist_client: Client, rosa: Submission) -> None:
    assert therapist_client.get(erase_url(rosa)).status_code == 405
    assert Submission.objects.filter(pk=rosa.pk).exists()


def test_the_detail_page_offers_erasure_in_its_own_section(
    therapist_client: Client, rosa: Submission
) -> None:
    html = therapist_client.get(detail_url(rosa)).content.decode()
    section = html.split('id="erase-title"')[1]
    assert "Erase this patient's data" in html
    assert f'action="{erase_url(rosa)}"' in section
    assert f"Type {rosa.reference} to confirm" in section
    assert html.index('id="audit-title"') < html.index('id="erase-title"')


@pytest.mark.parametrize("typed", ["", "ABCD-EFGH", "Rosa Reyes"])
def test_a_wrong_reference_erases_nothing_and_says_so(
    therapist_client: Client, rosa: Submission, typed: str
) -> None:
    response = therapist_client.post(erase_url(rosa), {"reference": typed}, follow=True)
    assert response.redirect_chain == [(detail_url(rosa), 302)]
    assert shown_messages(response) == [
        ("error", f"Nothing was erased: the reference typed was not {rosa.reference}.")
    ]
    assert Submission.objects.filter(pk=rosa.pk).exists()
    assert Decision.objects.filter(submission=rosa).count() == 1
    assert not AccessLog.objects.filter(action=AccessLog.Action.ERASE).exists()


def test_the_right_reference_erases_the_submission_and_its_decisions_only(
    therapist_client: Client, rosa: Submission, other_patient: Submission
) -> None:
    response = therapist_client.post(erase_url(rosa), {"reference": rosa.reference}, follow=True)
    assert response.redirect_chain == [(QUEUE, 302)]
    assert shown_messages(response) == [
        (
            "success",
            f"Erased {rosa.reference}: its answers, contact details and decisions are gone for good.",
        )
    ]
    assert list(Submission.objects.all()) == [other_patient]
    assert [d.submission for d in Decision.objects.all()] == [other_patient]
    other_patient.refresh_from_db()
    assert other_patient.latest_decision == Decision.objects.get()
    assert therapist_client.get(detail_url(rosa)).status_code == 404


def test_the_reference_may_be_typed_as_a_patient_reads_it_out(
    therapist_client: Client, rosa: Submission
) -> None:
    typed = rosa.reference.lower().replace("-", " ")
    assert therapist_client.post(erase_url(rosa), {"reference": typed})["Location"] == QUEUE
    assert not Submission.objects.exists()


def test_erasing_is_recorded_by_reference_who_and_when_and_the_trail_stays(
    therapist_client: Client, therapist: User, rosa: Submission
) -> None:
    therapist_client.get(detail_url(rosa))
    therapist_client.post(erase_url(rosa), {"reference": rosa.reference})
    trail = AccessLog.objects.filter(submission_reference=rosa.reference)
    assert [(e.action, e.detail) for e in trail[:3]] == [
        ("erase", "decisions=1"),
        ("view", "erase form sent"),
        ("view", ""),
    ]
    assert trail[3].action == "decide"
    erase = trail[0]
    assert (erase.user, erase.username, erase.submission, erase.client_address) == (
        therapist,
        "thea",
        None,
        None,
    )
    assert all(e.submission is None for e in trail)
    for entry in AccessLog.objects.all():
        assert "Rosa" not in entry.detail and "Reyes" not in entry.detail


def test_the_erase_form_value_is_hidden_from_error_reports(
    therapist_client: Client, rosa: Submission
) -> None:
    response = therapist_client.post(erase_url(rosa), {"reference": "wrong"})
    assert response.wsgi_request.sensitive_post_parameters == ("reference",)
