"""Seeding many rows: built by the services' builders, stored by COPY or bulk INSERTs from several
processes, with the tallies and each submission's latest decision exact (screening/management/seeding.py)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection
from django.db.models import Max
from django.utils import timezone

from screening import duplicates, services
from screening.clinical import rules
from screening.management import seeding
from screening.models import Decision, Submission, SubmissionTally, is_override
from tests.support.answers import make_answers
from tests.support.factories import SubmissionFactory


def stored_tallies() -> dict[tuple[str, bool], int]:
    return {(t.outcome, t.decided): t.count for t in SubmissionTally.objects.all() if t.count}


def counted_afresh() -> dict[tuple[str, bool], int]:
    rows = Submission.objects.values_list("outcome", "latest_decision")
    return dict(Counter((outcome, latest is not None) for outcome, latest in rows))


@pytest.fixture
def decider(transactional_db: None) -> User:
    # Not the conftest therapist: a transactional test empties the tables, the migrations' group too.
    return User.objects.create_user("thea")


@pytest.mark.django_db(transaction=True)  # the two processes commit in their own connections
def test_two_processes_seed_with_exact_tallies_and_latest_decisions(decider: User) -> None:
    SubmissionFactory.create_batch(2)  # rows already there keep their count
    plan = seeding.Plan(rows=1300, seed=16, therapist=decider, batch_size=200)
    assert seeding.seed(plan, processes=2) == 1300
    assert Submission.objects.count() == 1302
    assert stored_tallies() == counted_afresh()
    assert Submission.objects.values("reference").distinct().count() == 1302
    # Each decided submission's latest decision is its own newest one, and no decision is orphaned.
    newest = dict(Decision.objects.values_list("submission").annotate(m=Max("created_at")))
    decided = Submission.objects.filter(latest_decision__isnull=False).select_related("latest_decision")
    assert decided.count() == len(newest)
    for s in decided:
        assert s.latest_decision.submission_id == s.pk
        assert s.latest_decision.created_at == newest[s.pk]
        assert s.latest_decision.automated_outcome == s.outcome
    # A clinic's share: most decided, a few overrides, each with its note.
    assert 0.6 < decided.count() / 1300 < 0.95
    overrides = [d for d in Decision.objects.all() if is_override(d.choice, d.automated_outcome)]
    assert overrides and all(d.note for d in overrides)
    assert Decision.objects.filter(choice="call_patient").exists()
    # The outcome is the rules' own, from the answers as stored.
    for s in Submission.objects.order_by("?")[:50]:
        again = rules.assess(s.answers, today=s.created_on, config=services.rules_config())
        assert (s.outcome, s.reason_codes) == (again.outcome.value, list(again.reason_codes))


@pytest.mark.django_db(transaction=True)
def test_the_rows_depend_on_the_seed_not_on_the_process_count(decider: User) -> None:
    def stored() -> list[tuple[object, ...]]:
        fields = ("created_at", "first_name", "last_name", "phone", "outcome", "latest_decision__choice")
        return sorted(Submission.objects.values_list(*fields))

    plan = seeding.Plan(rows=450, seed=3, therapist=decider, batch_size=100, now=timezone.now())
    seeding.seed(plan, processes=1)
    one = stored()
    Submission.objects.all().delete()  # their decisions go with them
    seeding.seed(plan, processes=2)
    assert stored() == one


@pytest.mark.django_db
def test_without_a_therapist_nothing_is_decided() -> None:
    assert seeding.seed(seeding.Plan(rows=120, batch_size=50)) == 120
    assert not Decision.objects.exists()
    assert stored_tallies() == counted_afresh() == {k: v for k, v in counted_afresh().items() if not k[1]}


@pytest.mark.django_db
def test_a_reference_already_stored_is_drawn_again() -> None:
    stored = SubmissionFactory()
    contact = services.Contact("Ana", "Lopez", "(555) 010-1234")
    twin = services.submission_build(answers=make_answers(), contact=contact)
    twin.reference = stored.reference
    assert services.submissions_store_many([twin]) == 1
    assert twin.reference != stored.reference
    assert Submission.objects.get(pk=twin.pk).reference == twin.reference
    assert stored_tallies() == counted_afresh()


def schema() -> list[tuple[str, ...]]:
    """Every index and constraint of the app's tables, as PostgreSQL's catalogue defines them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'screening%%'"
            " UNION ALL SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE conrelid::regclass::text LIKE 'screening%%' ORDER BY 1, 2, 3"
        )
        return cursor.fetchall()


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the load without indexes is PostgreSQL's"
)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_makes_every_index_and_foreign_key_again(decider: User) -> None:
    before = schema()
    assert any("gin_trgm_ops" in row[2] for row in before)
    plan = seeding.Plan(rows=1300, seed=16, therapist=decider, batch_size=200)
    assert seeding.seed(plan, processes=2, bulk_load_from=1000) == 1300
    assert schema() == before
    assert stored_tallies() == counted_afresh()
    # Made again and checked: pg_get_constraintdef would say NOT VALID of a key added unchecked.
    assert not any("NOT VALID" in row[2] for row in schema())


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_that_fails_still_makes_them_again() -> None:
    before = schema()
    unsaved = User(username="nobody")  # its decisions have no therapist: NOT NULL fails the COPY
    plan = seeding.Plan(rows=300, seed=4, therapist=unsaved, batch_size=100)
    # As Django's IntegrityError (a COPY's error is wrapped), after submissions_store_many's retries.
    with pytest.raises(IntegrityError, match="therapist_id"):
        seeding.seed(plan, processes=1, bulk_load_from=0)
    assert schema() == before
    assert not Submission.objects.exists()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_table_with_rows_keeps_its_indexes_while_it_grows(decider: User) -> None:
    SubmissionFactory()
    before = schema()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'screening_submission'")
        (count,) = cursor.fetchone()
    seeding.seed(seeding.Plan(rows=200, therapist=decider, batch_size=100), processes=1, bulk_load_from=0)
    assert schema() == before and count > 10


@pytest.mark.django_db
def test_a_few_patients_send_again_and_the_rest_have_a_phone_of_their_own() -> None:
    seeding.seed(seeding.Plan(rows=2000, seed=5, batch_size=500))
    phones = list(Submission.objects.values_list("match_phone", flat=True))
    assert 15 < len(phones) - len(set(phones)) < 70  # about 2 % sent again
    newest = list(Submission.objects.order_by("-created_at")[:300])
    assert any(duplicates.matches_for(newest).values())


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_statement_that_fails_while_remaking_them_does_not_stop_the_others() -> None:
    failed = seeding._ddl_run(
        [
            "CREATE INDEX seeding_test_bad ON no_such_table (id)",
            "CREATE INDEX seeding_test_phone ON screening_submission (phone)",
        ]
    )
    assert len(failed) == 1 and "no_such_table" in failed[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'seeding_test_phone'")
        assert cursor.fetchone() == (1,)
        cursor.execute("DROP INDEX seeding_test_phone")
