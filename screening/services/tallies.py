"""SubmissionTally: the queue's counts, kept in the transaction of every write that changes them."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Count, F, Q

from screening.models import Outcome, Submission, SubmissionTally

Tally = Mapping[tuple[str, bool], int]


def tally_add(changes: Tally) -> None:
    """Adds these changes to SubmissionTally, by (outcome, decided), in the caller's transaction.

    Always in one order, so two transactions never each hold a row the other waits for.
    """
    for (outcome, decided), delta in sorted(changes.items()):
        row = SubmissionTally.objects.filter(outcome=outcome, decided=decided)
        if delta and not row.update(count=F("count") + delta):
            tally_rows_ensure()  # only after a database was emptied: the migration made them all
            row.update(count=F("count") + delta)


def tally_rows_ensure() -> None:
    SubmissionTally.objects.bulk_create(
        [SubmissionTally(outcome=o, decided=d) for o in Outcome.values for d in (False, True)],
        ignore_conflicts=True,
    )


def tallies_rebuild() -> None:
    """Counts every submission afresh into SubmissionTally (after a bulk re-assessment).

    Its rows are locked first, so a write that is waiting on one adds its change to the fresh
    count, and one that got there first is already in it.
    """
    tally_rows_ensure()
    list(SubmissionTally.objects.select_for_update().order_by("outcome", "decided"))
    decided = Q(latest_decision__isnull=False)
    counts = (
        Submission.objects.order_by()
        .values_list("outcome")
        .annotate(undecided=Count("id", filter=~decided), decided=Count("id", filter=decided))
    )
    fresh = {(o, d): 0 for o in Outcome.values for d in (False, True)}
    for outcome, undecided, decided_count in counts:
        fresh[outcome, False], fresh[outcome, True] = undecided, decided_count
    for (outcome, decided_now), n in sorted(fresh.items()):
        SubmissionTally.objects.filter(outcome=outcome, decided=decided_now).update(count=n)
