from __future__ import annotations

import dataclasses
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from screening import questions, rules

# No 0/O, 1/I/L: a patient reads this code out on the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """A short code such as "K7MQ-4XPD" (31**8 possibilities), random and not derived from data."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def as_reference(text: str) -> str | None:
    """The stored form of a reference typed as "k7mq 4xpd" or "K7MQ4XPD"; None if it cannot be one."""
    chars = text.upper().replace("-", "").replace(" ", "")
    if len(chars) != 8 or not set(chars) <= set(REFERENCE_ALPHABET):
        return None
    return f"{chars[:4]}-{chars[4:]}"


class Outcome(models.TextChoices):
    LIKELY_SUITABLE = rules.Outcome.LIKELY_SUITABLE.value, _("Likely suitable")
    NEEDS_REVIEW = rules.Outcome.NEEDS_REVIEW.value, _("Needs review")
    NOT_SUITABLE = rules.Outcome.NOT_SUITABLE.value, _("Likely not suitable")


class DecisionStatus(models.TextChoices):
    UNDECIDED = "undecided", _("Undecided")
    DECIDED = "decided", _("Decided")
    ALL = "all", _("All")


@dataclass(frozen=True)
class ReviewFilter:
    """What the therapist chose to see in the queue; the export uses the same filter."""

    outcome: str = ""
    status: str = DecisionStatus.UNDECIDED
    submitted_from: date | None = None
    submitted_to: date | None = None
    search: str = ""

    def without_outcome(self) -> ReviewFilter:
        return dataclasses.replace(self, outcome="")

    def describe(self) -> str:
        """The filter for the audit trail: whether a search was used, never the words searched."""
        dates = f"{self.submitted_from or ''}..{self.submitted_to or ''}"
        searched = "yes" if self.search.strip() else "no"
        return f"outcome={self.outcome or 'any'} status={self.status} sent={dates} search={searched}"


def _start_of(day: date) -> datetime:
    # A range on the stored timestamp, not on created_at__date, so the created_at indexes apply.
    return timezone.make_aware(datetime.combine(day, time.min))


def _search_q(text: str) -> Q:
    """A reference typed in full finds that submission; otherwise every word must match a name."""
    reference = as_reference(text)
    if reference and ("-" in text or any(c.isdigit() for c in text)):
        return Q(reference=reference)  # the unique index, not a scan of every name
    q = Q()
    for word in text.split()[:5]:
        q &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    # "Schwartz" could also be a reference typed without its hyphen: look for both.
    return q | Q(reference=reference) if reference else q


class SubmissionQuerySet(models.QuerySet):
    def newest_first(self) -> SubmissionQuerySet:
        return self.order_by("-created_at", "-id")

    def filtered(self, f: ReviewFilter) -> SubmissionQuerySet:
        """The submissions a review filter selects, in no particular order."""
        qs = self
        if f.outcome:
            qs = qs.filter(outcome=f.outcome)
        if f.status == DecisionStatus.UNDECIDED:
            qs = qs.filter(latest_decision__isnull=True)
        elif f.status == DecisionStatus.DECIDED:
            qs = qs.filter(latest_decision__isnull=False)
        if f.submitted_from:
            qs = qs.filter(created_at__gte=_start_of(f.submitted_from))
        if f.submitted_to:
            qs = qs.filter(created_at__lt=_start_of(f.submitted_to + timedelta(days=1)))
        if f.search.strip():
            # As a subquery, SQLite scans the small names index once instead of reading every
            # row through the queue's index: about 30 ms instead of 200 ms at 100,000 rows.
            qs = qs.filter(pk__in=Submission.objects.filter(_search_q(f.search)).values("pk"))
        return qs

    def for_queue(self, f: ReviewFilter) -> SubmissionQuerySet:
        """The queue's rows, newest first, with the latest decision and its therapist joined in."""
        return self.filtered(f).select_related("latest_decision__therapist").newest_first()

    def for_queue_page(self, ids: list[int]) -> SubmissionQuerySet:
        """The rows for_queue() gives, for ids already chosen: the filter is not run a second time."""
        return self.filter(pk__in=ids).select_related("latest_decision__therapist").newest_first()

    def outcome_counts(self, f: ReviewFilter) -> dict[str, int]:
        """How many submissions of each outcome the filter selects, its outcome left out; exact,
        every outcome present, one query. Without dates or a search, read from SubmissionTally."""
        counts = dict.fromkeys(Outcome.values, 0)
        if f.submitted_from or f.submitted_to or f.search.strip():
            rows = (
                self.filtered(f.without_outcome()).order_by().values_list("outcome").annotate(n=Count("id"))
            )
        else:
            decided = {DecisionStatus.UNDECIDED: [False], DecisionStatus.DECIDED: [True]}.get(
                f.status, [False, True]
            )
            tallies = SubmissionTally.objects.filter(decided__in=decided)
            rows = tallies.order_by().values_list("outcome").annotate(n=Sum("count"))
        counts.update({outcome: int(n) for outcome, n in rows})  # PostgreSQL's SUM is a decimal
        return counts


