from __future__ import annotations

import secrets
import uuid
from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from screening import rules

# No 0/O, 1/I/L: a patient reads this code out on the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """A short code such as "K7MQ-4XPD" (31**8 possibilities), random and not derived from data."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


class Outcome(models.TextChoices):
    LIKELY_SUITABLE = rules.Outcome.LIKELY_SUITABLE.value, _("Likely suitable")
    NEEDS_REVIEW = rules.Outcome.NEEDS_REVIEW.value, _("Needs review")
    NOT_SUITABLE = rules.Outcome.NOT_SUITABLE.value, _("Likely not suitable")


class SubmissionQuerySet(models.QuerySet):
    def newest_first(self) -> SubmissionQuerySet:
        return self.order_by("-created_at", "-id")


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

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("review_submission", "Can review screening submissions")]
        indexes = [models.Index(fields=["-created_at", "-id"], name="submission_newest")]
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
