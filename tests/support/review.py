"""What the therapist's tests share: the detail page's address, and a decision made the short way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.urls import reverse

from screening import services

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from screening.models import Decision, Submission


def detail_url(submission: Submission) -> str:
    return reverse("screening:review-detail", args=[submission.code])


def decide(
    submission: Submission,
    therapist: User,
    choice: str = "call_patient",
    note: str = "",
    *,
    seen: int | Literal["latest"] | None = "latest",
) -> Decision:
    """A decision through services.decision_record, as the decide form sends it.

    By default the therapist's page showed the latest decision; pass `seen` (a decision id, or None
    for "none yet") to send from a page that may be stale.
    """
    seen_id = submission.latest_decision_id if seen == "latest" else seen
    return services.decision_record(
        submission=submission, therapist=therapist, choice=choice, note=note, seen_decision_id=seen_id
    )
