from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from screening.models.appendonly import AppendOnlyModel
from screening.models.submission import Outcome, Submission


class DecisionChoice(models.TextChoices):
    SUITABLE = "suitable", _("Suitable — book iontophoresis")
    NOT_SUITABLE = "not_suitable", _("Not suitable")
    CALL_PATIENT = "call_patient", _("Call the patient first")
    # No treatment decision: the patient's other submission is the one to decide (duplicates.py).
    DUPLICATE = "duplicate", _("Duplicate of another submission")


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
    # The submission this one duplicates: set for a DUPLICATE decision, and only for it. Erasing that
    # submission takes this decision with it (services/retention.py puts the earlier one back).
    duplicate_of = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="+", editable=False
    )
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
            models.CheckConstraint(
                condition=Q(choice=DecisionChoice.DUPLICATE, duplicate_of__isnull=False)
                | (~Q(choice=DecisionChoice.DUPLICATE) & Q(duplicate_of__isnull=True)),
                name="decision_duplicate_of_only_for_duplicate",
                violation_error_message=_("Choose which submission this one duplicates."),
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=models.F("submission")), name="decision_not_duplicate_of_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_choice_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_override(self) -> bool:
        return is_override(self.choice, self.automated_outcome)
