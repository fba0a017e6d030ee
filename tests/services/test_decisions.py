"""Writes: decisions, their history and conflicts, the audit trail, and re-assessment."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from screening import services
from screening.models import AccessLog, AppendOnlyError, Decision, Submission, SubmissionTally
from screening.queue import ReviewFilter
from tests.support.answers import elderly_answers, make_answers
from tests.support.factories import SubmissionFactory
from tests.support.review import decide

pytestmark = pytest.mark.django_db


def test_a_decision_records_therapist_time_and_the_outcome_it_was_made_on(therapist: User) -> None:
    submission = SubmissionFactory()
    decision = decide(submission, therapist, "call_patient")
    submission.refresh_from_db()
    assert submission.latest_decision == decision
    assert decision.therapist == therapist
    assert decision.automated_outcome == "likely_suitable"
    assert timezone.now() - decision.created_at < timedelta(seconds=5)


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
    therapist: User, answers: dict, choice: str, override: bool
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


def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm(therapist: User) -> None:
    entry = services.access_log_record(user=therapist, action=AccessLog.Action.EXPORT, detail="rows=1")
    entry.detail = "rows=0"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.update(detail="")
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.bulk_update([entry], ["detail"])
    assert AccessLog.objects.get().detail == "rows=1"


def test_decisions_cannot_be_changed_or_deleted_either(therapist: User) -> None:
    decision = decide(SubmissionFactory(), therapist, "call_patient")
    decision.choice = "suitable"
    with pytest.raises(AppendOnlyError):
        decision.save()
    with pytest.raises(AppendOnlyError):
        Decision.objects.all().delete()


def test_erasing_a_submission_keeps_its_audit_trail_by_reference(therapist: User) -> None:
    submission = SubmissionFactory()
    decide(submission, therapist, "call_patient")
    reference = submission.reference
    submission.delete()
    entry = AccessLog.objects.get()
    assert entry.submission is None
    assert entry.submission_reference == reference
    assert not Decision.objects.exists()


def test_reassess_changes_nothing_when_rules_and_settings_are_unchanged() -> None:
    SubmissionFactory.create_batch(3)
    report = services.submissions_reassess()
    assert report.checked == 3
    assert report.outcomes_changed == report.reasons_only_changed == 0


def test_reassess_reports_a_lowered_age_threshold_by_rule_and_stores_nothing(settings) -> None:
    elderly = SubmissionFactory(answers=elderly_answers())
    SubmissionFactory()
    settings.VERY_ELDERLY_AGE = 75
    report = services.submissions_reassess()
    assert report.checked == 2
    assert report.outcome_changes == {("likely_suitable", "needs_review"): 1}
    assert report.starts == {"NR-VERY-ELDERLY": 1}
    assert report.outcome_changes_by_rule == {"NR-VERY-ELDERLY": 1}
    elderly.refresh_from_db()
    assert elderly.outcome == "likely_suitable"
    assert not AccessLog.objects.exists()


def test_reassess_with_apply_stores_and_logs_the_new_outcome(settings) -> None:
    elderly = SubmissionFactory(answers=elderly_answers())
    settings.VERY_ELDERLY_AGE = 75
    report = services.submissions_reassess(apply=True, chunk_size=1)
    assert report.applied == 1
    elderly.refresh_from_db()
    assert (elderly.outcome, elderly.reason_codes) == ("needs_review", ["NR-VERY-ELDERLY"])
    entry = AccessLog.objects.get()
    assert (entry.action, entry.submission, entry.user) == ("reassess", elderly, None)
    assert services.submissions_reassess().outcomes_changed == 0


def test_reassess_since_leaves_older_submissions_out(settings) -> None:
    SubmissionFactory(answers=elderly_answers(), created_at=timezone.now() - timedelta(days=10))
    settings.VERY_ELDERLY_AGE = 75
    assert services.submissions_reassess(since=timezone.localdate() - timedelta(days=3)).checked == 0
    assert services.submissions_reassess(since=date(2000, 1, 1)).outcomes_changed == 1


def test_reassess_counts_answers_that_no_longer_parse_instead_of_failing() -> None:
    submission = SubmissionFactory()
    Submission.objects.filter(pk=submission.pk).update(answers={**make_answers(), "condition": "gout"})
    report = services.submissions_reassess()
    assert report.unreadable == 1


def stored_tallies() -> dict[tuple[str, bool], int]:
    return {(t.outcome, t.decided): t.count for t in SubmissionTally.objects.all() if t.count}


def counted_afresh() -> dict[tuple[str, bool], int]:
    rows = Submission.objects.values_list("outcome", "latest_decision")
    return dict(Counter((outcome, latest is not None) for outcome, latest in rows))


def test_the_queue_tallies_stay_exact_through_every_kind_of_write(
    therapist: User, other_user: User, settings
) -> None:
    contact = services.Contact("Rosa", "Reyes", "(555) 010-1234")
    token = uuid.uuid4()
    rosa = services.submission_create(answers=make_answers(), contact=contact, form_token=token)
    services.submission_create(answers=make_answers(), contact=contact, form_token=token)  # sent twice
    SubmissionFactory.create_batch(3)
    SubmissionFactory(answers=make_answers(depth="unsure"))
    elderly = SubmissionFactory(answers=elderly_answers())
    assert stored_tallies() == counted_afresh() == {("likely_suitable", False): 5, ("needs_review", False): 1}

    first = decide(rosa, therapist, "call_patient")
    decide(rosa, therapist, "suitable", seen=first.pk)  # decided already: no count moves
    with pytest.raises(services.DecisionConflict):
        decide(rosa, other_user, "suitable", seen=None)
    decide(elderly, therapist, "call_patient")
    assert stored_tallies() == counted_afresh()
    assert stored_tallies()["likely_suitable", True] == 2

    settings.VERY_ELDERLY_AGE = 75  # the decided elderly patient moves to needs_review
    assert services.submissions_reassess(apply=True).applied == 1
    assert stored_tallies() == counted_afresh()
    assert stored_tallies()["needs_review", True] == 1

    services.submission_erase(submission=rosa, user=therapist)
    SubmissionFactory(created_at=timezone.now() - timedelta(days=800))
    services.submissions_purge(older_than=timezone.now() - timedelta(days=730))
    assert stored_tallies() == counted_afresh()
    assert sum(stored_tallies().values()) == Submission.objects.count() == 5


def test_the_queue_counts_come_from_the_tallies_unless_dates_or_a_search_narrow_them() -> None:
    SubmissionFactory.create_batch(2)
    SubmissionFactory(answers=make_answers(depth="unsure"), last_name="Quist")
    expected = {"likely_suitable": 2, "needs_review": 1, "not_suitable": 0}
    assert Submission.objects.outcome_counts(ReviewFilter()) == expected
    SubmissionTally.objects.filter(outcome="likely_suitable", decided=False).update(count=7)
    assert Submission.objects.outcome_counts(ReviewFilter())["likely_suitable"] == 7  # read, not counted
    assert Submission.objects.outcome_counts(ReviewFilter(status="all"))["likely_suitable"] == 7
    assert Submission.objects.outcome_counts(ReviewFilter(status="decided")) == dict.fromkeys(expected, 0)
    assert Submission.objects.outcome_counts(ReviewFilter(search="Quist")) == {
        "likely_suitable": 0,
        "needs_review": 1,
        "not_suitable": 0,
    }
    week_ago = timezone.localdate() - timedelta(days=7)
    assert Submission.objects.outcome_counts(ReviewFilter(submitted_from=week_ago)) == expected
