from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from screening import rules, security
from screening.models import AccessLog, Decision, Outcome, Submission, SubmissionTally, new_reference

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest


@dataclass(frozen=True)
class Contact:
    first_name: str
    last_name: str
    phone: str = ""
    email: str = ""


def rules_config() -> rules.RulesConfig:
    """The rules' configuration from Django settings (validated by RulesConfig itself)."""
    return rules.RulesConfig(
        very_elderly_age=settings.VERY_ELDERLY_AGE,
        adult_age=settings.ADULT_AGE,
        pregnancy_outcome=rules.Outcome(settings.PREGNANCY_OUTCOME),
        deep_site_outcome=rules.Outcome(settings.DEEP_SITE_OUTCOME),
    )


def submission_build(
    *,
    answers: Mapping[str, object],
    contact: Contact,
    language: str = "en",
    created_at: datetime | None = None,
    form_token: uuid.UUID | None = None,
) -> Submission:
    """An unsaved, assessed submission: the one place where answers become a stored outcome."""
    created_at = created_at or timezone.now()
    assessment = rules.assess(answers, today=timezone.localdate(created_at), config=rules_config())
    return Submission(
        created_at=created_at,
        first_name=contact.first_name,
        last_name=contact.last_name,
        phone=contact.phone,
        email=contact.email,
        language=language,
        answers=dict(answers),
        outcome=assessment.outcome.value,
        reason_codes=list(assessment.reason_codes),
        rules_version=assessment.rules_version,
        form_token=form_token,
    )


def submission_create(
    *,
    answers: Mapping[str, object],
    contact: Contact,
    language: str = "en",
    form_token: uuid.UUID | None = None,
) -> Submission:
    """The stored, complete submission; sending the same form twice returns the first one."""
    if form_token and (earlier := Submission.objects.filter(form_token=form_token).first()):
        return earlier
    submission = submission_build(answers=answers, contact=contact, language=language, form_token=form_token)
    # Uniqueness and the check constraints are left to the database, which enforces them on the
    # INSERT: checking first costs a query each, and the uniqueness check races with a concurrent
    # double submit (failing as a ValidationError); the IntegrityError below settles every clash.
    submission.full_clean(validate_unique=False, validate_constraints=False)
    for _attempt in range(2):
        try:
            _submission_insert(submission)
            return submission
        except IntegrityError:
            # Two sends of one form raced past the check above: the other one was stored.
            if form_token and (earlier := Submission.objects.filter(form_token=form_token).first()):
                return earlier
            submission.reference = new_reference()  # else the rare clash of two random references
    _submission_insert(submission)
    return submission


@transaction.atomic
def _submission_insert(submission: Submission) -> None:
    submission.save()
    _tally({(submission.outcome, False): 1})


Tally = Mapping[tuple[str, bool], int]


def _tally(changes: Tally) -> None:
    """Adds these changes to SubmissionTally, by (outcome, decided), in the caller's transaction.

    Always in one order, so two transactions never each hold a row the other waits for.
    """
    for (outcome, decided), delta in sorted(changes.items()):
        row = SubmissionTally.objects.filter(outcome=outcome, decided=decided)
        if delta and not row.update(count=F("count") + delta):
            _tally_rows_ensure()  # only after a database was emptied: the migration made them all
            row.update(count=F("count") + delta)


def _tally_rows_ensure() -> None:
    SubmissionTally.objects.bulk_create(
        [SubmissionTally(outcome=o, decided=d) for o in Outcome.values for d in (False, True)],
        ignore_conflicts=True,
    )


def _tallies_rebuild() -> None:
    """Counts every submission afresh into SubmissionTally (after a bulk re-assessment).

    Its rows are locked first, so a write that is waiting on one adds its change to the fresh
    count, and one that got there first is already in it.
    """
    _tally_rows_ensure()
    list(SubmissionTally.objects.select_for_update().order_by("outcome", "decided"))
    decided = Q(latest_decision__isnull=False)
    counts = (
        Submission.objects.order_by()
        .values_list("outcome")
        .annotate(undecided=Count("id", filter=~decided), decided=Count("id", filter=decided))
    )
    fresh = {(o, d): 0 for o in Outcome.values for d in (False, True)}
    for outcome, undecided, decided_count in counts:
        fresh[outcome, False], fresh[outcome, True] = undecided, decided_count
    for (outcome, decided_now), n in sorted(fresh.items()):
        SubmissionTally.objects.filter(outcome=outcome, decided=decided_now).update(count=n)