class Submission(models.Model):
    """One patient's answers, contact details and the automated assessment they were shown."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=9, unique=True, default=new_reference, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    language = models.CharField(max_length=10, default="en")

    answers = models.JSONField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason_codes = models.JSONField(default=list, blank=True)
    rules_version = models.CharField(max_length=20)
    # The signed token of the form page that sent it: a double submit finds the first one.
    form_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    # Denormalised by services.decision_record in the decision's transaction, so "undecided,
    # newest first" is one indexed query and a row needs no query for its decision.
    # No plain index on it: SQLite, without ANALYZE statistics, would prefer that one to the partial
    # indexes below and sort 100,000 rows for every page.
    latest_decision = models.ForeignKey(
        "Decision",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("review_submission", "Can review screening submissions")]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="submission_newest"),
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(latest_decision__isnull=True),
                name="submission_undecided_newest",
            ),
            models.Index(
                fields=["outcome", "-created_at", "-id"],
                condition=Q(latest_decision__isnull=True),
                name="submission_undecided_outcome",
            ),
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(latest_decision__isnull=False),
                name="submission_decided_newest",
            ),
            models.Index(
                fields=["outcome", "-created_at", "-id"],
                condition=Q(latest_decision__isnull=False),
                name="submission_decided_outcome",
            ),
            models.Index(fields=["outcome", "-created_at", "-id"], name="submission_outcome_newest"),
            # Not for a prefix lookup: a name search ("contains") scans this instead of the table.
            models.Index(fields=["last_name", "first_name"], name="submission_names"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(phone="") | ~Q(email=""), name="submission_phone_or_email"),
            models.CheckConstraint(
                condition=Q(outcome__in=[o.value for o in rules.Outcome]), name="submission_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def age(self) -> int | None:
        """Age in whole years on the day of the screening, as the rules computed it."""
        return rules.age_on(self.answers.get("date_of_birth"), self.created_on)

    @property
    def created_on(self) -> date:
        return timezone.localdate(self.created_at)

    @property
    def reasons(self) -> list[rules.Reason]:
        """The stored reasons, with a stand-in for a code that a later rules version dropped."""
        return [rules.REASONS.get(code) or _retired_reason(code) for code in self.reason_codes]

    def answer_labels(self, question_code: str) -> list[str]:
        """The wording of the options the patient chose, untranslated; empty if unanswered."""
        return questions.option_labels(question_code, self.answers.get(question_code))

    def answer_rows(self) -> list[AnswerRow]:
        """Every question, section by section, with the patient's answer and the reasons it triggered."""
        triggered = rules.triggered_answers(self.answers, self.reason_codes)
        reasons = {r.code: r for r in self.reasons}
        return [
            AnswerRow(
                section=_SECTION_LABELS[q.section],
                question=q.text,
                answers=self.answer_labels(q.code),
                reasons=[reasons[code] for code in triggered.get(q.code, [])],
            )
            for q in _QUESTIONS_BY_SECTION
        ]


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


@dataclass(frozen=True)
class AnswerRow:
    section: str
    question: str
    answers: list[str]
    reasons: list[rules.Reason]


