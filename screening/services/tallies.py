"""The queue's counts, kept in the transaction of every write that changes them.

SubmissionTally counts by (outcome, decided); SubmissionDayTally by the UTC day sent as well.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q
from django.db.models.functions import TruncDate

from screening.models import Outcome, Submission, SubmissionDayTally, SubmissionTally

# (outcome, decided, the UTC day sent) -> how many more (or fewer) submissions there are.
Tally = Mapping[tuple[str, bool, dt.date], int]


def tally_day(created_at: dt.datetime) -> dt.date:
    """The day a SubmissionDayTally counts a submission on: when it was sent, in UTC."""
    return created_at.astimezone(dt.UTC).date()


def counted(submissions: Iterable[Submission]) -> Tally:
    """What these new submissions add to the tallies."""
    return Counter(
        (s.outcome, s.latest_decision_id is not None, tally_day(s.created_at)) for s in submissions
    )


def tally_add(changes: Tally) -> None:
    """Adds these changes to both tallies, in the caller's transaction.

    Always in one order, the totals' rows before the days' rows, so two transactions never each
    hold a row the other waits for; and a write that changes any day takes its totals' rows, which
    is what tallies_rebuild() waits on.
    """
    totals: Counter[tuple[str, bool]] = Counter()
    for (outcome, decided, _day), delta in changes.items():
        if delta:
            totals[outcome, decided] += delta
    for (outcome, decided), delta in sorted(totals.items()):
        row = SubmissionTally.objects.filter(outcome=outcome, decided=decided)
        if not row.update(count=F("count") + delta):
            tally_rows_ensure()  # only after a database was emptied: the migration made them all
            row.update(count=F("count") + delta)
    days = sorted(
        (day, outcome, decided, delta) for (outcome, decided, day), delta in changes.items() if delta
    )
    per_statement = min(500, (connection.features.max_query_params or 2000) // 4)  # SQLite's 999 before 3.32
    for first in range(0, len(days), per_statement):
        _days_add(days[first : first + per_statement])


def _days_add(rows: Sequence[tuple[dt.date, str, bool, int]]) -> None:
    """Adds each row's delta to its day's count, making the row at the delta if it is new: one
    statement for any number of days (a seeding batch spans a year), on PostgreSQL and SQLite alike.

    Django's bulk_create(update_conflicts=True) sets the new value; a tally must add to the old one.
    """
    table = connection.ops.quote_name(SubmissionDayTally._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    params = [p for day, o, d, n in rows for p in (connection.ops.adapt_datefield_value(day), o, d, n)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, outcome, decided, count) VALUES {values} "  # noqa: S608  # nosec B608
            f"ON CONFLICT (day, outcome, decided) DO UPDATE SET count = {table}.count + excluded.count",
            params,
        )


def tally_rows_ensure() -> None:
    SubmissionTally.objects.bulk_create(
        [SubmissionTally(outcome=o, decided=d) for o in Outcome.values for d in (False, True)],
        ignore_conflicts=True,
    )


def day_tallies_counted() -> list[SubmissionDayTally]:
    """SubmissionDayTally's rows counted afresh from the submissions (not saved)."""
    rows = (
        Submission.objects.order_by()
        .annotate(day=TruncDate("created_at", tzinfo=dt.UTC))
        .annotate(decided=ExpressionWrapper(Q(latest_decision__isnull=False), output_field=BooleanField()))
        .values_list("day", "outcome", "decided")
        .annotate(n=Count("id"))
    )
    return [SubmissionDayTally(day=d, outcome=o, decided=decided, count=n) for d, o, decided, n in rows]


def tallies_rebuild() -> None:
    """Counts every submission afresh into both tallies (after a bulk re-assessment).

    The totals' rows are locked first, so a write that is waiting on one adds its change to the
    fresh counts, and one that got there first is already in them. Every write takes them before
    a day's row (tally_add), so while they are held no day changes either.
    """
    tally_rows_ensure()
    list(SubmissionTally.objects.select_for_update().order_by("outcome", "decided"))
    days = day_tallies_counted()
    fresh = Counter[tuple[str, bool]]()
    for row in days:
        fresh[row.outcome, row.decided] += row.count
    for outcome in Outcome.values:
        for decided in (False, True):
            SubmissionTally.objects.filter(outcome=outcome, decided=decided).update(
                count=fresh[outcome, decided]
            )
    SubmissionDayTally.objects.all().delete()
    SubmissionDayTally.objects.bulk_create(days, batch_size=2000)


def tallies_drift() -> str:
    """ "" if the day tallies add up to the totals and none is negative, else what is wrong, in
    outcomes and numbers only. Cheap: six rows and a year's days."""
    totals = {(t.outcome, t.decided): t.count for t in SubmissionTally.objects.all()}
    summed = Counter[tuple[str, bool]]()
    negative = 0
    for outcome, decided, count in SubmissionDayTally.objects.values_list("outcome", "decided", "count"):
        summed[outcome, decided] += count
        negative += count < 0
    wrong = sorted(key for key in totals.keys() | summed.keys() if totals.get(key, 0) != summed[key])
    words = [
        f"{o} {'decided' if d else 'undecided'}: {totals.get((o, d), 0)} in all, {summed[o, d]} by day"
        for o, d in wrong
    ]
    if negative:
        words.append(f"{negative} day(s) below zero")
    return "; ".join(words)
