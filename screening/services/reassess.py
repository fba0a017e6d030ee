"""Running today's rules over stored answers: a report, and with apply the changes stored."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from screening.clinical import rules
from screening.models import AccessLog, Submission
from screening.services import tallies
from screening.services.submissions import rules_config


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
    tallies.tallies_rebuild()
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
