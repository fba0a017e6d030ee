"""The stored aggregates, one module each, re-exported here so that `screening.models.X` and the
migrations keep working wherever a model lives."""

from __future__ import annotations

from screening.models.alert import ReviewAlertPending, ReviewAlertState
from screening.models.appendonly import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet
from screening.models.audit import AccessLog
from screening.models.course import (
    AdverseEvent,
    Amendment,
    CheckIn,
    CheckInLink,
    CheckInOutcome,
    Course,
    CourseQuerySet,
    Drug,
    SessionNote,
)
from screening.models.decision import OVERRIDES, Decision, DecisionChoice, is_override
from screening.models.submission import Outcome, Submission, SubmissionQuerySet
from screening.models.tally import SubmissionDayTally, SubmissionTally
from screening.models.therapist import TherapistProfile, credentials_of, therapist_display
from screening.models.twofactor import (
    SealedTOTPDevice,
    SecretUnreadable,
    recovery_code_digest,
    recovery_code_digests,
)
from screening.references import as_reference, new_reference

__all__ = [
    "OVERRIDES",
    "AccessLog",
    "AdverseEvent",
    "Amendment",
    "AppendOnlyError",
    "AppendOnlyModel",
    "AppendOnlyQuerySet",
    "CheckIn",
    "CheckInLink",
    "CheckInOutcome",
    "Course",
    "CourseQuerySet",
    "Decision",
    "DecisionChoice",
    "Drug",
    "Outcome",
    "ReviewAlertPending",
    "ReviewAlertState",
    "SealedTOTPDevice",
    "SecretUnreadable",
    "SessionNote",
    "Submission",
    "SubmissionDayTally",
    "SubmissionQuerySet",
    "SubmissionTally",
    "TherapistProfile",
    "as_reference",
    "credentials_of",
    "is_override",
    "new_reference",
    "recovery_code_digest",
    "recovery_code_digests",
    "therapist_display",
]
