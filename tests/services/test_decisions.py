"""Decisions: who made them on which outcome, their history, conflicts, overrides and their audit row."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from screening import services
from screening.models import AccessLog, Decision
from tests.support.answers import make_answers
from tests.support.factories import SubmissionFactory
from tests.support.review import decide

pytestmark = pytest.mark.django_db


def test_a_decision_records_therapist_time_and_the_outcome_it_was_made_on(therapist: User) -> None:
    submission = SubmissionFactory()
    before = timezone.now()
    decision = decide(submission, therapist, "call_patient")
    after = timezone.now()
    submission.refresh_from_db()
    assert submission.latest_decision == decision
    assert decision.therapist == therapist
    assert decision.automated_outcome == "likely_suitable"
    assert before <= decision.created_at <= after  # stamped when it was made, not copied from elsewhere


def test_a_later_decision_is_added_and_the_earlier_one_stays(therapist: User) -> None:
    submission = SubmissionFactory()
    first = decide(submission, therapist, "call_patient")
    second = decide(submission, therapist, "suitable", seen=first.pk)
    assert list(submission.decisions.all()) == [second, first]
    submission.refresh_from_db()
    assert submission.latest_decision == second


def test_a_decision_on_a_stale_page_is_refused_and_names_the_newer_one(
    therapist: User, other_user: User
) -> None:
    submission = SubmissionFactory()
    theirs = decide(submission, other_user, "call_patient")  # saved while our page was open
    with pytest.raises(services.DecisionConflict) as raised:
        decide(submission, therapist, "suitable", seen=None)
    assert raised.value.latest == theirs
    assert list(Decision.objects.all()) == [theirs]
    assert not AccessLog.objects.filter(user=therapist).exists()


def test_deciding_against_the_outcome_needs_a_note(therapist: User) -> None:
    submission = SubmissionFactory(answers=make_answers(has_implanted_electronic_device="yes"))
    assert submission.outcome == "not_suitable"
    with pytest.raises(ValidationError):
        decide(submission, therapist, "suitable", note="   ")
    assert not Decision.objects.exists()
    decision = decide(
        submission, therapist, "suitable", note="Device removed in 2024; cardiology letter seen."
    )
    assert decision.is_override


@pytest.mark.parametrize(
    ("answers", "choice", "override"),
    [
        ({}, "not_suitable", True),
        ({}, "suitable", False),
        ({"has_implanted_electronic_device": "yes"}, "suitable", True),
        ({"has_implanted_electronic_device": "yes"}, "not_suitable", False),
        ({"depth": "unsure"}, "suitable", False),
        ({"depth": "unsure"}, "not_suitable", False),
        ({"has_implanted_electronic_device": "yes"}, "call_patient", False),
        ({}, "call_patient", False),
    ],
)
def test_an_override_is_only_a_decision_that_crosses_the_automated_outcome(
    therapist: User, answers: dict[str, str], choice: str, override: bool
) -> None:
    submission = SubmissionFactory(answers=make_answers(**answers))
    decision = decide(submission, therapist, choice, note="reason given")
    assert decision.is_override is override


def test_a_decision_writes_an_audit_row_without_the_note(therapist: User) -> None:
    submission = SubmissionFactory()
    decision = decide(submission, therapist, "not_suitable", note="Patient Rosa prefers injections")
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.submission) == (therapist, "decide", submission)
    assert entry.submission_reference == submission.reference
    assert entry.detail == f"decision={decision.pk} choice=not_suitable outcome=likely_suitable override=yes"
