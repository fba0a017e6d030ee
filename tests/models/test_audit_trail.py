"""The audit trail and decisions are append-only, and the trail outlives the submission it names."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from screening import services
from screening.models import AccessLog, AppendOnlyError, Decision
from tests.support.factories import SubmissionFactory
from tests.support.review import decide

pytestmark = pytest.mark.django_db


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
