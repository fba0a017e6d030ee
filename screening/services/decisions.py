"""A therapist's decision on a submission: stored beside the earlier ones, never over them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from screening import duplicates
from screening.models import AccessLog, Decision, DecisionChoice, Submission
from screening.services import audit, tallies

if TYPE_CHECKING:
    from datetime import datetime

    from django.contrib.auth.models import AbstractBaseUser


class DecisionConflict(Exception):
    """Another decision was stored after the one the therapist saw; nothing was saved."""

    def __init__(self, latest: Decision | None) -> None:
        super().__init__("the submission was decided by someone else in the meantime")
        self.latest = latest


NOT_A_DUPLICATE = _(
    "That submission is not a possible duplicate of this one (or no longer exists): nothing was saved. "
    "Choose one from the list."
)


def decision_build(
    *,
    submission: Submission,
    therapist: AbstractBaseUser,
    choice: str,
    note: str,
    duplicate_of_id: int | None = None,
    created_at: datetime | None = None,
) -> Decision:
    """An unsaved decision on the submission's automated outcome as it stands: the one place where a
    decision row is built (decision_record stores one; the demo seeding stores many at once)."""
    decision = Decision(
        submission=submission,
        therapist=therapist,
        choice=choice,
        duplicate_of_id=duplicate_of_id,
        note=note.strip(),
        automated_outcome=submission.outcome,
    )
    if created_at is not None:
        decision.created_at = created_at
    return decision


@transaction.atomic
def decision_record(
    *,
    submission: Submission,
    therapist: AbstractBaseUser,
    choice: str,
    note: str,
    seen_decision_id: int | None,
    duplicate_of_id: int | None = None,
) -> Decision:
    """The stored decision, now the submission's latest, and its audit row; earlier ones stay.

    Raises DecisionConflict, saving nothing, unless `seen_decision_id` is still the latest decision,
    and ValidationError when a decision against the automated outcome comes without a note, or a
    "duplicate of" names no possible duplicate of this submission (duplicates.matches_for).
    """
    original = None
    if choice == DecisionChoice.DUPLICATE:
        matches = {m.pk: m for m in duplicates.matches_for([submission])[submission.pk]}
        if (original := matches.get(duplicate_of_id or 0)) is None:
            raise ValidationError(NOT_A_DUPLICATE, code="not_a_duplicate")
    decision = decision_build(
        submission=submission,
        therapist=therapist,
        choice=choice,
        note=note,
        duplicate_of_id=duplicate_of_id,
    )
    decision.full_clean()
    decision.save()
    # Compare-and-set on the latest decision: of two therapists saving at once, one wins and the
    # other is told, on any database, without a lock held across the form round trip.
    swapped = Submission.objects.filter(pk=submission.pk, latest_decision_id=seen_decision_id).update(
        latest_decision=decision
    )
    if not swapped:
        latest = Submission.objects.select_related("latest_decision__therapist").get(pk=submission.pk)
        raise DecisionConflict(latest.latest_decision)
    if seen_decision_id is None:  # it was undecided until now
        # The outcome as stored now (the row is ours until commit), not as this page loaded it.
        outcome = Submission.objects.filter(pk=submission.pk).values_list("outcome", flat=True).get()
        day = tallies.tally_day(submission.created_at)
        tallies.tally_add({(outcome, False, day): -1, (outcome, True, day): 1})
    submission.latest_decision = decision
    override = "yes" if decision.is_override else "no"
    audit.access_log_record(
        user=therapist,
        action=AccessLog.Action.DECIDE,
        submission=submission,
        detail=f"decision={decision.pk} choice={choice} outcome={submission.outcome} override={override}"
        + (f" duplicate_of={original.reference}" if original else ""),
    )
    return decision
