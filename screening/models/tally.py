from __future__ import annotations

from django.db import models

from screening.models.submission import Outcome


class SubmissionTally(models.Model):
    """How many submissions there are of each outcome, undecided and decided: the queue's counts,
    without counting 100,000 rows for every page.

    services.py keeps it, in the transaction of every write that adds, decides, re-assesses or
    deletes a submission; a missing row counts as 0. Write submissions only through services.py.
    """

    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    decided = models.BooleanField()
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["outcome", "decided"], name="submissiontally_unique")]

    def __str__(self) -> str:
        return f"{self.outcome} {'decided' if self.decided else 'undecided'}: {self.count}"


class SubmissionDayTally(models.Model):
    """SubmissionTally by the UTC day a submission was sent: what a date range's counts add up.

    A range of local days is whole UTC days in the middle, summed from here (six rows a day at
    most), and at each end less than a day, which the queue counts afresh (an offset of a few
    hours; nothing in UTC). So the sum is exact in any time zone and its cost grows with the range,
    not with the table. The services keep it with SubmissionTally (services/tallies.py).
    """

    day = models.DateField()  # created_at's date in UTC
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    decided = models.BooleanField()
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "outcome", "decided"], name="submissiondaytally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.outcome} {'decided' if self.decided else 'undecided'}: {self.count}"