def submissions_bulk_create(submissions: Iterable[Submission], *, batch_size: int = 2000) -> int:
    """Stores built submissions in batches, each with a reference no stored row has; returns the count."""
    count = 0
    batch: list[Submission] = []
    for submission in submissions:
        batch.append(submission)
        if len(batch) >= batch_size:
            count += _insert_batch(batch)
            batch = []
    if batch:
        count += _insert_batch(batch)
    return count


@transaction.atomic
def _insert_batch(batch: list[Submission]) -> int:
    taken = set(
        Submission.objects.filter(reference__in=[s.reference for s in batch]).values_list(
            "reference", flat=True
        )
    )
    seen: set[str] = set()
    for submission in batch:
        while submission.reference in taken or submission.reference in seen:
            submission.reference = new_reference()
        seen.add(submission.reference)
    Submission.objects.bulk_create(batch)
    _tally(Counter((s.outcome, s.latest_decision_id is not None) for s in batch))
    return len(batch)


def access_log_record(
    *,
    user: AbstractBaseUser | None,
    action: AccessLog.Action,
    submission: Submission | None = None,
    detail: str = "",
    username: str = "",
    client_address: str | None = None,
) -> AccessLog:
    """The stored audit row. `detail` holds codes and counts only, never patient data.

    `username` names the actor when there is no account: a command, or "(unknown)" for a log-in
    name that matches none.
    """
    return AccessLog.objects.create(
        user=user,
        username=user.get_username() if user else username,
        action=action,
        submission=submission,
        submission_reference=submission.reference if submission else "",
        detail=detail,
        client_address=client_address,
    )


# Where a password or a code was tried from is what tells an attack from a typo, and lifting a
# lockout needs the address; for every other event it would be personal data kept for nothing.
ADDRESS_ACTIONS = frozenset(
    {
        AccessLog.Action.LOGIN,
        AccessLog.Action.LOGIN_FAILED,
        AccessLog.Action.LOCKOUT,
        AccessLog.Action.TWO_FACTOR_FAILED,
    }
)


def account_event_record(
    *,
    action: AccessLog.Action,
    request: HttpRequest | None,
    user: AbstractBaseUser | None,
    username: str = "",
    detail: str = "",
) -> AccessLog:
    """The audit row of a log-in, log-out, failure, lockout or second step; the client's address
    is kept only for the actions in ADDRESS_ACTIONS."""
    address = None
    if request is not None and action in ADDRESS_ACTIONS:
        found = security.client_address(request)
        address = found if found != "unknown" else None
    return access_log_record(
        user=user, action=action, username=username, detail=detail, client_address=address
    )


class DecisionConflict(Exception):
    """Another decision was stored after the one the therapist saw; nothing was saved."""

    def __init__(self, latest: Decision | None) -> None:
        super().__init__("the submission was decided by someone else in the meantime")
        self.latest = latest


@transaction.atomic
def decision_record(
    *,
    submission: Submission,
    therapist: AbstractBaseUser,
    choice: str,
    note: str,
    seen_decision_id: int | None,
) -> Decision:
    """The stored decision, now the submission's latest, and its audit row; earlier ones stay.

    Raises DecisionConflict, saving nothing, unless `seen_decision_id` is still the latest decision,
    and ValidationError when a decision against the automated outcome comes without a note.
    """
    decision = Decision(
        submission=submission,
        therapist=therapist,
        choice=choice,
        note=note.strip(),
        automated_outcome=submission.outcome,
    )
    decision.full_clean()
    decision.save()
    # Compare-and-set on the latest decision: of two therapists saving at once, one wins and the
    # other is told, on any database, without a lock held across the form round trip.
    swapped = Submission.objects.filter(pk=submission.pk, latest_decision_id=seen_decision_id).update(
        latest_decision=decision
    )
    if not swapped:
        latest = Submission.objects.select_related("latest_decision__therapist").get(pk=submission.pk)
        raise DecisionConflict(latest.latest_decision)
    if seen_decision_id is None:  # it was undecided until now
        # The outcome as stored now (the row is ours until commit), not as this page loaded it.
        outcome = Submission.objects.filter(pk=submission.pk).values_list("outcome", flat=True).get()
        _tally({(outcome, False): -1, (outcome, True): 1})
    submission.latest_decision = decision
    override = "yes" if decision.is_override else "no"
    access_log_record(
        user=therapist,
        action=AccessLog.Action.DECIDE,
        submission=submission,
        detail=f"decision={decision.pk} choice={choice} outcome={submission.outcome} override={override}",
    )
    return decision


