"""Deleting patients' data: erasure on request, and the retention purge."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from screening.models import AccessLog, Decision, Submission
from screening.services import audit, tallies

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def submission_erase(*, submission: Submission, user: AbstractBaseUser) -> AccessLog:
    """Deletes one submission and its decisions, at the patient's request, for good.

    The stored ERASE row says who erased which reference, and when; it and the earlier audit rows
    keep the reference, and nothing else about the patient remains.
    """
    detail = f"decisions={submission.decisions.count()}"
    if courses := submission.courses.count():
        detail += f" courses={courses}"
    entry = audit.access_log_record(
        user=user, action=AccessLog.Action.ERASE, submission=submission, detail=detail
    )
    _submissions_delete([submission.pk])
    return entry


@dataclass(frozen=True)
class Purge:
    """What a retention purge deleted, or with dry_run would delete."""

    cutoff: datetime
    submissions: int
    decisions: int
    dry_run: bool


PURGE_USERNAME = "manage.py purge_submissions"


def submissions_purge(*, older_than: datetime, dry_run: bool = False, batch_size: int = 500) -> Purge:
    """Deletes every submission sent before `older_than` with its decisions; runs again purge nothing.

    Each batch is its own transaction, so the web app is never held up for long. One PURGE row per
    run records the counts and the cutoff, and nothing about any patient; dry_run writes nothing.
    """
    expired = Submission.objects.filter(created_at__lt=older_than)
    if dry_run:
        decisions = Decision.objects.filter(submission__in=expired).count()
        return Purge(older_than, expired.count(), decisions, dry_run=True)
    submissions = decisions = 0
    try:
        while batch := list(expired.order_by("pk").values_list("pk", flat=True)[:batch_size]):
            with transaction.atomic():
                deleted = _submissions_delete(batch)
            submissions, decisions = submissions + deleted[0], decisions + deleted[1]
    finally:
        # Also after a failed batch, for the batches already gone; the next run deletes the rest.
        audit.access_log_record(
            user=None,
            username=PURGE_USERNAME,
            action=AccessLog.Action.PURGE,
            detail=f"submissions={submissions} decisions={decisions} "
            f"cutoff={older_than.astimezone(UTC).isoformat(timespec='seconds')}",
        )
    return Purge(older_than, submissions, decisions, dry_run=False)


def _submissions_delete(pks: list[int]) -> tuple[int, int]:
    """Deletes these submissions and their decisions; returns both counts. Audit rows stay.

    Decisions are append-only: their manager refuses to delete them. Erasure on request and the
    retention purge are the two exceptions, and this is the one place that makes them, explicitly,
    through the base manager. The audit rows' link becomes NULL; their reference stays. A
    submission's treatment courses, with their check-ins, notes, amendments and adverse events, go
    with it by CASCADE (the collector deletes through the base managers, as for the audit rows).
    """
    # Read before the decisions go (that unlinks latest_decision), locked so none is decided meanwhile.
    going = Submission.objects.select_for_update().filter(pk__in=pks).order_by("pk")
    tally = Counter(
        (outcome, latest is not None, tallies.tally_day(sent))
        for outcome, latest, sent in going.values_list("outcome", "latest_decision", "created_at")
    )
    # Another patient's submission closed as a duplicate of one of these loses that decision with it
    # (CASCADE): its earlier decision, if any, becomes its latest again, else it is undecided again.
    orphaned = list(
        Submission.objects.select_for_update(of=("self",))
        .filter(latest_decision__duplicate_of__in=pks)
        .exclude(pk__in=pks)
        .order_by("pk")
        .values_list("pk", "outcome", "created_at")
    )
    _total, by_model = Decision._base_manager.filter(submission__in=pks).delete()
    decisions = by_model.get(Decision._meta.label, 0)
    _total, by_model = Submission.objects.filter(pk__in=pks).delete()
    for pk, outcome, sent in orphaned:
        earlier = Decision.objects.filter(submission_id=pk).order_by("-created_at", "-id").first()
        Submission.objects.filter(pk=pk).update(latest_decision=earlier)
        if earlier is None:  # the tally counts what goes, so one decided less and one undecided more
            day = tallies.tally_day(sent)
            tally[outcome, True, day] += 1
            tally[outcome, False, day] -= 1
    tallies.tally_add({key: -n for key, n in tally.items()})
    return by_model.get(Submission._meta.label, 0), decisions


@dataclass(frozen=True)
class AccessLogTrim:
    """What trimming the access log blanked and deleted, or with dry_run would."""

    addresses_blanked: int
    rows_deleted: int


@transaction.atomic
def access_log_trim(*, now: datetime | None = None, dry_run: bool = False) -> AccessLogTrim:
    """Blanks client addresses older than ACCESS_LOG_ADDRESS_DAYS and deletes rows older than
    ACCESS_LOG_RETENTION_DAYS (six years, the HIPAA documentation period).

    The access log is append-only: this, like _submissions_delete() for decisions, is the one
    place that changes it, explicitly, through the base manager. An address is what tells an
    attack from a typo for a while; after that it is personal data kept for nothing.
    """
    now = now or timezone.now()
    rows = AccessLog._base_manager.all()
    addresses = rows.filter(
        at__lt=now - timedelta(days=settings.ACCESS_LOG_ADDRESS_DAYS), client_address__isnull=False
    )
    old = rows.filter(at__lt=now - timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS))
    if dry_run:
        return AccessLogTrim(addresses.count(), old.count())
    deleted, _by_model = old.delete()
    return AccessLogTrim(addresses.update(client_address=None), deleted)
