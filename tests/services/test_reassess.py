"""Re-assessment: what a change of rules or settings would do to stored outcomes, and applying it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from screening import services
from screening.models import AccessLog, Submission
from tests.support.answers import elderly_answers, make_answers
from tests.support.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def test_reassess_changes_nothing_when_rules_and_settings_are_unchanged() -> None:
    SubmissionFactory.create_batch(3)
    report = services.submissions_reassess()
    assert report.checked == 3
    assert report.outcomes_changed == report.reasons_only_changed == 0


def test_reassess_reports_a_lowered_age_threshold_by_rule_and_stores_nothing(settings: Any) -> None:
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


def test_reassess_with_apply_stores_and_logs_the_new_outcome(settings: Any) -> None:
    elderly = SubmissionFactory(answers=elderly_answers())
    settings.VERY_ELDERLY_AGE = 75
    report = services.submissions_reassess(apply=True, chunk_size=1)
    assert report.applied == 1
    elderly.refresh_from_db()
    assert (elderly.outcome, elderly.reason_codes) == ("needs_review", ["NR-VERY-ELDERLY"])
    entry = AccessLog.objects.get()
    assert (entry.action, entry.submission, entry.user) == ("reassess", elderly, None)
    assert services.submissions_reassess().outcomes_changed == 0


def test_reassess_since_leaves_older_submissions_out(settings: Any) -> None:
    SubmissionFactory(answers=elderly_answers(), created_at=timezone.now() - timedelta(days=10))
    settings.VERY_ELDERLY_AGE = 75
    assert services.submissions_reassess(since=timezone.localdate() - timedelta(days=3)).checked == 0
    assert services.submissions_reassess(since=date(2000, 1, 1)).outcomes_changed == 1


def test_reassess_counts_answers_that_no_longer_parse_instead_of_failing() -> None:
    submission = SubmissionFactory()
    Submission.objects.filter(pk=submission.pk).update(answers={**make_answers(), "condition": "gout"})
    report = services.submissions_reassess()
    assert report.unreadable == 1
