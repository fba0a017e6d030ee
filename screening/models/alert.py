from __future__ import annotations

from django.db import models
from django.utils import timezone

from screening.models.submission import Outcome


class ReviewAlertPending(models.Model):
    """A submission the review inbox has not yet been told about: its outcome and time, nothing else.

    Written in the submission's own transaction (a rolled-back submit leaves none), deleted once an
    alert has counted it. No link to the submission, so an alert can never carry more than counts.
    """

    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.outcome} at {self.created_at:%Y-%m-%d %H:%M}"


class ReviewAlertState(models.Model):
    """The one row (pk 1) the alert throttle claims, in the database so every worker sees it.

    last_sent_at: when an alert last went out (or was tried), the start of the quiet window;
    due_at: when a send is already scheduled, so a burst schedules it once;
    digest_sent_at: when the daily digest last went out.
    """

    last_sent_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"review alerts: last sent {self.last_sent_at}, due {self.due_at}"
