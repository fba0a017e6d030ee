"""The review inbox's alerts: counts only, at most one e-mail per REVIEW_NOTIFY_MINUTES, and a daily digest.

A submit only notes its outcome (ReviewAlertPending, in its own transaction) and, once that commits,
queues screening.tasks.review_alert_send for the background worker: the patient's request never
talks to a mail server. The throttle's state is one database row (ReviewAlertState, pk 1), locked
while a worker decides, so several workers and app servers send at most one alert per window.

Each alert counts what arrived since the last one. The first one after a quiet spell waits
GATHER (a minute, or the window if shorter), so that a burst of sends arrives as one e-mail;
later arrivals wait for the end of the window and go out together in the next one.
No alert names a patient, a reference, an answer or a contact detail: it cannot, because the
pending rows hold only an outcome and a time.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from screening.models import Outcome, ReviewAlertPending, ReviewAlertState, Submission, SubmissionTally

logger = logging.getLogger(__name__)

GATHER = timedelta(minutes=1)
# A digest at most this often, even if the timer runs twice in a day.
DIGEST_MIN_INTERVAL = timedelta(hours=20)


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def alerts_on() -> bool:
    return bool(settings.REVIEW_NOTIFY_EMAILS)


def review_alert_note(*, outcome: str) -> None:
    """Called inside the submit's transaction: counts it for the next alert, and once the
    transaction commits asks the worker to send. A rolled-back submit leaves nothing behind."""
    if not alerts_on():
        return
    ReviewAlertPending.objects.create(outcome=outcome)
    # robust: the submission is stored whatever happens here; a failed enqueue is logged, and the
    # next submit's task counts this one too.
    transaction.on_commit(_enqueue, robust=True)


def _enqueue(run_after: datetime | None = None) -> None:
    from screening import tasks  # the tasks import the services

    task = (
        tasks.review_alert_send if run_after is None else tasks.review_alert_send.using(run_after=run_after)
    )
    task.enqueue()


def _locked_state() -> ReviewAlertState:
    # SQLite takes the write lock at BEGIN (transaction_mode IMMEDIATE); PostgreSQL locks the row.
    state, _created = ReviewAlertState.objects.select_for_update().get_or_create(pk=1)
    return state


def _window() -> timedelta:
    return timedelta(minutes=settings.REVIEW_NOTIFY_MINUTES)


def queue_url() -> str:
    return settings.PUBLIC_BASE_URL + reverse("screening:review-queue")


def alert_mail(counts: Counter[str]) -> Mail:
    """The alert for these counts by outcome, in the clinic's language (LANGUAGE_CODE)."""
    total = sum(counts.values())
    with translation.override(settings.LANGUAGE_CODE):
        waiting = ngettext(
            "%(count)d new screening is waiting", "%(count)d new screenings are waiting", total
        ) % {"count": total}
        parts = []
        if n := counts.get(Outcome.NOT_SUITABLE, 0):
            parts.append(
                ngettext("%(count)d likely not suitable", "%(count)d likely not suitable", n) % {"count": n}
            )
        if n := counts.get(Outcome.NEEDS_REVIEW, 0):
            parts.append(ngettext("%(count)d needs review", "%(count)d need review", n) % {"count": n})
        first = f"{waiting} ({', '.join(parts)})." if parts else f"{waiting}."
        body = "\n\n".join(
            [
                first,
                _("Open the queue: %(url)s") % {"url": queue_url()},
                _(
                    "This e-mail gives counts only. The questionnaire clears no one for treatment: "
                    "each screening waits for a therapist's decision."
                ),
            ]
        )
        return Mail(f"{settings.CLINIC_NAME}: {waiting}", body + "\n")


