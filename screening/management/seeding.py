"""Synthetic submissions and decisions, many at once: `seed_demo`, `make bench` and the tests seed here.

Every row is built by the services' own builders (services.submission_build, with the rules'
configuration read once; services.decision_build) and stored by services.submissions_store_many:
COPY on PostgreSQL, multi-row INSERTs on SQLite, the tallies counted in the same transaction.
Batches are numbered and each has its own random generator, so the data depend on the seed and
the row count, not on how many processes build them. Several processes each build and store
every n-th batch (the build is pure Python, so one process keeps one core busy); VACUUM ANALYZE
(ANALYZE on SQLite) runs once at the end, so the planner knows the table's new size.

A large seed into empty tables on PostgreSQL loads as the PostgreSQL manual's "Populating a
Database" advises: the two tables' secondary indexes and foreign keys are dropped first and made
again at the end, from their own definitions as the catalogue held them; making a foreign key
again checks every row at once. Fifteen indexes on the submissions alone, kept up row by row, and
a foreign-key check per row, cost more than the rows' own COPY.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from screening import services
from screening.clinical import questions, rules
from screening.models import Decision, DecisionChoice, Submission, is_override

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

BATCH_SIZE = 5000
# The share of submissions that are a patient's second, sent again within two weeks.
RESENT = 0.02
# From this many rows into empty tables, PostgreSQL's indexes and foreign keys are made after the load.
BULK_LOAD_ROWS = 50_000

FIRST_NAMES = (
    "Ana",
    "Ben",
    "Carmen",
    "David",
    "Elena",
    "Frank",
    "Grace",
    "Hugo",
    "Iris",
    "José",
    "Kim",
    "Luis",
    "Maya",
    "Noah",
    "Olga",
    "Pedro",
    "Rosa",
    "Sam",
    "Tomás",
    "Vera",
)
LAST_NAMES = (
    "Alvarez",
    "Brown",
    "Chen",
    "Diaz",
    "Evans",
    "Garcia",
    "Hughes",
    "Ito",
    "Jones",
    "Kowalski",
    "Lopez",
    "Martin",
    "Nguyen",
    "Ortiz",
    "Patel",
    "Quinn",
    "Reyes",
    "Smith",
    "Torres",
    "Wong",
)

# The answers of a patient with nothing to flag, for the single-choice questions not answered "no".
CALM_ANSWERS = {
    "condition": ("tendonitis", "tendonitis", "bursitis", "arthritis", "calcium_deposit"),
    "body_area": ("shoulder", "elbow", "elbow", "wrist_hand", "knee", "ankle_foot", "ankle_foot"),
    "depth": ("just_under_skin",),
    "prescribed_medication": ("dexamethasone", "dexamethasone", "lidocaine", "acetic_acid", "dont_know"),
    "electrical_therapy_reaction": ("no", "never_had"),
    "can_attend_sessions": ("yes",),
}

# How a therapist decides each automated outcome: (choice, weight). A decision against the outcome
# (an override) always comes with a note, as the form and the database require.
CHOICES = {
    rules.Outcome.LIKELY_SUITABLE.value: (
        (DecisionChoice.SUITABLE, 90),
        (DecisionChoice.CALL_PATIENT, 6),
        (DecisionChoice.NOT_SUITABLE, 4),
    ),
    rules.Outcome.NEEDS_REVIEW.value: (
        (DecisionChoice.SUITABLE, 60),
        (DecisionChoice.NOT_SUITABLE, 30),
        (DecisionChoice.CALL_PATIENT, 10),
    ),
    rules.Outcome.NOT_SUITABLE.value: (
        (DecisionChoice.NOT_SUITABLE, 94),
        (DecisionChoice.SUITABLE, 3),
        (DecisionChoice.CALL_PATIENT, 3),
    ),
}
OVERRIDE_NOTES = (
    "Spoke with the patient: the implant was removed last year, confirmed by the surgeon's letter.",
    "Checked with the prescriber: the allergy was to a different drug.",
    "Seen in clinic: the skin at the site is intact, so the flagged answer no longer applies.",
    "The patient cannot attend three weeks of sessions; offered another treatment instead.",
)
NOTES = (
    "Booked for next week.",
    "Left a voicemail with the booking times.",
    "Prefers morning sessions.",
    "Asked to bring the prescription to the first session.",
)
CALL_NOTES = ("Called to check the medication list.", "Called about the skin at the site.")


@dataclass(frozen=True)
class Plan:
    """What to seed: `rows` submissions over the last `days` days, from `seed`; with `decisions`,
    most older ones decided by `therapist` (see _decisions_for)."""

    rows: int
    seed: int = 2026
    days: int = 365
    now: datetime | None = None
    therapist: AbstractBaseUser | None = None
    batch_size: int = BATCH_SIZE

    @property
    def batches(self) -> int:
        return -(-self.rows // self.batch_size)


# Each question's answer codes, and a multi-select's flags, worked out once rather than for every row.
_CODES = {q.code: [o.code for o in q.options] for q in questions.QUESTIONS}
_FLAGS = {code: [c for c in codes if c not in questions.EXCLUSIVE_OPTIONS] for code, codes in _CODES.items()}


def synthetic_answers(rng: random.Random, today: date) -> dict[str, object]:
    """Mostly ordinary answers with the occasional flag, like a real clinic's week."""
    answers: dict[str, object] = {}
    for q in questions.QUESTIONS:
        codes = _CODES[q.code]
        if q.kind is questions.Kind.DATE:
            years = (
                rng.choice((rng.randint(14, 17), rng.randint(86, 95)))
                if rng.random() < 0.06
                else rng.randint(19, 84)
            )
            answers[q.code] = (today - timedelta(days=years * 365 + rng.randint(0, 364))).isoformat()
        elif q.kind is questions.Kind.MULTI:
            roll = rng.random()
            answers[q.code] = (
                ["none"] if roll < 0.95 else ["unsure"] if roll < 0.96 else [rng.choice(_FLAGS[q.code])]
            )
        else:
            calm = CALM_ANSWERS.get(q.code, ("no",))
            answers[q.code] = rng.choice(calm) if rng.random() < 0.97 else rng.choice(codes)
    return answers


