from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from screening import queue
from screening.clinical import reasons, rules
from screening.references import new_reference

if TYPE_CHECKING:
    from screening.queue import ReviewFilter


class Outcome(models.TextChoices):
    LIKELY_SUITABLE = reasons.Outcome.LIKELY_SUITABLE.value, _("Likely suitable")
    NEEDS_REVIEW = reasons.Outcome.NEEDS_REVIEW.value, _("Needs review")
    NOT_SUITABLE = reasons.Outcome.NOT_SUITABLE.value, _("Likely not suitable")


# A queue row shows its latest decision, who made it and, for a duplicate, of which submission.
QUEUE_RELATED = ("latest_decision__therapist", "latest_decision__duplicate_of")


def _stored_reference_q(reference: str) -> Q:
    """The reference a name could also be ("Schwartz": SCHW-ARTZ), only if a submission has it.

    Almost never: and an OR on reference keeps PostgreSQL from reading a common name's matches from
    an index alone (48 ms instead of 2 ms for "ana reyes" among 1,000,000). A lookup in the unique
    index decides, once per filtered(): one for a search's page (its ids). A subquery on id
    instead let the index answer, but the planner then guessed half the table matched and read the
    whole index for a rare name (190 ms for "schwartz").
    """
    return Q(reference=reference) if Submission.objects.filter(reference=reference).exists() else Q(pk__in=[])


class SubmissionQuerySet(models.QuerySet):
    def newest_first(self) -> SubmissionQuerySet:
        return self.order_by("-created_at", "-id")

    def filtered(self, f: ReviewFilter) -> SubmissionQuerySet:
        """The submissions a review filter selects, in no particular order."""
        qs = self.filter(queue.filter_q(f))
        if f.search.strip():
            # The condition itself, on both databases: the queue's indexes hold the folded name, so
            # SQLite and PostgreSQL check it there, newest first, and a common name stops at a page
            # (SQLite: 2 ms instead of 49 ms for "reyes" among 100,000; it used to scan a names-only
            # index in a subquery, which on PostgreSQL became a join to a scan of the whole table).
            qs = qs.filter(queue.search_q(f.search, reference_q=_stored_reference_q))
        return qs

    def sorted_by(self, sort: str) -> SubmissionQuerySet:
        """In a queue.QueueSort order; each is an existing index read forwards or backwards."""
        return self.order_by(*queue.SORT_ORDERS[sort])

    def for_queue(self, f: ReviewFilter) -> SubmissionQuerySet:
        """The queue's rows in the filter's order, with the latest decision and its therapist joined in."""
        return self.filtered(f).select_related(*QUEUE_RELATED).sorted_by(f.effective_sort)

    def for_queue_page(self, ids: list[int]) -> list[Submission]:
        """The rows for_queue() gives, for ids already chosen, in their order: the filter is not run again."""
        rows = {s.pk: s for s in self.filter(pk__in=ids).select_related(*QUEUE_RELATED).order_by()}
        return [rows[pk] for pk in ids if pk in rows]

    def counted_between(
        self, f: ReviewFilter, ranges: list[tuple[datetime | None, datetime | None]]
    ) -> models.QuerySet:
        """(outcome, count) rows of the filter's status within these [start, end) ranges, counted.

        One count per outcome and range, glued by UNION ALL, so that each reads its outcome's slice
        of an (outcome, created_at) index without the table, instead of every row of the dates
        (10 ms instead of 100 ms for the last 30 days of 1,000,000 rows on PostgreSQL). An outcome
        may come in several rows: add them up.
        """
        undated = dataclasses.replace(f, submitted_from=None, submitted_to=None)
        per_part = []
        for start, end in ranges:
            per_part += [
                self.filtered(dataclasses.replace(undated, outcome=o))
                .filter(queue.sent_q(start, end))
                .order_by()
                .values_list("outcome")
                .annotate(n=Count("id"))
                for o in Outcome.values
            ]
        return per_part[0].union(*per_part[1:], all=True)

    def outcome_counts(self, f: ReviewFilter) -> dict[str, int]:
        """How many submissions of each outcome the filter's status and dates select, exact and every
        outcome present; a search is not counted here (queue.searched_page). From the tallies: all
        of them from SubmissionTally (one query); a date range's whole UTC days from
        SubmissionDayTally, and the hours at its ends counted (two queries, one in UTC)."""
        from screening.models.tally import SubmissionDayTally, SubmissionTally  # they import Outcome

        if f.search.strip():
            raise ValueError("a search is not counted by outcome: queue.searched_page gives its matches")
        counts = dict.fromkeys(Outcome.values, 0)
        decided = {queue.DecisionStatus.UNDECIDED: [False], queue.DecisionStatus.DECIDED: [True]}.get(
            f.status, [False, True]
        )
        parts: list[Any] = []
        if f.submitted_from or f.submitted_to:
            split = queue.day_split(*queue.sent_range(f))
            if split.whole:
                days = SubmissionDayTally.objects.filter(decided__in=decided)
                if split.first_day:
                    days = days.filter(day__gte=split.first_day)
                if split.end_day:
                    days = days.filter(day__lt=split.end_day)
                parts.append(days.order_by().values_list("outcome").annotate(n=Sum("count")))
            if split.edges:
                parts.append(self.counted_between(f, list(split.edges)))
        else:
            tallies = SubmissionTally.objects.filter(decided__in=decided)
            parts.append(tallies.order_by().values_list("outcome").annotate(n=Sum("count")))
        for rows in parts:
            for outcome, n in rows:
                counts[outcome] += int(n)  # PostgreSQL's SUM is a decimal
        return counts


