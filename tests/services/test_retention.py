"""Retention: purge_submissions deletes what is older than RETENTION_DAYS, and says so in the audit trail."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from screening import services
from screening.models import AccessLog, AppendOnlyError, Decision, Submission
from tests.support.commands import manage
from tests.support.factories import SubmissionFactory
from tests.support.patients import patient_data
from tests.support.review import decide

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> Submission:
    return SubmissionFactory(created_at=timezone.now() - timedelta(days=days))


def purge(*args: str) -> str:
    out = io.StringIO()
    call_command("purge_submissions", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def cast(therapist: User) -> dict[str, Submission]:
    # Two screenings past the default 730 days (one decided twice), one a day short of it, one today.
    old, older = days_ago(731), days_ago(900)
    recent, today = days_ago(729), days_ago(0)
    decide(older, therapist)
    decide(older, therapist)
    decide(recent, therapist)
    services.access_log_record(user=therapist, action=AccessLog.Action.VIEW, submission=old)
    return {"old": old, "older": older, "recent": recent, "today": today}


def test_purge_deletes_what_is_past_retention_with_its_decisions_and_keeps_the_rest(
    cast: dict[str, Submission],
) -> None:
    output = purge()
    assert "Purged 2 submissions and 2 decisions sent before" in output
    assert set(Submission.objects.all()) == {cast["recent"], cast["today"]}
    assert [d.submission for d in Decision.objects.all()] == [cast["recent"]]
    cast["recent"].refresh_from_db()
    assert cast["recent"].latest_decision == Decision.objects.get()


def test_purge_writes_one_audit_row_with_counts_and_cutoff_only(cast: dict[str, Submission]) -> None:
    purge()
    [entry] = AccessLog.objects.filter(action=AccessLog.Action.PURGE)
    cutoff = (timezone.now() - timedelta(days=730)).date().isoformat()
    assert entry.detail.startswith(f"submissions=2 decisions=2 cutoff={cutoff}T")
    assert (entry.user, entry.username, entry.submission, entry.submission_reference) == (
        None,
        "manage.py purge_submissions",
        None,
        "",
    )
    stored = f"{entry.username} {entry.detail}"
    assert not [s for s in patient_data(*cast.values()) if s in stored]


def test_audit_rows_of_a_purged_submission_keep_their_reference(cast: dict[str, Submission]) -> None:
    purge()
    view = AccessLog.objects.get(action=AccessLog.Action.VIEW)
    assert (view.submission, view.submission_reference) == (None, cast["old"].reference)
    decided = AccessLog.objects.filter(action=AccessLog.Action.DECIDE, submission__isnull=True)
    assert {e.submission_reference for e in decided} == {cast["older"].reference}


def test_a_dry_run_counts_and_changes_nothing(cast: dict[str, Submission]) -> None:
    output = purge("--dry-run")
    assert output.startswith("Dry run: would purge 2 submissions and 2 decisions")
    assert Submission.objects.count() == 4
    assert Decision.objects.count() == 3
    assert not AccessLog.objects.filter(action=AccessLog.Action.PURGE).exists()


def test_running_it_again_purges_nothing_and_says_so(cast: dict[str, Submission]) -> None:
    purge()
    output = purge()
    assert output.startswith("Nothing to purge: no submission was sent before")
    assert Submission.objects.count() == 2
    assert [e.detail.split(" cutoff")[0] for e in AccessLog.objects.filter(action="purge")] == [
        "submissions=0 decisions=0",
        "submissions=2 decisions=2",
    ]


def test_days_and_the_setting_move_the_cutoff(cast: dict[str, Submission], settings: Any) -> None:
    purge("--days", "800")
    assert not Submission.objects.filter(pk=cast["older"].pk).exists()
    assert Submission.objects.filter(pk=cast["old"].pk).exists()
    settings.RETENTION_DAYS = 30
    days_ago(31)
    purge()
    assert set(Submission.objects.all()) == {cast["today"]}


@pytest.mark.parametrize("days", ["0", "29", "3651"])
def test_days_outside_the_bounds_is_refused(cast: dict[str, Submission], days: str) -> None:
    with pytest.raises(CommandError, match="between 30 and 3650"):
        purge("--days", days)
    assert Submission.objects.count() == 4


def test_purge_works_in_batches(therapist: User) -> None:
    for days in (800, 801, 802):
        decide(days_ago(days), therapist)
    result = services.submissions_purge(older_than=timezone.now() - timedelta(days=730), batch_size=1)
    assert (result.submissions, result.decisions) == (3, 3)
    assert not Submission.objects.exists() and not Decision.objects.exists()
    assert AccessLog.objects.filter(action=AccessLog.Action.PURGE).count() == 1


def test_decisions_stay_append_only_outside_the_purge(cast: dict[str, Submission]) -> None:
    with pytest.raises(AppendOnlyError):
        Decision.objects.filter(submission=cast["recent"]).delete()
    assert Decision.objects.count() == 3


def test_retention_days_setting_is_bounded_and_fails_loud() -> None:
    env = {"DJANGO_DEBUG": "true"}
    assert manage("check", **env, RETENTION_DAYS="365").returncode == 0
    for wrong in ("10", "two years"):
        result = manage("check", **env, RETENTION_DAYS=wrong)
        assert result.returncode != 0
        assert "RETENTION_DAYS must be" in result.stderr