_SECTION_LABELS = dict(questions.SECTIONS)
# The order the patient saw them in, section by section (as the intake form groups them).
_QUESTIONS_BY_SECTION = [
    q for key, _label in questions.SECTIONS for q in questions.QUESTIONS if q.section == key
]


def _retired_reason(code: str) -> rules.Reason:
    return rules.Reason(code, rules.Outcome.NEEDS_REVIEW, "", "Reason from an earlier rules version.")


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an append-only row through the ORM."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be deleted")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be changed")


class AppendOnlyModel(models.Model):
    """A row is written once and never changed or deleted through the model or its manager.

    Deleting a related row still works (CASCADE and SET_NULL go through the base manager), so a
    later "erase this patient" feature can remove a submission and keep its audit trail.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted")


class DecisionChoice(models.TextChoices):
    SUITABLE = "suitable", _("Suitable — book iontophoresis")
    NOT_SUITABLE = "not_suitable", _("Not suitable")
    CALL_PATIENT = "call_patient", _("Call the patient first")


# A decision goes against the automated outcome when it crosses it outright: booking a patient the
# rules found not suitable, or turning down one they found likely suitable. "Needs review" asks for
# a therapist's judgement, and calling the patient decides nothing, so neither is an override.
OVERRIDES = frozenset(
    {
        (DecisionChoice.SUITABLE.value, Outcome.NOT_SUITABLE.value),
        (DecisionChoice.NOT_SUITABLE.value, Outcome.LIKELY_SUITABLE.value),
    }
)


def is_override(choice: str, outcome: str) -> bool:
    """True when the decision goes against the automated outcome, so a note is required."""
    return (choice, outcome) in OVERRIDES


_OVERRIDE_Q = Q()
for _choice, _outcome in sorted(OVERRIDES):
    _OVERRIDE_Q |= Q(choice=_choice, automated_outcome=_outcome)


class Decision(AppendOnlyModel):
    """A therapist's decision on a submission. A later one is added beside it, never over it."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="decisions")
    therapist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=20, choices=DecisionChoice.choices)
    note = models.TextField(max_length=2000, blank=True)
    # The automated outcome the therapist saw; a later `reassess --apply` does not rewrite history.
    automated_outcome = models.CharField(max_length=20, choices=Outcome.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(choice__in=DecisionChoice.values), name="decision_choice_valid"
            ),
            models.CheckConstraint(
                condition=~(Q(note="") & _OVERRIDE_Q),
                name="decision_override_has_note",
                violation_error_message=_("Please say why you decided against the automated outcome."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_choice_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_override(self) -> bool:
        return is_override(self.choice, self.automated_outcome)


class AccessLog(AppendOnlyModel):
    """Who did what with which submission, and when. Holds no patient data beyond the reference."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        DECIDE = "decide", _("Decided")
        EXPORT = "export", _("Exported")
        REASSESS = "reassess", _("Re-assessed")
        ERASE = "erase", _("Erased on request")
        PURGE = "purge", _("Purged after the retention period")
        LOGIN = "login", _("Logged in")
        LOGOUT = "logout", _("Logged out")
        LOGIN_FAILED = "login_failed", _("Log-in failed")
        LOCKOUT = "lockout", _("Locked out")
        TWO_FACTOR_OK = "two_factor_ok", _("Second step passed")
        TWO_FACTOR_FAILED = "two_factor_failed", _("Second step failed")
        TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Authenticator app set up")

    at = models.DateTimeField(default=timezone.now, editable=False)
    # Null for actions without an account (a failed login, a management command).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    # SET_NULL so that erasing a submission keeps its trail; the reference says which one it was.
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    submission_reference = models.CharField(max_length=9, blank=True)
    # Codes and counts only: never a name, a date of birth, an answer or a note.
    detail = models.TextField(blank=True)
    # Only on log-in events (services.ADDRESS_ACTIONS): where a password was tried from is what
    # tells an attack from a typo, and lifting a lockout needs it. Not kept for anything else.
    client_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["submission", "-at"], name="accesslog_submission_at"),
            models.Index(fields=["-at"], name="accesslog_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.submission_reference}"
