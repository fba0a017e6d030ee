"""The queue's outcome counts for a date range, exact in any time zone and summed from the day
tallies; the hours at a range's ends read from an index alone on PostgreSQL; a name search's
matches, up to the cap, from one query."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from screening.management import seeding
from screening.models import Submission, SubmissionDayTally
from screening.queue import DecisionStatus, ReviewFilter, sent_range
from tests.support.factories import SubmissionFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def counted_in_python(f: ReviewFilter) -> dict[str, int]:
    counts = Counter()
    for s in Submission.objects.all():
        decided = s.latest_decision_id is not None
        if (f.status == DecisionStatus.UNDECIDED and decided) or (
            f.status == DecisionStatus.DECIDED and not decided
        ):
            continue
        if (f.submitted_from and s.created_on < f.submitted_from) or (
            f.submitted_to and s.created_on > f.submitted_to
        ):
            continue
        counts[s.outcome] += 1
    return {o: counts[o] for o in ("likely_suitable", "needs_review", "not_suitable")}


@pytest.mark.parametrize("status", [DecisionStatus.UNDECIDED, DecisionStatus.DECIDED, DecisionStatus.ALL])
@pytest.mark.parametrize(
    ("days_from", "days_to", "outcome"),
    [(30, None, ""), (None, 60, ""), (90, 20, "not_suitable"), (400, 0, "needs_review"), (5, 5, "")],
)
# A range's whole UTC days are summed from the day tallies and the hours at its ends counted:
# exact in UTC, behind it and ahead of it, by whole, half and three-quarter hours.
@pytest.mark.parametrize("zone", ["UTC", "America/Chicago", "Asia/Kolkata", "Pacific/Chatham"])
def test_date_counts_are_exact_for_every_status_and_outcome(
    therapist: User,
    status: str,
    days_from: int | None,
    days_to: int | None,
    outcome: str,
    zone: str,
    settings,
) -> None:
    settings.TIME_ZONE = zone
    today = timezone.localdate()
    seeding.seed(seeding.Plan(rows=400, seed=12, days=120, therapist=therapist, batch_size=100))
    f = ReviewFilter(
        outcome=outcome,
        status=status,
        submitted_from=today - timedelta(days=days_from) if days_from is not None else None,
        submitted_to=today - timedelta(days=days_to) if days_to is not None else None,
    )
    expected = counted_in_python(f)
    assert Submission.objects.outcome_counts(f) == expected
    # One day, five days ago, may hold no undecided submission at all: the seed is relative to now.
    assert sum(expected.values()) > 0 or (days_from, days_to) == (5, 5)


def test_a_date_range_sums_its_whole_days_from_the_day_tallies(settings) -> None:
    settings.TIME_ZONE = "America/Chicago"
    today = timezone.localdate()
    for days_ago in (0, 10, 20):
        SubmissionFactory(created_at=timezone.now() - timedelta(days=days_ago))
    middle = timezone.now().astimezone(UTC).date() - timedelta(days=10)
    SubmissionDayTally.objects.filter(day=middle, outcome="likely_suitable").update(count=7)
    month = ReviewFilter(submitted_from=today - timedelta(days=30))
    with CaptureQueriesContext(connection) as queries:
        counts = Submission.objects.outcome_counts(month)
    assert counts["likely_suitable"] == 9  # read, not counted
    assert len(queries) == 2  # the whole days' tallies, and one count of the hours at the ends
    settings.TIME_ZONE = "UTC"
    with CaptureQueriesContext(connection) as queries:
        assert Submission.objects.outcome_counts(month)["likely_suitable"] == 9
    assert len(queries) == 1  # in UTC a range is whole days only


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_last_30_days_are_counted_from_an_index_alone_on_postgresql(therapist: User) -> None:
    seeding.seed(seeding.Plan(rows=300, seed=4, days=90, therapist=therapist))
    f = ReviewFilter(submitted_from=TODAY - timedelta(days=30))
    with connection.cursor() as cursor:
        # 300 rows are cheaper to read than any index; say "as if the table were large".
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        plan = Submission.objects.counted_between(f, [sent_range(f)]).explain()
    assert plan.count("Index Only Scan using submission_undecided_outcome") == 3, plan


def test_a_search_shows_up_to_the_cap_from_one_query_and_says_more_than(
    therapist_client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screening import queue

    monkeypatch.setattr(queue, "SEARCH_COUNT_CAP", 3)
    monkeypatch.setattr(queue, "QUEUE_PAGE_SIZE", 2)
    for n in range(5):
        SubmissionFactory(last_name="Quist", phone=f"555 010 {n:04}")
    SubmissionFactory(last_name="Other")
    rows = Submission.objects.for_queue(ReviewFilter(search="quist"))
    with CaptureQueriesContext(connection) as queries:
        page, capped = queue.searched_page(rows, 2)
    assert capped
    assert (page.paginator.count, page.paginator.num_pages, len(page.object_list)) == (3, 2, 1)
    assert len(queries) == 2  # the ids (up to the cap and one more), then the page's rows by id

    therapist_client.post("/review/", {"outcome": "", "status": "all", "search": "quist"})
    page_html = therapist_client.get("/review/").content.decode()
    assert "More than 3 submissions match this search" in page_html
    assert "The first 3 are shown." in page_html
    assert 'data-testid="tallies"' not in page_html  # no counts by outcome for a search
    therapist_client.post("/review/", {"outcome": "", "status": "all", "search": "other"})
    page_html = therapist_client.get("/review/").content.decode()
    assert "1 submission matches this filter." in page_html


@pytest.mark.parametrize(
    ("page_asked", "shown"),
    # Not a number gives the first page; out of range, either way, the last (Paginator.get_page).
    [(None, 1), ("abc", 1), ("2", 2), ("99", 2), ("-1", 2)],
)
def test_a_search_page_is_always_a_page(
    monkeypatch: pytest.MonkeyPatch, page_asked: str | None, shown: int
) -> None:
    from screening import queue

    monkeypatch.setattr(queue, "QUEUE_PAGE_SIZE", 2)
    for n in range(3):
        SubmissionFactory(last_name="Quist", phone=f"555 010 {n:04}")
    page, capped = queue.searched_page(Submission.objects.for_queue(ReviewFilter(search="quist")), page_asked)
    assert (page.number, capped) == (shown, False)
    assert len(page.object_list) == (2 if shown == 1 else 1)


def test_a_search_with_exactly_the_cap_is_not_capped_and_none_found_is_a_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from screening import queue

    monkeypatch.setattr(queue, "SEARCH_COUNT_CAP", 3)
    for n in range(3):
        SubmissionFactory(last_name="Quist", phone=f"555 010 {n:04}")
    page, capped = queue.searched_page(Submission.objects.for_queue(ReviewFilter(search="quist")), 1)
    assert (page.paginator.count, capped) == (3, False)
    page, capped = queue.searched_page(Submission.objects.for_queue(ReviewFilter(search="nobody")), 1)
    assert (page.paginator.count, list(page.object_list), capped) == (0, [], False)


def test_outcome_counts_refuse_a_search() -> None:
    with pytest.raises(ValueError, match="not counted"):
        Submission.objects.outcome_counts(ReviewFilter(search="quist"))