class Submission(models.Model):
    """One patient's answers, contact details and the automated assessment they were shown."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=9, unique=True, default=new_reference, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    # Both names folded (queue.search_name): what a name search reads, kept by the services.
    search_name = models.TextField(blank=True, default="", editable=False)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    language = models.CharField(max_length=10, default="en")
    # What possible duplicates are matched on (duplicates.match_keys), kept by the services: the
    # folded last name with the birth date, the phone's digits, the e-mail casefolded; "" if absent.
    match_name_dob = models.CharField(max_length=120, blank=True, default="", editable=False)
    match_phone = models.CharField(max_length=30, blank=True, default="", editable=False)
    match_email = models.CharField(max_length=254, blank=True, default="", editable=False)

    answers = models.JSONField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason_codes = models.JSONField(default=list, blank=True)
    rules_version = models.CharField(max_length=20)
    # The FHIR Questionnaire's version (a hash of the questions, options and translations the
    # patient could have seen) when they sent it: the QuestionnaireResponse names this one.
    questionnaire_version = models.CharField(max_length=20, editable=False)
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
            # The folded name last in each of these six indexes, after keys that are unique already:
            # it orders nothing, but a name search reads it there instead of in the rows: a search's
            # ids come from an index alone (queue.searched_page), on PostgreSQL for a common name
            # among 1,000,000 rows 2 ms instead of 48 ms.
            models.Index(fields=["-created_at", "-id", "search_name"], name="submission_newest"),
            models.Index(
                fields=["-created_at", "-id", "search_name"],
                condition=Q(latest_decision__isnull=True),
                name="submission_undecided_newest",
            ),
            models.Index(
                fields=["outcome", "-created_at", "-id", "search_name"],
                condition=Q(latest_decision__isnull=True),
                name="submission_undecided_outcome",
            ),
            models.Index(
                fields=["-created_at", "-id", "search_name"],
                condition=Q(latest_decision__isnull=False),
                name="submission_decided_newest",
            ),
            models.Index(
                fields=["outcome", "-created_at", "-id", "search_name"],
                condition=Q(latest_decision__isnull=False),
                name="submission_decided_outcome",
            ),
            models.Index(
                fields=["outcome", "-created_at", "-id", "search_name"], name="submission_outcome_newest"
            ),
            # A rare name's search: PostgreSQL's trigram index on search_name (migration 0009).
            # Possible duplicates (duplicates.matches_for): one key's values within a time window.
            *(
                models.Index(fields=[key, "created_at"], condition=~Q(**{key: ""}), name=f"submission_{key}")
                for key in ("match_name_dob", "match_phone", "match_email")
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(phone="") | ~Q(email=""), name="submission_phone_or_email"),
            models.CheckConstraint(
                condition=Q(outcome__in=[o.value for o in reasons.Outcome]), name="submission_outcome_valid"
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
    def reasons(self) -> list[reasons.Reason]:
        """The stored reasons, with a stand-in for a code that a later rules version dropped."""
        return [reasons.reason_for(code) for code in self.reason_codes]
