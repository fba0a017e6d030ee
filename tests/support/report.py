"""What the rules report's tests start from: submissions sent on given days, decided or not."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from screening import services
from screening.models import Submission
from tests.support.answers import make_answers

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PACEMAKER = {"has_implanted_electronic_device": "yes"}  # NS-IMPLANT: likely not suitable
NUMB = {"reduced_feeling_at_site": "yes"}  # NR-REDUCED-FEELING: needs review


def noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def sent(day: date, n: int = 1, **answers: Any) -> list[Submission]:
    """`n` submissions sent at noon on `day`, with these answers over the all-clear baseline."""
    contact = services.Contact(first_name="Ana", last_name="Lopez", phone="(555) 010-0000", email="")
    built = [
        services.submission_build(answers=make_answers(**answers), contact=contact, created_at=noon(day))
        for _ in range(n)
    ]
    services.submissions_bulk_create(built)
    return list(Submission.objects.filter(created_at=noon(day)).order_by("-id")[:n])


def decided(submission: Submission, therapist: User, choice: str, note: str = "") -> Submission:
    """The submission with a new latest decision (a note makes an override allowed)."""
    services.decision_record(
        submission=submission,
        therapist=therapist,
        choice=choice,
        note=note,
        seen_decision_id=submission.latest_decision_id,
    )
    submission.refresh_from_db()
    return submission
