"""What a queue row shows beyond the stored submission: how long the patient has waited, whether that
is past the clinic's target, and the possible duplicates still to look at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import ngettext

from screening import duplicates

if TYPE_CHECKING:
    from collections.abc import Sequence

    from screening.models import Submission


@dataclass(frozen=True)
class QueueRow:
    submission: Submission
    waiting: str  # "" once decided: the waiting is over
    overdue: bool
    duplicates: list[duplicates.Match]


def waiting_words(waited: timedelta) -> str:
    """A wait in one unit, as a person says it: "40 minutes", "5 hours" (under two days), "3 days"."""
    minutes = max(int(waited.total_seconds() // 60), 1)
    if minutes < 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    days = hours // 24
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


def queue_rows(submissions: Sequence[Submission], *, now: datetime) -> list[QueueRow]:
    """The page's rows, their duplicates found in one query whatever the page size."""
    target = timedelta(hours=settings.REVIEW_TARGET_HOURS)
    matches = duplicates.matches_for(submissions)
    rows = []
    for s in submissions:
        waited = now - s.created_at if s.latest_decision_id is None else None
        rows.append(
            QueueRow(
                submission=s,
                waiting=waiting_words(waited) if waited is not None else "",
                overdue=waited is not None and waited > target,
                duplicates=duplicates.open_matches(s, matches[s.pk]),
            )
        )
    return rows