@transaction.atomic
def submission_erase(*, submission: Submission, user: AbstractBaseUser) -> AccessLog:
    """Deletes one submission and its decisions, at the patient's request, for good.

    The stored ERASE row says who erased which reference, and when; it and the earlier audit rows
    keep the reference, and nothing else about the patient remains.
    """
    entry = access_log_record(
        user=user,
        action=AccessLog.Action.ERASE,
        submission=submission,
        detail=f"decisions={submission.decisions.count()}",
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
        access_log_record(
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
    through the base manager. The audit rows' link becomes NULL; their reference stays.
    """
    # Read before the decisions go (that unlinks latest_decision), locked so none is decided meanwhile.
    going = Submission.objects.select_for_update().filter(pk__in=pks).order_by("pk")
    tally = Counter(
        (outcome, latest is not None) for outcome, latest in going.values_list("outcome", "latest_decision")
    )
    _total, by_model = Decision._base_manager.filter(submission__in=pks).delete()
    decisions = by_model.get(Decision._meta.label, 0)
    _total, by_model = Submission.objects.filter(pk__in=pks).delete()
    _tally({key: -n for key, n in tally.items()})
    return by_model.get(Submission._meta.label, 0), decisions


@dataclass
class Reassessment:
    """What running today's rules over stored answers changes, counted by outcome and by rule."""

    checked: int = 0
    outcome_changes: Counter[tuple[str, str]] = field(default_factory=Counter)
    reasons_only_changed: int = 0
    # Per rule code: submissions where it starts / stops firing, and how many of those change outcome.
    starts: Counter[str] = field(default_factory=Counter)
    stops: Counter[str] = field(default_factory=Counter)
    outcome_changes_by_rule: Counter[str] = field(default_factory=Counter)
    unreadable: int = 0
    applied: int = 0

    @property
    def outcomes_changed(self) -> int:
        return sum(self.outcome_changes.values())


@dataclass(frozen=True)
class _Change:
    pk: int
    reference: str
    old_outcome: str
    new_outcome: str
    new_codes: list[str]


def submissions_reassess(
    *, since: date | None = None, apply: bool = False, chunk_size: int = 2000
) -> Reassessment:
    """The effect of the current rules and settings on stored submissions; stored only with apply.

    Each submission is assessed on the day it was sent, as it was then, so only a rule or a
    setting change can move it. Reads in chunks, so 100,000 rows need little memory.
    """
    report = Reassessment()
    config = rules_config()
    rows = Submission.objects.order_by("pk")
    if since:
        rows = rows.filter(created_at__gte=timezone.make_aware(datetime.combine(since, time.min)))
    columns = ("pk", "reference", "created_at", "answers", "outcome", "reason_codes")
    changes: list[_Change] = []
    for pk, reference, created_at, answers, outcome, codes in rows.values_list(*columns).iterator(
        chunk_size=chunk_size
    ):
        report.checked += 1
        try:
            fresh = rules.assess(answers, today=timezone.localdate(created_at), config=config)
        except ValueError:  # answers to questions that no longer exist: a person must look
            report.unreadable += 1
            continue
        new_codes = list(fresh.reason_codes)
        if fresh.outcome.value != outcome or new_codes != codes:
            _count_change(report, outcome, codes, fresh.outcome.value, new_codes)
            changes.append(_Change(pk, reference, outcome, fresh.outcome.value, new_codes))
    # Written after the read has finished: SQLite gives no isolation between a cursor and writes
    # to the table it reads, on the same connection.
    if apply and changes:
        report.applied = _apply_reassessment(changes, chunk_size=chunk_size)
    return report


def _count_change(
    report: Reassessment, old: str, old_codes: list[str], new: str, new_codes: list[str]
) -> None:
    started, stopped = set(new_codes) - set(old_codes), set(old_codes) - set(new_codes)
    report.starts.update(started)
    report.stops.update(stopped)
    if old == new:
        report.reasons_only_changed += 1
        return
    report.outcome_changes[old, new] += 1
    report.outcome_changes_by_rule.update(started | stopped)


@transaction.atomic
def _apply_reassessment(changes: list[_Change], *, chunk_size: int) -> int:
    Submission.objects.bulk_update(
        [
            Submission(
                pk=c.pk, outcome=c.new_outcome, reason_codes=c.new_codes, rules_version=rules.RULES_VERSION
            )
            for c in changes
        ],
        ["outcome", "reason_codes", "rules_version"],
        batch_size=chunk_size,
    )
    _tallies_rebuild()
    AccessLog.objects.bulk_create(
        (
            AccessLog(
                action=AccessLog.Action.REASSESS,
                username="manage.py reassess",
                submission_id=c.pk,
                submission_reference=c.reference,
                detail=f"outcome {c.old_outcome} -> {c.new_outcome} rules={rules.RULES_VERSION}",
            )
            for c in changes
        ),
        batch_size=chunk_size,
    )
    return len(changes)