def seed(plan: Plan, *, processes: int = 1, bulk_load_from: int = BULK_LOAD_ROWS) -> int:
    """Builds and stores plan.rows submissions (and decisions) in `processes` processes; returns the count.

    With one process it runs in the caller's connection and transaction (as the tests do). With
    more, each forked process opens its own connection and commits batch by batch. From
    `bulk_load_from` rows into empty tables on PostgreSQL, outside a transaction, the indexes and
    foreign keys are made after the rows (see the module's note).
    """
    if plan.now is None:
        plan = dataclasses.replace(plan, now=timezone.now())
    processes = max(1, min(processes, plan.batches))
    with _indexes_after(enabled=plan.rows >= bulk_load_from):
        if processes == 1:
            count = sum(_seed_batches(plan, 0, 1))
        else:
            connections.close_all()  # a forked process must open its own connection, never share one
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                counts = pool.starmap(
                    _seed_batches_in_process, [(plan, k, processes) for k in range(processes)]
                )
            count = sum(sum(c) for c in counts)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum does to a table that grew over a year: the statistics, and the
            # visibility map without which an index-only scan reads every row's page as well.
            # Not bound by the requests' statement timeout (settings.py): a million rows take longer.
            cursor.execute("SET statement_timeout = 0")
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    return count


_TABLES = [Submission._meta.db_table, Decision._meta.db_table]
# The tables' indexes that no constraint owns (a unique constraint's index stays: the load checks
# references against it), and the foreign keys the two tables hold; dropped and made again by name.
_SECONDARY_INDEXES = """
    SELECT format('%%I.%%I', i.schemaname, i.indexname), i.indexdef FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) AND NOT EXISTS (
        SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%%I.%%I', i.schemaname, i.indexname)::regclass)
    ORDER BY i.indexname"""
_FOREIGN_KEYS = """
    SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid) FROM pg_constraint c
    WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[]) ORDER BY c.conname"""


@contextmanager
def _indexes_after(*, enabled: bool) -> Iterator[None]:
    """On PostgreSQL, outside a transaction, with both tables empty: the load runs without the
    tables' secondary indexes and foreign keys, which are made again afterwards, whatever happens
    in between. Elsewhere, it does nothing."""
    if not (
        enabled
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and not Submission.objects.exists()
        and not Decision.objects.exists()
    ):
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(_SECONDARY_INDEXES, [_TABLES])
        indexes = cursor.fetchall()
        cursor.execute(_FOREIGN_KEYS, [_TABLES])
        foreign_keys = cursor.fetchall()
        with transaction.atomic():
            for table, name, _definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")  # nosec B608 -- catalogue names
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")  # nosec B608 -- a catalogue name, quoted by format()
    try:
        yield
    finally:
        connections.close_all()  # the pool's processes closed theirs; this one may have gone stale
        # Two connections, each making every other index: a build keeps one core busy. Each
        # statement runs whatever became of the others, and the foreign keys come after in any case.
        with ThreadPoolExecutor(2) as pool:
            failed = [
                e
                for errors in pool.map(_ddl_run, [[d for _n, d in indexes[k::2]] for k in range(2)])
                for e in errors
            ]
        failed += _ddl_run(
            [
                f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"
                for table, name, definition in foreign_keys
            ]  # nosec B608 -- catalogue names
        )
        if failed:
            raise RuntimeError(
                f"{len(failed)} of the seeded tables' indexes and foreign keys were not made again: {failed}"
            )


