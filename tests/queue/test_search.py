"""The queue's name search: the same matches on SQLite and PostgreSQL (CI runs this on both), folded
for case and accents, and on PostgreSQL served by the trigram index."""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from screening import queue, services
from screening.models import Submission
from screening.queue import DecisionStatus, ReviewFilter, fold, search_name
from tests.support.answers import make_answers

pytestmark = pytest.mark.django_db

PATIENTS = [
    ("José", "Núñez"),
    ("Jose", "Smith"),
    ("JOSÉ LUIS", "García-Márquez"),
    ("Zoë", "O'Brien"),
    ("Anna", "Straße"),
    ("Mary Ann", "Lopez"),
    ("Ana", "Reyes"),
]

# (search, the patients it must find, by first and last name)
CASES = [
    ("jose", {("José", "Núñez"), ("Jose", "Smith"), ("JOSÉ LUIS", "García-Márquez")}),
    ("JOSÉ", {("José", "Núñez"), ("Jose", "Smith"), ("JOSÉ LUIS", "García-Márquez")}),
    ("José", {("José", "Núñez"), ("Jose", "Smith"), ("JOSÉ LUIS", "García-Márquez")}),
    ("nunez", {("José", "Núñez")}),
    ("NÚÑEZ", {("José", "Núñez")}),
    ("marquez", {("JOSÉ LUIS", "García-Márquez")}),
    ("garcía-már", {("JOSÉ LUIS", "García-Márquez")}),
    ("zoe", {("Zoë", "O'Brien")}),
    ("o'brien", {("Zoë", "O'Brien")}),
    ("strasse", {("Anna", "Straße")}),
    ("straße", {("Anna", "Straße")}),
    # Part of a name, anywhere in it; every word must match, first or last name.
    ("ann", {("Anna", "Straße"), ("Mary Ann", "Lopez")}),
    ("ann lop", {("Mary Ann", "Lopez")}),
    ("ana reyes", {("Ana", "Reyes")}),
    ("jose smith", {("Jose", "Smith")}),
    # A word never matches across the first and last name.
    ("anareyes", set()),
    ("nopatient", set()),
    # LIKE's wildcards are searched for, not obeyed.
    ("%", set()),
    ("_", set()),
]


@pytest.fixture
def patients(db: None) -> dict[tuple[str, str], Submission]:
    # Through the service, as a real submit stores them.
    return {
        (first, last): services.submission_create(
            answers=make_answers(), contact=services.Contact(first, last, phone="555 010 0000")
        )
        for first, last in PATIENTS
    }


def _found(search: str) -> set[tuple[str, str]]:
    rows = Submission.objects.filtered(ReviewFilter(status=DecisionStatus.ALL, search=search))
    return set(rows.values_list("first_name", "last_name"))


@pytest.mark.parametrize(("search", "expected"), CASES, ids=[case[0] or "blank" for case in CASES])
def test_a_name_search_finds_the_same_patients_on_either_database(
    patients: dict[tuple[str, str], Submission], search: str, expected: set[tuple[str, str]]
) -> None:
    assert _found(search) == expected


def test_the_stored_search_name_is_both_names_folded(patients: dict[tuple[str, str], Submission]) -> None:
    stored = dict(Submission.objects.values_list("last_name", "search_name"))
    assert stored["García-Márquez"] == "jose luis garcia-marquez"
    assert stored["Straße"] == "anna strasse"
    assert stored["Lopez"] == "mary ann lopez"


@given(st.text(max_size=30), st.text(max_size=30))
def test_folding_ignores_case_and_accents_and_never_crosses_the_names(first: str, last: str) -> None:
    folded = search_name(first, last)
    assert folded == fold(folded)
    assert folded == search_name(first.upper(), last.upper()) or not (first + last).isascii()
    assert "  " not in folded and folded == folded.strip()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index exists on PostgreSQL only")
def test_a_name_search_uses_the_trigram_index_on_postgresql(
    patients: dict[tuple[str, str], Submission],
) -> None:
    rows = Submission.objects.filtered(ReviewFilter(status=DecisionStatus.ALL, search="nunez"))
    with connection.cursor() as cursor:
        # Seven rows are cheaper to read than any index; say "as if the table were large".
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = rows.explain()
    assert "submission_search_name_trgm" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_a_name_search_on_postgresql_reads_an_index_without_a_self_join(
    patients: dict[tuple[str, str], Submission],
) -> None:
    # Which index serves a common name depends on the statistics (the trigram index, or a queue
    # index that holds the folded name); what must never come back is the join of a table scan.
    rows = Submission.objects.filtered(ReviewFilter(status=DecisionStatus.ALL, search="reyes"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = rows.values_list("outcome").explain()
    assert "Join" not in plan  # the SQLite-only subquery joined a scan of the whole table
    assert "Seq Scan" not in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
@pytest.mark.parametrize(
    ("status", "index"),
    [(DecisionStatus.UNDECIDED, "submission_undecided_newest"), (DecisionStatus.ALL, "submission_newest")],
)
@pytest.mark.parametrize("search", ["reyes", "Ana Reyes"])  # "anareyes" could be a reference: none is stored
def test_a_search_pages_ids_come_from_an_index_alone_on_postgresql(
    patients: dict[tuple[str, str], Submission], status: str, index: str, search: str
) -> None:
    # The search's ids: the folded name is read in the index, not the rows.
    ids = Submission.objects.for_queue(ReviewFilter(status=status, search=search)).values_list(
        "pk", flat=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        plan = ids[: queue.SEARCH_COUNT_CAP + 1].explain()  # as queue.searched_page asks
    assert f"Index Only Scan using {index}" in plan or f"Index Only Scan Backward using {index}" in plan, plan
    assert "reference" not in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the plan is SQLite's")
@pytest.mark.parametrize(
    ("status", "index"),
    [(DecisionStatus.UNDECIDED, "submission_undecided_newest"), (DecisionStatus.ALL, "submission_newest")],
)
def test_a_search_pages_ids_are_read_through_the_queues_index_on_sqlite(
    patients: dict[tuple[str, str], Submission], status: str, index: str
) -> None:
    # Newest first through the queue's own index, stopping at a page: 2-3 ms for "reyes" among
    # 100,000, where a scan of a names-only index in a subquery took 49-77 ms (docs/performance.md).
    # With every status, the index covers the query: the name is checked in the index itself.
    f = ReviewFilter(status=status, search="reyes")
    plan = Submission.objects.for_queue(f).values_list("pk", flat=True)[:25].explain()
    assert f"INDEX {index}" in plan, plan
    assert status != DecisionStatus.ALL or f"USING COVERING INDEX {index}" in plan, plan
