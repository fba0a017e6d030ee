"""Demo treatment courses for `seed_demo`, made through the same services a therapist's pages use."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from screening import services
from screening.models import CheckIn, Course, DecisionChoice, Submission

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

CLEAR_CHECKIN = {
    "after_last_session": ["none"],
    "skin_today": "no",
    "new_numbness": "no",
    "new_safety_change": ["none"],
    "medicine_change": "no",
    "metal_on_site": "no",
}
# (signed sessions, the skin result of the last one, how the course stands): two complete, one
# stopped after a blister, one in progress with a ring to take off before session 4.
PLANS = (
    (6, "expected_redness", "completed"),
    (6, "none", "completed"),
    (2, "blister", "blister"),
    (3, "none", "open"),
)


def _course_fields(submission: Submission, days_ago: int) -> dict[str, Any]:
    return {
        "prescriber": "Dr. Ana Ortiz, MD",
        "prescription_date": timezone.localdate() - timedelta(days=days_ago + 3),
        "drug": "dexamethasone",
        "concentration": "4 mg/mL",
        "order_type": "patient_specific",
        "drug_source": "dispensed",
        "site": str(submission.answers.get("body_area", "elbow")).replace("_", " "),
        "side": "right",
        "planned_sessions": 6,
        "planned_dose": Decimal("40"),
        "electrode_product": "DUPEL B.L.U.E.",
        "electrode_max_dose": Decimal("80"),
        "payer_context": "Medicare Part B; 97033 covered with GP modifier",
    }


def _note(day_offset: int, skin: str) -> dict[str, Any]:
    day = timezone.localdate() - timedelta(days=day_offset)
    start = timezone.make_aware(datetime.combine(day, time(9, 30)))
    return {
        "session_date": day,
        "clinician_credentials": "PT, DPT",
        "skin_intact": True,
        "sensation_tested": True,
        "site_prepared": True,
        "patient_informed": True,
        "device": "Dynatron iBox, SN 4411",
        "electrode_lot": "L2026-118",
        "drug_volume_ml": Decimal("1.0"),
        "polarity": "negative",
        "placement": "Active over the sore spot, return 10 cm away",
        "current_ma": Decimal("4.0"),
        "planned_dose": Decimal("40"),
        "delivered_dose": Decimal("40"),
        "skin_result": skin,
        "aftercare_given": True,
        "pain_before": 6,
        "pain_after": 4,
        "started_at": start,
        "stopped_at": start + timedelta(minutes=12),
        "constant_attendance": True,
    }


def demo_courses_create(*, therapist: AbstractBaseUser) -> list[Course]:
    """Books the oldest undecided likely-suitable submissions and runs one course of PLANS each."""
    candidates = Submission.objects.filter(latest_decision__isnull=True, outcome="likely_suitable").order_by(
        "created_at"
    )
    courses = []
    for submission, (sessions, last_skin, ending) in zip(candidates[: len(PLANS)], PLANS, strict=False):
        services.decision_record(
            submission=submission,
            therapist=therapist,
            choice=DecisionChoice.SUITABLE,
            note="Demo: booked after exam",
            seen_decision_id=None,
        )
        course = services.course_open(
            submission=submission, therapist=therapist, fields=_course_fields(submission, 3 * sessions)
        )
        for n in range(1, sessions + 1):
            check_in = services.check_in_record(
                course=course,
                answers=CLEAR_CHECKIN,
                recorded_by=therapist,
                filled_by=CheckIn.FilledBy.THERAPIST,
            )
            skin = last_skin if n == sessions else "expected_redness"
            note = services.session_note_save(
                check_in=check_in, clinician=therapist, fields=_note(3 * (sessions - n) + 1, skin), sign=True
            )
        if ending == "blister":
            services.adverse_event_record(
                course=course,
                recorded_by=therapist,
                note=note,
                fields={
                    "kind": "blister",
                    "occurred_on": note.session_date,
                    "size_and_site": "6 mm under the active pad",
                    "action_taken": "Cooled, covered with a sterile dressing; patient to call if it grows",
                },
            )
            services.course_close(
                course=course,
                therapist=therapist,
                status=Course.Status.STOPPED_ADVERSE,
                reason="Blister after session 2",
            )
        elif ending == "completed":
            services.course_close(
                course=course, therapist=therapist, status=Course.Status.COMPLETED, reason=""
            )
        else:
            services.check_in_record(
                course=course,
                answers={**CLEAR_CHECKIN, "metal_on_site": "yes"},
                recorded_by=therapist,
                filled_by=CheckIn.FilledBy.THERAPIST,
            )
        courses.append(course)
    return courses
