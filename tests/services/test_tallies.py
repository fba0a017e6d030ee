"""The queue's tallies: kept exact by every write, and read instead of counted where they can be."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from screening import services
from screening.models import Submission, SubmissionDayTally, SubmissionTally
from screening.queue import ReviewFilter
from tests.support.answers import elderly_answers, make_answers
from tests.support.factories import SubmissionFactory
from tests.support.review import decide

pytestmark = pytest.mark.django_db


def stored_tallies() -> dict[tuple[str, bool], int]:
    return {(t.outcome, t.decided): t.count for t in SubmissionTally.objects.all() if t.count}


def counted_afresh() -> dict[tuple[str, bool], int]:
    rows = Submission.objects.values_list("outcome", "latest_decision")
    return dict(Counter((outcome, latest is not None) for outcome, latest in rows))


def stored_day_tallies() -> dict[tuple[date, str, bool], int]:
    return {(t.day, t.outcome, t.decided): t.count for t in SubmissionDayTally.objects.all() if t.count}


def day_counted_afresh() -> dict[tuple[date, str, bool], int]:
    rows = Submission.objects.values_list("created_at", "outcome", "latest_decision")
    return dict(Counter((sent.astimezone(UTC).date(), o, latest is not None) for sent, o, latest in rows))


def assert_tallies_exact() -> None:
    assert stored_tallies() == counted_afresh()
    assert stored_day_tallies() == day_counted_afresh()


def test_the_queue_tallies_stay_exact_through_every_kind_of_write(
    therapist: User, other_user: User, settings
) -> None:
    contact = services.Contact("Rosa", "Reyes", "(555) 010-1234")
    token = uuid.uuid4()
    rosa = services.submission_create(answers=make_answers(), contact=contact, form_token=token)
    services.submission_create(answers=make_answers(), contact=contact, form_token=token)  # sent twice
    SubmissionFactory.create_batch(3)
    SubmissionFactory(answers=make_answers(depth="unsure"), created_at=timezone.now() - timedelta(days=3))
    elderly = SubmissionFactory(answers=elderly_answers(), created_at=timezone.now() - timedelta(days=40))
    assert stored_tallies() == counted_afresh() == {("likely_suitable", False): 5, ("needs_review", False): 1}
    assert stored_day_tallies() == day_counted_afresh()
    assert len({day for day, _o, _d in stored_day_tallies()}) >= 3

    first = decide(rosa, therapist, "call_patient")
    decide(rosa, therapist, "suitable", seen=first.pk)  # decided already: no count moves
    with pytest.raises(services.DecisionConflict):
        decide(rosa, other_user, "suitable", seen=None)
    decide(elderly, therapist, "call_patient")
    assert_tallies_exact()
    assert stored_tallies()["likely_suitable", True] == 2

    settings.VERY_ELDERLY_AGE = 75  # the decided elderly patient moves to needs_review
    assert services.submissions_reassess(apply=True).applied == 1
    assert_tallies_exact()
    assert stored_tallies()["needs_review", True] == 1

    services.submission_erase(submission=rosa, user=therapist)
    SubmissionFactory(created_at=timezone.now() - timedelta(days=800))
    services.submissions_purge(older_than=timezone.now() - timedelta(days=730))
    assert_tallies_exact()
    assert sum(stored_tallies().values()) == Submission.objects.count() == 5


def test_the_queue_counts_come_from_the_tallies() -> None:
    SubmissionFactory.create_batch(2)
    SubmissionFactory(answers=make_answers(depth="unsure"), last_name="Quist")
    expected = {"likely_suitable": 2, "needs_review": 1, "not_suitable": 0}
    assert Submission.objects.outcome_counts(ReviewFilter()) == expected
    SubmissionTally.objects.filter(outcome="likely_suitable", decided=False).update(count=7)
    assert Submission.objects.outcome_counts(ReviewFilter())["likely_suitable"] == 7  # read, not counted
    assert Submission.objects.outcome_counts(ReviewFilter(status="all"))["likely_suitable"] == 7
    assert Submission.objects.outcome_counts(ReviewFilter(status="decided")) == dict.fromkeys(expected, 0)
    week_ago = timezone.localdate() - timedelta(days=7)
    assert Submission.objects.outcome_counts(ReviewFilter(submitted_from=week_ago)) == expected


def test_drift_is_found_and_the_command_counts_afresh(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    from screening import doctor
    from screening.services import tallies

    SubmissionFactory.create_batch(2)
    SubmissionFactory(created_at=timezone.now() - timedelta(days=9))
    assert tallies.tallies_drift() == ""
    assert doctor.check_tallies().line.startswith("OK")
    # What an old process, still running through a deploy, leaves: a submission no day counts.
    SubmissionDayTally.objects.filter(count=1).delete()
    drift = tallies.tallies_drift()
    assert drift == "likely_suitable undecided: 3 in all, 2 by day"
    assert "rebuild_tallies" in doctor.check_tallies().line
    call_command("rebuild_tallies")
    assert tallies.tallies_drift() == ""
    assert_tallies_exact()
    assert "counted afresh" in capsys.readouterr().out