def review_alert_send(*, now: datetime | None = None) -> str:
    """Sends the alert if its window allows, else makes sure one send is scheduled for the window's
    end. Returns what it did, in words without patient data (the task's stored result)."""
    now = now or timezone.now()
    with transaction.atomic():
        state = _locked_state()
        pending = list(ReviewAlertPending.objects.order_by("pk").values_list("pk", "outcome", "created_at"))
        if not pending or not alerts_on():
            return "nothing to send"
        due = min(row[2] for row in pending) + min(GATHER, _window())
        if state.last_sent_at is not None:
            due = max(due, state.last_sent_at + _window())
        if now < due:
            if state.due_at != due:  # else a send is already scheduled for then
                state.due_at = due
                state.save(update_fields=["due_at"])
                transaction.on_commit(partial(_enqueue, run_after=due))
            return f"scheduled for {due.isoformat()}"
        # This worker has the window: no other one sends until it ends.
        state.last_sent_at, state.due_at = now, None
        state.save(update_fields=["last_sent_at", "due_at"])
    counts = Counter(outcome for _pk, outcome, _at in pending)
    mail = alert_mail(counts)
    try:
        # Outside the transaction: a slow mail server must not hold the database's write lock.
        send_mail(mail.subject, mail.body, None, settings.REVIEW_NOTIFY_EMAILS)
    except Exception as exc:
        # Nothing is lost: the pending rows stay and are counted by the retry at the window's end.
        retry = now + _window()
        with transaction.atomic():
            state = _locked_state()
            state.due_at = retry
            state.save(update_fields=["due_at"])
            transaction.on_commit(partial(_enqueue, run_after=retry))
        logger.warning(
            "Review alert for %d screening(s) not sent (%s); retrying at %s",
            sum(counts.values()),
            type(exc).__name__,
            retry.isoformat(),
        )
        raise
    ReviewAlertPending.objects.filter(pk__in=[row[0] for row in pending]).delete()
    return f"sent an alert for {sum(counts.values())} screening(s)"


@dataclass(frozen=True)
class Digest:
    waiting: int
    overdue: int


def review_digest_counts(*, now: datetime | None = None) -> Digest:
    """How many screenings wait for a decision, and how many of them longer than REVIEW_TARGET_HOURS."""
    now = now or timezone.now()
    waiting = sum(SubmissionTally.objects.filter(decided=False).values_list("count", flat=True))
    cutoff = now - timedelta(hours=settings.REVIEW_TARGET_HOURS)
    overdue = Submission.objects.filter(latest_decision__isnull=True, created_at__lt=cutoff).count()
    return Digest(waiting=int(waiting), overdue=overdue)


def digest_mail(digest: Digest) -> Mail:
    hours = settings.REVIEW_TARGET_HOURS
    with translation.override(settings.LANGUAGE_CODE):
        waiting = ngettext(
            "%(count)d screening is waiting for a therapist's decision.",
            "%(count)d screenings are waiting for a therapist's decision.",
            digest.waiting,
        ) % {"count": digest.waiting}
        overdue = ngettext(
            "%(count)d of them has waited longer than %(hours)d hours (overdue).",
            "%(count)d of them have waited longer than %(hours)d hours (overdue).",
            digest.overdue,
        ) % {"count": digest.overdue, "hours": hours}
        subject = ngettext(
            "daily review summary, %(count)d overdue",
            "daily review summary, %(count)d overdue",
            digest.overdue,
        ) % {"count": digest.overdue}
        body = "\n\n".join(
            [
                f"{waiting} {overdue}",
                _("Open the queue: %(url)s") % {"url": queue_url()},
                _("This e-mail gives counts only."),
            ]
        )
        return Mail(f"{settings.CLINIC_NAME}: {subject}", body + "\n")


def review_digest_send(*, now: datetime | None = None, force: bool = False) -> Digest | None:
    """The daily digest, if anything waits and none went out in the last 20 hours (unless force);
    the digest sent, or None. Claimed with a conditional UPDATE, so a doubled timer sends once."""
    now = now or timezone.now()
    if not alerts_on():
        return None
    digest = review_digest_counts(now=now)
    if not digest.waiting:
        return None
    ReviewAlertState.objects.get_or_create(pk=1)
    claim = ReviewAlertState.objects.filter(pk=1)
    if not force:
        claim = claim.exclude(digest_sent_at__gt=now - DIGEST_MIN_INTERVAL)
    previous = ReviewAlertState.objects.filter(pk=1).values_list("digest_sent_at", flat=True).first()
    if not claim.update(digest_sent_at=now):
        return None
    mail = digest_mail(digest)
    try:
        send_mail(mail.subject, mail.body, None, settings.REVIEW_NOTIFY_EMAILS)
    except Exception:
        ReviewAlertState.objects.filter(pk=1, digest_sent_at=now).update(digest_sent_at=previous)
        raise
    return digest