def _ddl_run(statements: list[str]) -> list[str]:
    """Runs each statement in this thread's own connection, then closes it; returns those that failed,
    with their errors. Neither the requests' statement timeout nor their lock timeout applies
    (settings.py): a million rows take longer, and a foreign key waits for the users table's lock."""
    failed = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
            cursor.execute("SET lock_timeout = 0")
            cursor.execute("SET maintenance_work_mem = '256MB'")  # to sort a million keys in memory
            for statement in statements:
                try:
                    cursor.execute(statement)
                except DatabaseError as error:
                    failed.append(f"{statement} ({error})")
    finally:
        connection.close()
    return failed


def _seed_batches_in_process(plan: Plan, first: int, step: int) -> list[int]:
    try:
        return _seed_batches(plan, first, step)
    finally:
        connections.close_all()


def _seed_batches(plan: Plan, first: int, step: int) -> list[int]:
    config = services.rules_config()  # once per process, not once per row
    stored = []
    # A batch is ten thousand new objects that all live until it is stored: the collector's
    # passes over them while they are made find nothing to free (about a tenth of the build's time).
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0] * 100, *thresholds[1:])
    try:
        for number in range(first, plan.batches, step):
            submissions, decisions = _batch(plan, number, config)
            stored.append(services.submissions_store_many(submissions, decisions))
    finally:
        gc.set_threshold(*thresholds)
    return stored


def _batch(plan: Plan, number: int, config: rules.RulesConfig) -> tuple[list[Submission], list[Decision]]:
    """Batch `number` of the plan: its submissions, and their decisions oldest first."""
    rng = random.Random(f"{plan.seed}:{number}")  # noqa: S311 -- synthetic data, not security  # nosec B311
    if plan.now is None:  # seed() sets it
        raise ValueError("the plan has no time to seed around")
    size = min(plan.batch_size, plan.rows - number * plan.batch_size)
    submissions: list[Submission] = []
    decisions: list[Decision] = []
    span = plan.days * 86400
    zone = timezone.get_current_timezone()  # timezone.localdate() looks it up on every call
    for _ in range(size):
        created_at = plan.now - timedelta(seconds=rng.randint(0, span))
        answers = synthetic_answers(rng, created_at.astimezone(zone).date())
        if submissions and rng.random() < RESENT:
            # The same patient again, a few hours or days later: the queue's possible duplicates.
            earlier = submissions[-1]
            created_at = min(earlier.created_at + timedelta(minutes=rng.randint(30, 14 * 24 * 60)), plan.now)
            answers["date_of_birth"] = earlier.answers["date_of_birth"]
            contact = services.Contact(earlier.first_name, earlier.last_name, earlier.phone, earlier.email)
        else:
            contact = _contact(rng)
        language = "es" if rng.random() < 0.3 else "en"
        submission = services.submission_build(
            answers=answers, contact=contact, language=language, created_at=created_at, config=config
        )
        submissions.append(submission)
        if plan.therapist is not None:
            decisions += _decisions_for(rng, submission, plan.therapist, plan.now)
    return submissions, decisions


def _contact(rng: random.Random) -> services.Contact:
    """A new patient: a common name, and a phone and e-mail of their own, as in a real clinic (names
    repeat across a million patients; phones and e-mail addresses hardly ever do). Area code 555
    is no real one, and example.com no real domain."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return services.Contact(
        first_name=first,
        last_name=last,
        phone=f"(555) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}",
        email=f"{first.lower()}.{last.lower()}.{rng.randint(1, 999_999)}@example.com"
        if rng.random() < 0.5
        else "",
    )


def _decisions_for(
    rng: random.Random, submission: Submission, therapist: AbstractBaseUser, now: datetime
) -> list[Decision]:
    """A clinic's share: nine in ten decided after two weeks, six in ten after two days, a few
    of today's; one in eight called the patient first; one in five notes a routine remark."""
    age_days = (now - submission.created_at).total_seconds() / 86400
    share = 0.92 if age_days > 14 else 0.6 if age_days > 2 else 0.15
    if rng.random() >= share:
        return []
    when = min(submission.created_at + timedelta(minutes=rng.randint(20, 3 * 24 * 60)), now)
    made = []
    if rng.random() < 0.12:
        made.append(
            services.decision_build(
                submission=submission,
                therapist=therapist,
                choice=DecisionChoice.CALL_PATIENT,
                note=rng.choice(CALL_NOTES),
                created_at=when,
            )
        )
        when = min(when + timedelta(hours=rng.randint(1, 48)), now)
    options = CHOICES[submission.outcome]
    choice = rng.choices([c for c, _ in options], weights=[w for _, w in options])[0]
    if is_override(choice, submission.outcome):
        note = rng.choice(OVERRIDE_NOTES)
    else:
        note = rng.choice(NOTES) if rng.random() < 0.2 else ""
    made.append(
        services.decision_build(
            submission=submission, therapist=therapist, choice=choice, note=note, created_at=when
        )
    )
    return made
