"""The therapist's queue: what the filter selects, how a search matches, and how pages are fetched.

The queryset methods that apply it are on Submission.objects (models/submission.py); the view
that shows it is views/review.py.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from screening.references import as_reference

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.core.paginator import Page

QUEUE_PAGE_SIZE = 25
# A name search shows up to this many matches, in four pages, and says "more than" beyond: a
# therapist looking for the patient on the phone adds a word long before a hundred. They come from
# one query, which stops at the next match: no count reads every one of a common name's 50,000.
SEARCH_COUNT_CAP = 100


class DecisionStatus(models.TextChoices):
    UNDECIDED = "undecided", _("Undecided")
    DECIDED = "decided", _("Decided")
    ALL = "all", _("All")


class QueueSort(models.TextChoices):
    WAITING = "waiting", _("Waiting longest first")
    SENT = "sent", _("Sent most recently first")
    OUTCOME = "outcome", _("Outcome, then waiting longest")


# Each order is an index of Submission.Meta read forwards or backwards: (-created_at, -id) backwards
# is oldest first, and (outcome, -created_at, -id) backwards is the most cautious outcome first
# ("not_suitable" > "needs_review" > "likely_suitable"), oldest first within it.
SORT_ORDERS = {
    QueueSort.WAITING: ("created_at", "id"),
    QueueSort.SENT: ("-created_at", "-id"),
    QueueSort.OUTCOME: ("-outcome", "created_at", "id"),
}


@dataclass(frozen=True)
class ReviewFilter:
    """What the therapist chose to see in the queue; the export uses the same filter."""

    outcome: str = ""
    status: str = DecisionStatus.UNDECIDED
    submitted_from: date | None = None
    submitted_to: date | None = None
    search: str = ""
    sort: str = ""  # a QueueSort, or "" for the status's default

    @property
    def effective_sort(self) -> QueueSort:
        """The chosen order; by default who has waited longest for the undecided, the newest for the rest."""
        if self.sort in QueueSort.values:
            return QueueSort(self.sort)
        return QueueSort.WAITING if self.status == DecisionStatus.UNDECIDED else QueueSort.SENT

    def is_narrowed(self) -> bool:
        """True when the filter hides some submissions the default queue shows (the sort aside)."""
        return (self.outcome, self.status, self.submitted_from, self.submitted_to, self.search) != (
            "",
            DecisionStatus.UNDECIDED,
            None,
            None,
            "",
        )

    def without_outcome(self) -> ReviewFilter:
        return dataclasses.replace(self, outcome="")

    def describe(self) -> str:
        """The filter for the audit trail: whether a search was used, never the words searched."""
        dates = f"{self.submitted_from or ''}..{self.submitted_to or ''}"
        searched = "yes" if self.search.strip() else "no"
        return (
            f"outcome={self.outcome or 'any'} status={self.status} sent={dates} search={searched} "
            f"sort={self.effective_sort}"
        )


def start_of(day: date) -> datetime:
    # A range on the stored timestamp, not on created_at__date, so the created_at indexes apply.
    return timezone.make_aware(datetime.combine(day, time.min))


def sent_range(f: ReviewFilter) -> tuple[datetime | None, datetime | None]:
    """The filter's dates as [start, end) instants; None where it has no bound."""
    start = start_of(f.submitted_from) if f.submitted_from else None
    end = start_of(f.submitted_to + timedelta(days=1)) if f.submitted_to else None
    return start, end


def sent_q(start: datetime | None, end: datetime | None) -> Q:
    """Sent within [start, end), a None bound left open: a range on the stored timestamp."""
    q = Q(created_at__gte=start) if start else Q()
    return q & Q(created_at__lt=end) if end else q


@dataclass(frozen=True)
class DaySplit:
    """A range of instants as whole UTC days [first_day, end_day) and the parts at its ends.

    The whole days are summed from SubmissionDayTally; the parts (`edges`, each [start, end), each
    shorter than a day) are counted afresh. None for a day means no bound. A range that holds no
    whole UTC day (a local day, say, in any zone but UTC) is one edge of up to two days, counted,
    and `whole` is False.
    """

    first_day: date | None
    end_day: date | None
    edges: tuple[tuple[datetime, datetime], ...]
    whole: bool = True


