"""Courses, check-ins and signed sessions made through the services, for any test module."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from screening import services
from screening.models import CheckIn, Course, SessionNote, Submission
from tests.support.answers import make_answers
from tests.support.checkins import make_checkin
from tests.support.factories import SubmissionFactory

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def course_fields(**overrides: Any) -> dict[str, Any]:
    """What a therapist types to open a course for a dexamethasone tendonitis patient."""
    return {
        "prescriber": "Dr. Ana Ortiz, MD",
        "prescription_date": date(2026, 11, 20),
        "drug": "dexamethasone",
        "concentration": "4 mg/mL",
        "order_type": "patient_specific",
        "drug_source": "dispensed",
        "site": "Lateral elbow",
        "side": "right",
        "planned_sessions": 6,
        "planned_dose": Decimal("40"),
        "electrode_product": "DUPEL B.L.U.E.",
        "electrode_max_dose": Decimal("80"),
        "payer_context": "Medicare Part B; check 97033 coverage",
        **overrides,
    }


def note_fields(on: date | None = None, **overrides: Any) -> dict[str, Any]:
    """A complete, signable session note: 40 mA·min at 4 mA, attended 9:00 to 9:15 (1 unit)."""
    day = on or timezone.localdate()
    start = timezone.make_aware(datetime.combine(day, time(9, 0)))
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
        "placement": "Active over lateral epicondyle, return on the forearm",
        "current_ma": Decimal("4.0"),
        "planned_dose": Decimal("40"),
        "delivered_dose": Decimal("40"),
        "skin_result": "expected_redness",
        "aftercare_given": True,
        "pain_before": 6,
        "pain_after": 4,
        "started_at": start,
        "stopped_at": start + timedelta(minutes=15),
        "constant_attendance": True,
        **overrides,
    }


def booked_submission(therapist: User, **answers: Any) -> Submission:
    """A stored submission with the given answers, booked as "suitable" by the therapist."""
    submission = SubmissionFactory(answers=make_answers(**answers))
    services.decision_record(
        submission=submission,
        therapist=therapist,
        choice="suitable",
        note="Booked after exam",
        seen_decision_id=None,
    )
    return submission


def open_course(therapist: User, submission: Submission | None = None, **fields: Any) -> Course:
    """A course opened through the service, from a freshly booked submission unless one is given."""
    return services.course_open(
        submission=submission or booked_submission(therapist),
        therapist=therapist,
        fields=course_fields(**fields),
    )


def signed_session(
    therapist: User, course: Course, *, checkin: dict[str, Any] | None = None, **note: Any
) -> SessionNote:
    """The course's next session: a check-in filled in by the therapist, and its signed note."""
    check_in = services.check_in_record(
        course=course,
        answers=checkin or make_checkin(),
        recorded_by=therapist,
        filled_by=CheckIn.FilledBy.THERAPIST,
    )
    return services.session_note_save(
        check_in=check_in, clinician=therapist, fields=note_fields(**note), sign=True
    )


def as_post(fields: dict[str, Any]) -> dict[str, Any]:
    """Form data as a browser sends it: dates, local date-times and check boxes as text; False left out."""
    data: dict[str, Any] = {}
    for name, value in fields.items():
        if value is False or value is None:
            continue
        if isinstance(value, datetime):
            data[name] = timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
        elif isinstance(value, date):
            data[name] = value.isoformat()
        elif value is True:
            data[name] = "on"
        else:
            data[name] = value if isinstance(value, list) else str(value)
    return data
