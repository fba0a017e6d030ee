"""The one way a therapist view loads a submission: with the audit row saying who opened it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import get_object_or_404

from screening import services
from screening.models import AccessLog, Submission

if TYPE_CHECKING:
    import uuid

    from screening.accounts.decorators import TherapistRequest


def get_submission_for_therapist(
    request: TherapistRequest,
    code: uuid.UUID,
    *,
    action: AccessLog.Action = AccessLog.Action.VIEW,
    detail: str = "",
) -> Submission:
    """The submission, and the audit row saying this therapist viewed (or exported) it; 404 if none."""
    submission = get_object_or_404(Submission.objects.select_related("latest_decision__therapist"), code=code)
    services.access_log_record(user=request.user, action=action, submission=submission, detail=detail)
    return submission
