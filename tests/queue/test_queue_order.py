"""The queue's order (kept in the session with the filter), the waiting time in words, overdue rows,
the possible-duplicate marks, and a query count that does not grow with the page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from screening.models import Submission
from screening.queue import DecisionStatus, QueueSort, ReviewFilter
from screening.queue_rows import waiting_words
from tests.support.answers import make_answers
from tests.support.factories import SubmissionFactory
from tests.support.review import decide, detail_url

pytestmark = pytest.mark.django_db

QUEUE = reverse("screening:review-queue")


def rows(client: Client) -> list[Submission]:
    return [row.submission for row in client.get(QUEUE).context["rows"]]


@pytest.fixture
def three(db: None) -> dict[str, Submission]:
    now = timezone.now()
    return {
        "old_clear": SubmissionFactory(last_name="Old", created_at=now - timedelta(days=3)),
        "new_implant": SubmissionFactory(
            last_name="New",
            created_at=now - timedelta(hours=1),
            answers=make_answers(has_implanted_electronic_device="yes"),
        ),
        "mid_unsure": SubmissionFactory(
            last_name="Mid", created_at=now - timedelta(days=1), answers=make_answers(depth="unsure")
        ),
    }


def names(submissions: list[Submission]) -> list[str]:
    return [s.last_name for s in submissions]


def test_the_undecided_queue_shows_who_has_waited_longest_first(
    therapist_client: Client, three: dict[str, Submission]
) -> None:
    assert names(rows(therapist_client)) == ["Old", "Mid", "New"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("sent", ["New", "Mid", "Old"]), ("outcome", ["New", "Mid", "Old"]), ("waiting", ["Old", "Mid", "New"])],
)
def test_each_sort_orders_the_queue(
    therapist_client: Client, three: dict[str, Submission], sort: str, expected: list[str]
) -> None:
    # By outcome: likely not suitable, then needs review, then likely suitable.
    response = therapist_client.post(QUEUE, {"sort": sort})
    assert response.status_code == 302 and response["Location"] == QUEUE  # never in the address
    assert names(rows(therapist_client)) == expected


def test_outcome_sort_keeps_the_longest_wait_first_within_an_outcome(therapist_client: Client) -> None:
    now = timezone.now()
    for last, hours in (("B", 5), ("A", 50), ("C", 1)):
        SubmissionFactory(last_name=last, created_at=now - timedelta(hours=hours))
    therapist_client.post(QUEUE, {"sort": "outcome"})
    assert names(rows(therapist_client)) == ["A", "B", "C"]


def test_the_sort_stays_in_the_session_when_the_filter_changes_and_the_filter_when_the_sort_does(
    therapist_client: Client, therapist: User, three: dict[str, Submission]
) -> None:
    therapist_client.post(QUEUE, {"sort": "sent"})
    therapist_client.post(QUEUE, {"outcome": "", "status": "all", "search": "", "submitted_from": ""})
    assert therapist_client.session["review_filter"]["sort"] == "sent"
    assert names(rows(therapist_client)) == ["New", "Mid", "Old"]
    therapist_client.post(QUEUE, {"outcome": "needs_review", "status": "undecided"})
    therapist_client.post(QUEUE, {"sort": "waiting"})
    assert therapist_client.session["review_filter"]["outcome"] == "needs_review"
    assert names(rows(therapist_client)) == ["Mid"]
    # A fresh log-in starts from the default again.
    other = Client()
    other.force_login(therapist)
    assert names(rows(other)) == ["Old", "Mid", "New"]


def test_decided_and_all_default_to_the_newest_first(
    therapist_client: Client, three: dict[str, Submission]
) -> None:
    therapist_client.post(QUEUE, {"status": "all"})
    assert names(rows(therapist_client)) == ["New", "Mid", "Old"]
    assert ReviewFilter(status=DecisionStatus.DECIDED).effective_sort == QueueSort.SENT


def test_an_unknown_sort_is_refused_and_the_order_stays(
    therapist_client: Client, three: dict[str, Submission]
) -> None:
    response = therapist_client.post(QUEUE, {"sort": "name"})
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["sort"]] == ["invalid_choice"]
    assert "review_filter" not in therapist_client.session


def test_clearing_the_filter_clears_the_sort(therapist_client: Client, three: dict[str, Submission]) -> None:
    therapist_client.post(QUEUE, {"sort": "sent"})
    therapist_client.post(QUEUE, {"reset": "1"})
    assert names(rows(therapist_client)) == ["Old", "Mid", "New"]


def test_the_sort_select_shows_the_order_in_use(
    therapist_client: Client, three: dict[str, Submission]
) -> None:
    html = therapist_client.get(QUEUE).content.decode()
    assert re.search(r'<option value="waiting" selected>', html)
    therapist_client.post(QUEUE, {"sort": "outcome"})
    assert re.search(r'<option value="outcome" selected>', therapist_client.get(QUEUE).content.decode())


@pytest.mark.parametrize(
    ("waited", "english", "spanish"),
    [
        (timedelta(seconds=20), "1 minute", "1 minuto"),
        (timedelta(minutes=40), "40 minutes", "40 minutos"),
        (timedelta(hours=1, minutes=5), "1 hour", "1 hora"),
        (timedelta(hours=5, minutes=59), "5 hours", "5 horas"),
        (timedelta(hours=47), "47 hours", "47 horas"),
        (timedelta(days=2, hours=3), "2 days", "2 días"),
        (timedelta(days=31), "31 days", "31 días"),
    ],
)
def test_waiting_time_reads_as_words_in_both_languages(waited: timedelta, english: str, spanish: str) -> None:
    with translation.override("en"):
        assert waiting_words(waited) == english
    with translation.override("es"):
        assert waiting_words(waited) == spanish


def test_rows_past_the_target_are_marked_overdue_in_words(
    therapist_client: Client, settings: Any, therapist: User
) -> None:
    settings.REVIEW_TARGET_HOURS = 24
    now = timezone.now()
    SubmissionFactory(last_name="Late", created_at=now - timedelta(hours=25))
    SubmissionFactory(last_name="Fresh", created_at=now - timedelta(hours=23))
    decided = SubmissionFactory(last_name="Done", created_at=now - timedelta(days=9))
    decide(decided, therapist)
    therapist_client.post(QUEUE, {"status": "all"})
    response = therapist_client.get(QUEUE)
    by_name = {row.submission.last_name: row for row in response.context["rows"]}
    assert (by_name["Late"].waiting, by_name["Late"].overdue) == ("25 hours", True)
    assert (by_name["Fresh"].waiting, by_name["Fresh"].overdue) == ("23 hours", False)
    assert (by_name["Done"].waiting, by_name["Done"].overdue) == ("", False)  # decided: no longer waiting
    html = response.content.decode()
    late_row = re.search(r'<tr class="overdue">.*?</tr>', html, re.S).group(0)
    assert "Late" in late_row and "25 hours" in late_row and ">overdue<" in late_row
    assert html.count('<tr class="overdue">') == 1


def test_the_target_defaults_to_48_hours() -> None:
    from django.conf import settings

    assert settings.REVIEW_TARGET_HOURS == 48


def test_a_possible_duplicate_is_marked_with_a_link_to_the_other(therapist_client: Client) -> None:
    now = timezone.now()
    first = SubmissionFactory(first_name="Rosa", last_name="Reyes", created_at=now - timedelta(days=3))
    again = SubmissionFactory(first_name="Rosa", last_name="Reyes", created_at=now)
    SubmissionFactory(first_name="Ana", last_name="Lopez")
    response = therapist_client.get(QUEUE)
    marks = {row.submission.pk: [m.pk for m in row.duplicates] for row in response.context["rows"]}
    assert marks[first.pk] == [again.pk] and marks[again.pk] == [first.pk]
    html = response.content.decode()
    assert html.count('data-testid="possible-duplicate"') == 2
    assert f'<a href="{detail_url(first)}">Possible duplicate of {first.reference}</a>' in html
    assert "Reyes" not in detail_url(first)


def _page_of(n: int, therapist: User) -> None:
    # Every row a possible duplicate of two others, so the marks have work to do.
    now = timezone.now()
    for i in range(n):
        SubmissionFactory(last_name=f"Family{i // 3}", created_at=now - timedelta(hours=i))


@pytest.mark.parametrize("sort", ["waiting", "sent", "outcome"])
def test_the_queue_costs_the_same_queries_for_a_short_and_a_full_page(
    therapist_client: Client, therapist: User, django_assert_max_num_queries: Any, sort: str
) -> None:
    therapist_client.post(QUEUE, {"sort": sort})
    _page_of(3, therapist)
    # Session, user, two permission lookups, the tallies, the page's ids, its rows, their duplicates.
    with django_assert_max_num_queries(8) as few:
        small = therapist_client.get(QUEUE)
    _page_of(60, therapist)
    with django_assert_max_num_queries(8) as many:
        large = therapist_client.get(QUEUE)
    assert len(large.context["rows"]) == 25 > len(small.context["rows"])
    assert all(row.duplicates for row in large.context["rows"])
    assert len(many) == len(few)
