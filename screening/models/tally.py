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
