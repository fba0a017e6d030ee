"""A date range as whole UTC days (summed from SubmissionDayTally) and the hours at its ends
(counted): together they are the range, exactly, in any time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import example, given
from hypothesis import strategies as st

from screening.queue import DaySplit, day_split

# Whole hours, half and quarter hours, both sides of UTC, and summer time.
ZONES = ["UTC", "America/Chicago", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Chatham", "Pacific/Kiritimati"]
moments = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.sampled_from([ZoneInfo(z) for z in ZONES]),
)
bounds = st.none() | moments


def in_split(split: DaySplit, t: datetime) -> int:
    """How many of the split's parts hold t: 1 if it is in the range, else 0 (never 2)."""
    day = t.astimezone(UTC).date()
    whole = (
        split.whole
        and (split.first_day is None or split.first_day <= day)
        and (split.end_day is None or day < split.end_day)
    )
    return int(whole) + sum(start <= t < end for start, end in split.edges)


@given(start=bounds, end=bounds, probes=st.lists(moments, max_size=20))
@example(start=datetime(2026, 3, 1, tzinfo=UTC), end=datetime(2026, 3, 31, tzinfo=UTC), probes=[])
def test_the_whole_days_and_the_edges_are_the_range_exactly(
    start: datetime | None, end: datetime | None, probes: list[datetime]
) -> None:
    split = day_split(start, end)
    edge_points = [p for s, e in split.edges for p in (s, e - timedelta(microseconds=1), e)]
    for t in [*probes, *(b for b in (start, end) if b), *edge_points]:
        inside = (start is None or start <= t) and (end is None or t < end)
        assert in_split(split, t) == int(inside), (start, end, t, split)
    for edge_start, edge_end in split.edges:
        assert edge_start < edge_end
        assert split.whole is False or edge_end - edge_start < timedelta(days=1)


def test_a_range_in_utc_has_no_edges_and_a_day_in_chicago_has_two_or_none_whole() -> None:
    utc = day_split(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
    assert utc == DaySplit(date(2026, 3, 1), date(2026, 4, 1), ())
    chicago = ZoneInfo("America/Chicago")  # UTC-6 in January
    month = day_split(datetime(2026, 1, 1, tzinfo=chicago), datetime(2026, 2, 1, tzinfo=chicago))
    assert (month.first_day, month.end_day) == (date(2026, 1, 2), date(2026, 2, 1))
    assert [e - s for s, e in month.edges] == [timedelta(hours=18), timedelta(hours=6)]
    one_day = day_split(datetime(2026, 1, 5, tzinfo=chicago), datetime(2026, 1, 6, tzinfo=chicago))
    assert one_day.whole is False
    assert one_day.edges == ((datetime(2026, 1, 5, tzinfo=chicago), datetime(2026, 1, 6, tzinfo=chicago)),)
    assert day_split(None, None) == DaySplit(None, None, ())