def day_split(start: datetime | None, end: datetime | None) -> DaySplit:
    first_day = end_day = None
    if start is not None:
        utc = start.astimezone(UTC)
        first_day = utc.date() + timedelta(days=0 if utc.time() == time.min else 1)
    if end is not None:
        end_day = end.astimezone(UTC).date()
    if start is not None and end is not None and first_day >= end_day:  # no whole UTC day inside
        return DaySplit(None, None, ((start, end),) if start < end else (), whole=False)
    edges = []
    if start is not None and start < (midnight := _utc_midnight(first_day)):
        edges.append((start, midnight))
    if end is not None and (midnight := _utc_midnight(end_day)) < end:
        edges.append((midnight, end))
    return DaySplit(first_day, end_day, tuple(edges))


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def fold(text: str) -> str:
    """Text without accents and case, so "JOSÉ", "José" and "jose" compare equal (Unicode NFKD)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_name(first_name: str, last_name: str) -> str:
    """What a name search reads: both names folded, a space between, so no word matches across them."""
    return " ".join(fold(f"{first_name} {last_name}").split())


def search_q(text: str, *, reference_q: Callable[[str], Q] | None = None) -> Q:
    """A reference typed in full finds that submission; otherwise every word must match part of a name.

    Words are folded as the stored search_name is, so on both databases the match ignores case and
    accents. The queue's indexes end with search_name, so a common name is checked there; on
    PostgreSQL a rare one is found through its trigram index (migration 0009). A name that could
    also be a reference typed without its hyphen ("Schwartz") finds that reference too: the
    condition `reference_q` gives for it, or else reference = it.
    """
    reference = as_reference(text)
    if reference and ("-" in text or any(c.isdigit() for c in text)):
        return Q(reference=reference)  # the unique index, not a scan of every name
    q = Q()
    for word in fold(text).split()[:5]:
        q &= Q(search_name__contains=word)
    if not reference:
        return q
    return q | (reference_q(reference) if reference_q else Q(reference=reference))


def filter_q(f: ReviewFilter) -> Q:
    """The outcome, decision status and date conditions of a filter; the search is search_q()."""
    q = Q()
    if f.outcome:
        q &= Q(outcome=f.outcome)
    if f.status == DecisionStatus.UNDECIDED:
        q &= Q(latest_decision__isnull=True)
    elif f.status == DecisionStatus.DECIDED:
        q &= Q(latest_decision__isnull=False)
    return q & sent_q(*sent_range(f))


class QueuePaginator(Paginator):
    """Pages of Submission.objects.for_queue() without a search (that is searched_page()): told its
    total (the outcome counts hold it), fetched in two steps.

    First the page's ids, which an index alone can give, so SQLite skips through it to a deep
    page; then those rows, by id. A deep page of 100,000 submissions costs milliseconds instead of
    reading every row before it.
    """

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        return self._get_page(self.object_list.model.objects.for_queue_page(ids), number, self)


def searched_page(rows: Any, number: Any) -> tuple[Page, bool]:
    """A name search's page of Submission.objects.for_queue() rows, and whether more matched than
    SEARCH_COUNT_CAP (only that many are shown: "add a word").

    The ids of the first matches, in the queue's order, come from one query that stops after
    SEARCH_COUNT_CAP + 1, read from an index alone (the queue's indexes hold the folded name); no
    count per outcome. For "Ana Reyes" among 1,000,000 rows: one pass over about 40,000 index
    entries, where the three capped counts it replaces passed about 120,000 (docs/performance.md).
    """
    ids = list(rows.values_list("pk", flat=True)[: SEARCH_COUNT_CAP + 1])
    page = Paginator(ids[:SEARCH_COUNT_CAP], QUEUE_PAGE_SIZE).get_page(number)
    page.object_list = rows.model.objects.for_queue_page(list(page.object_list))
    return page, len(ids) > SEARCH_COUNT_CAP
