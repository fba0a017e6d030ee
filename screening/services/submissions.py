"""Storing a patient's submission: assessed once, written once, counted in the tallies."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from screening import duplicates, queue
from screening.clinical import rules
from screening.exports.fhir import questionnaire
from screening.models import Submission, new_reference
from screening.services import tallies


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
        search_name=queue.search_name(contact.first_name, contact.last_name),
        **duplicates.match_keys(
            last_name=contact.last_name, answers=answers, phone=contact.phone, email=contact.email
        ),
        phone=contact.phone,
        email=contact.email,
        language=language,
        answers=dict(answers),
        outcome=assessment.outcome.value,
        reason_codes=list(assessment.reason_codes),
        rules_version=assessment.rules_version,
        questionnaire_version=questionnaire.version(),
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
    return submission_create_or_replay(
        answers=answers, contact=contact, language=language, form_token=form_token
    )[0]


def submission_create_or_replay(
    *,
    answers: Mapping[str, object],
    contact: Contact,
    language: str = "en",
    form_token: uuid.UUID | None = None,
) -> tuple[Submission, bool]:
    """The stored submission and True, or the one stored earlier with this form token and False.

    The caller decides whether the sender may see an earlier one (a double click may, another
    browser replaying the token may not).
    """
    if form_token and (earlier := Submission.objects.filter(form_token=form_token).first()):
        return earlier, False
    submission = submission_build(answers=answers, contact=contact, language=language, form_token=form_token)
    # Uniqueness and the check constraints are left to the database, which enforces them on the
    # INSERT: checking first costs a query each, and the uniqueness check races with a concurrent
    # double submit (failing as a ValidationError); the IntegrityError below settles every clash.
    submission.full_clean(validate_unique=False, validate_constraints=False)
    for _attempt in range(2):
        try:
            _submission_insert(submission)
            return submission, True
        except IntegrityError:
            # Two sends of one form raced past the check above: the other one was stored.
            if form_token and (earlier := Submission.objects.filter(form_token=form_token).first()):
                return earlier, False
            submission.reference = new_reference()  # else the rare clash of two random references
    _submission_insert(submission)
    return submission, True


@transaction.atomic
def _submission_insert(submission: Submission) -> None:
    submission.save()
    tallies.tally_add({(submission.outcome, False): 1})


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
    tallies.tally_add(Counter((s.outcome, s.latest_decision_id is not None) for s in batch))
    return len(batch)
