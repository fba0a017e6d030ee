"""Storing a patient's submission: assessed once, written once, counted in the tallies."""

from __future__ import annotations

import json
import operator
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from screening import duplicates, queue
from screening.clinical import rules
from screening.exports.fhir import questionnaire
from screening.models import Decision, Submission, new_reference
from screening.services import alerts, tallies


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
    config: rules.RulesConfig | None = None,
) -> Submission:
    """An unsaved, assessed submission: the one place where answers become a stored outcome.

    `config` is rules_config(), read from settings when not given; a bulk build passes it in once.
    """
    created_at = created_at or timezone.now()
    config = config or rules_config()
    assessment = rules.assess(answers, today=timezone.localdate(created_at), config=config)
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
    tallies.tally_add({(submission.outcome, False, tallies.tally_day(submission.created_at)): 1})
    # The review inbox hears of it from the worker, after this commits (services/alerts.py).
    alerts.review_alert_note(outcome=submission.outcome)


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
    _references_make_unique(batch)
    Submission.objects.bulk_create(batch)
    tallies.tally_add(tallies.counted(batch))
    return len(batch)


def submissions_store_many(submissions: Sequence[Submission], decisions: Sequence[Decision] = ()) -> int:
    """Stores built submissions, and decisions built on them, in one transaction; returns the count.

    The fast path for many rows (seeding): COPY on PostgreSQL, multi-row INSERTs on SQLite. Ids are
    taken up front, so that a decision's submission and a submission's latest decision (the last of
    its decisions in `decisions`) are known before anything is written; a reference that a stored
    row holds is drawn again; the tallies count the rows in the same transaction. Safe to run from
    several processes at once: a reference that another one stored meanwhile retries the batch.
    """
    # Read once: setting a decision's submission_id below drops Django's cached submission, and
    # after a rolled-back try that submission's id names no row.
    owners = [decision.submission for decision in decisions]
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _store_many(submissions, decisions, owners)
        except IntegrityError:
            pass  # a reference stored by a concurrent batch after the check: drawn again below
    with transaction.atomic():
        return _store_many(submissions, decisions, owners)


def _store_many(
    submissions: Sequence[Submission], decisions: Sequence[Decision], owners: Sequence[Submission]
) -> int:
    _references_make_unique(submissions)
    for submission, pk in zip(submissions, _new_ids(Submission, len(submissions)), strict=True):
        submission.pk = pk
    latest: dict[int, Decision] = {}
    for decision, owner, pk in zip(decisions, owners, _new_ids(Decision, len(decisions)), strict=True):
        decision.pk = pk
        decision.submission = owner  # its id, which this try gave it
        latest[decision.submission_id] = decision
    for submission in submissions:
        if (decision := latest.get(submission.pk)) is not None:
            submission.latest_decision_id = decision.pk
    if connection.vendor == "postgresql":
        # Both foreign keys between the tables are deferred to the commit, so the order is free.
        _copy(Submission, submissions)
        _copy(Decision, decisions)
    else:
        # SQLite checks a pending deferred foreign key again on every insert into the table it points
        # to, and latest_decision has no index (models/submission.py): with any violation pending,
        # each insert of a decision would scan the whole submission table. So nothing is left
        # pending: the submissions without their latest decision, the decisions, then the links.
        latest_ids = [s.latest_decision_id for s in submissions]
        for submission in submissions:
            submission.latest_decision_id = None
        Submission.objects.bulk_create(submissions)
        Decision.objects.bulk_create(decisions)
        for submission, decision_id in zip(submissions, latest_ids, strict=True):
            submission.latest_decision_id = decision_id
        links = [(s.latest_decision_id, s.pk) for s in submissions if s.latest_decision_id is not None]
        table = connection.ops.quote_name(Submission._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET latest_decision_id = %s WHERE id = %s", links)  # noqa: S608  # nosec B608
    tallies.tally_add(tallies.counted(submissions))
    return len(submissions)


def _references_make_unique(submissions: Sequence[Submission]) -> None:
    """Draws again each reference that a stored row or an earlier one of these holds."""
    taken = _references_stored([s.reference for s in submissions])
    seen: set[str] = set()
    for submission in submissions:
        while submission.reference in taken or submission.reference in seen:
            submission.reference = new_reference()
        seen.add(submission.reference)


def _references_stored(references: list[str]) -> set[str]:
    """Which of these references stored rows hold. On PostgreSQL as one array parameter: for a
    seeding batch's 5,000, an IN list of as many placeholders took 44 ms (most of it psycopg
    parsing the query), the array 17 ms."""
    if connection.vendor != "postgresql":
        return set(Submission.objects.filter(reference__in=references).values_list("reference", flat=True))
    table = connection.ops.quote_name(Submission._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT reference FROM {table} WHERE reference = ANY(%s)", [references])  # noqa: S608  # nosec B608
        return {reference for (reference,) in cursor.fetchall()}


def _new_ids(model: type[models.Model], n: int) -> list[int]:
    """n primary keys no row has or will be given, for rows written in this transaction."""
    if not n:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
            )
            return [pk for (pk,) in cursor.fetchall()]
        # SQLite: this transaction holds the write lock (transaction_mode IMMEDIATE, settings.py),
        # and AUTOINCREMENT never gives an id twice, so start past both the counter and the rows.
        sql = "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), COALESCE(({}), 0))"
        highest = f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}"  # noqa: S608  # nosec B608
        cursor.execute(sql.format(highest), [table])
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + n))


def _copy(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    if not rows:
        return
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    values = operator.attrgetter(*(f.attname for f in fields))  # one call per row, a tuple in field order
    json_at = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    # Django wraps a cursor's execute but not its copy: without this, a clash in a COPY would be
    # psycopg's own error, and submissions_store_many's retry on IntegrityError would never see it.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            record = list(values(row))
            for i in json_at:
                record[i] = json.dumps(record[i])
            copy.write_row(record)
