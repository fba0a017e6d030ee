"""Possible duplicates: which submissions match (last name and birth date, phone, e-mail, within 90
days either way), the stored keys, the one query a page costs, and on PostgreSQL the indexes it uses."""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from screening import duplicates, services
from screening.models import DecisionChoice, Submission
from tests.support.answers import make_answers
from tests.support.factories import SubmissionFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def sent(days_ago: float = 0, **fields: Any) -> Submission:
    """A submission through the services, with its own phone and no e-mail unless given."""
    dob = fields.pop("dob", "1980-06-15")
    return SubmissionFactory(
        created_at=NOW - timedelta(days=days_ago), answers=make_answers(date_of_birth=dob), **fields
    )


def matched(submission: Submission) -> set[str]:
    return {m.reference for m in duplicates.matches_for([submission])[submission.pk]}


def test_the_same_last_name_and_birth_date_match() -> None:
    first = sent(10, first_name="Rosa", last_name="Reyes")
    second = sent(0, first_name="Rosalía", last_name="Reyes")
    assert matched(second) == {first.reference}
    assert matched(first) == {second.reference}
    assert duplicates.matches_for([second])[second.pk][0].keys == ("match_name_dob",)


def test_a_last_name_alone_or_a_birth_date_alone_does_not_match() -> None:
    first = sent(1, last_name="Reyes", dob="1980-06-15")
    sent(0, last_name="Reyes", dob="1981-06-15")
    sent(0, last_name="Lopez", dob="1980-06-15")
    assert matched(first) == set()


def test_names_are_folded_for_accents_case_spaces_and_hyphens() -> None:
    first = sent(3, last_name="García-Márquez")
    second = sent(0, last_name="GARCIA MARQUEZ")
    third = sent(0, last_name="garcíamárquez")
    assert matched(first) == {second.reference, third.reference}
    assert first.match_name_dob == "garciamarquez|1980-06-15"


def test_the_same_phone_matches_whatever_its_punctuation() -> None:
    first = sent(5, last_name="Reyes", phone="(555) 010-1234")
    second = sent(0, last_name="Ibarra", phone="555.010.1234")
    assert matched(second) == {first.reference}
    assert second.match_phone == "5550101234"


def test_the_same_email_matches_whatever_its_case() -> None:
    first = sent(5, last_name="Reyes", email="Rosa.Reyes@Example.com")
    second = sent(0, last_name="Ibarra", email="rosa.reyes@example.COM ")
    assert matched(second) == {first.reference}
    assert first.match_email == "rosa.reyes@example.com"


def test_blank_keys_never_match() -> None:
    first = services.submission_create(
        answers=make_answers(), contact=services.Contact("Ana", "Lopez", phone="", email="a@example.com")
    )
    second = services.submission_create(
        answers=make_answers(date_of_birth="1990-01-01"),
        contact=services.Contact("Ben", "Chen", phone="", email="b@example.com"),
    )
    short = sent(0, last_name="Wong", phone="12-34")  # too few digits to be anyone's phone
    other_short = sent(0, last_name="Diaz", phone="1234")
    assert first.match_phone == "" == short.match_phone
    assert matched(first) == set() and matched(second) == set()
    assert matched(other_short) == set()


@pytest.mark.parametrize(("days_apart", "match"), [(89.9, True), (90, True), (90.01, False), (200, False)])
def test_the_window_is_90_days_on_either_side(days_apart: float, match: bool) -> None:
    middle = sent(100, last_name="Reyes")
    earlier = sent(100 + days_apart, last_name="Reyes")
    later = sent(100 - days_apart, last_name="Reyes")
    expected = {earlier.reference, later.reference} if match else set()
    assert matched(middle) == expected


def test_a_submission_never_matches_itself() -> None:
    alone = sent(0, last_name="Reyes", email="rosa@example.com")
    assert matched(alone) == set()


def test_matches_are_nearest_first_and_name_every_shared_key() -> None:
    rosa = sent(0, last_name="Reyes", phone="(555) 010-1234", email="rosa@example.com")
    far = sent(60, last_name="Reyes")
    near = sent(2, last_name="Ibarra", phone="5550101234", email="ROSA@example.com")
    found = duplicates.matches_for([rosa])[rosa.pk]
    assert [m.reference for m in found] == [near.reference, far.reference]
    assert found[0].keys == ("match_phone", "match_email")
    assert found[0].shared == ["phone", "e-mail"]


def test_the_decision_choice_is_the_one_duplicates_uses() -> None:
    assert DecisionChoice.DUPLICATE == duplicates.DUPLICATE == "duplicate"


@pytest.mark.parametrize("rows", [3, 40])
def test_a_page_of_rows_costs_one_query(rows: int, django_assert_num_queries: Any) -> None:
    page = [sent(i, last_name=f"Patient{i % 7}", email="family@example.com") for i in range(rows)]
    with django_assert_num_queries(1):
        found = duplicates.matches_for(page)
    assert all(m.pk != s.pk for s in page for m in found[s.pk])
    assert all(found[s.pk] for s in page)  # each shares an e-mail with another


def test_the_migration_fills_the_keys_of_stored_rows() -> None:
    rosa = sent(0, last_name="Núñez", phone="(555) 010-1234", email="Rosa@Example.com")
    Submission.objects.update(match_name_dob="", match_phone="", match_email="")
    migration = importlib.import_module("screening.migrations.0012_duplicates_and_decision_duplicate_of")
    migration.fill_match_keys(apps, None)
    rosa.refresh_from_db()
    assert (rosa.match_name_dob, rosa.match_phone, rosa.match_email) == (
        "nunez|1980-06-15",
        "5550101234",
        "rosa@example.com",
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_duplicate_query_uses_the_key_indexes_on_postgresql() -> None:
    # A clinic's two years: a few submissions per name, phone and e-mail, hundreds per 90 days.
    services.submissions_bulk_create(
        services.submission_build(
            answers=make_answers(date_of_birth=f"19{50 + i % 40}-0{1 + i % 9}-1{i % 10}"),
            contact=services.Contact(
                "Ana", f"Patient{i}", phone=f"(555) 01{i % 10}-{i:04d}", email=f"p{i}@example.com"
            ),
            created_at=NOW - timedelta(hours=7 * i),
        )
        for i in range(3000)
    )
    rows = list(Submission.objects.order_by("-created_at")[:25])
    capture = _Capture()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE screening_submission")
        with connection.execute_wrapper(capture):
            duplicates.matches_for(rows)
        cursor.execute("EXPLAIN " + capture.sql, capture.params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in ("submission_match_name_dob", "submission_match_phone", "submission_match_email"):
        assert index in plan, plan
    assert "Seq Scan on screening_submission" not in plan, plan


class _Capture:
    sql = ""
    params: Any = ()

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.sql, self.params = sql, params
        return execute(sql, params, many, context)
