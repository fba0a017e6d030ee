"""The treatment course's writes: open, check in, save and sign a note, amend, adverse events, close.

Each is atomic and leaves an access-log row holding codes and counts only (treatment-course.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from screening.clinical import dose, session_rules
from screening.models import (
    AccessLog,
    AdverseEvent,
    Amendment,
    CheckIn,
    CheckInLink,
    CheckInOutcome,
    Course,
    DecisionChoice,
    SessionNote,
    Submission,
)
from screening.services import audit
from screening.services.submissions import rules_config

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

COURSE_FIELDS = (
    "prescriber",
    "prescription_date",
    "drug",
    "concentration",
    "order_type",
    "drug_source",
    "site",
    "side",
    "planned_sessions",
    "planned_dose",
    "electrode_product",
    "electrode_max_dose",
    "payer_context",
)


def _log(user: AbstractBaseUser | None, action: AccessLog.Action, course: Course, detail: str) -> None:
    audit.access_log_record(
        user=user, action=action, submission=course.submission, detail=f"course={course.pk} {detail}".strip()
    )


@transaction.atomic
def course_open(*, submission: Submission, therapist: AbstractBaseUser, fields: Mapping[str, Any]) -> Course:
    """The stored open course; ValidationError unless the latest decision is "suitable — book"."""
    # of=self: PostgreSQL locks no row on the nullable side of the join to the decision.
    latest = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("latest_decision")
        .get(pk=submission.pk)
    )
    if latest.latest_decision is None or latest.latest_decision.choice != DecisionChoice.SUITABLE:
        raise ValidationError("Only a submission booked as suitable can start a course.", code="not_booked")
    course = Course(
        submission=latest,
        opened_by=therapist,
        accepted_reason_codes=list(latest.reason_codes),
        **{name: fields[name] for name in COURSE_FIELDS if name in fields},
    )
    course.full_clean()
    course.save()
    _log(therapist, AccessLog.Action.COURSE_OPEN, course, f"planned={course.planned_sessions}")
    return course


def course_state(course: Course) -> session_rules.CourseState:
    """What the session rules need to know about the course, as it stands now."""
    return session_rules.CourseState(
        first_session=course.next_session_number() == 1,
        suspended=course.is_suspended(),
        consulted_since_last_session=course.consulted_since_last_session(),
    )


@transaction.atomic
def check_in_record(
    *,
    course: Course,
    answers: Mapping[str, object],
    recorded_by: AbstractBaseUser,
    filled_by: CheckIn.FilledBy,
    link: CheckInLink | None = None,
) -> CheckIn:
    """The stored check-in of the course's next session, assessed by the session rules.

    With a patient's `link`, the link is used up in the same transaction; ValidationError (saving
    nothing) if it was used or expired meanwhile. ValueError on an unknown answer code.
    """
    _require_open(course)
    if link is not None:
        used = CheckInLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=timezone.now())
        if not used.update(used_at=timezone.now()):
            raise ValidationError(
                "This check-in link has already been used or has expired.", code="link_used"
            )
    state = course_state(course)
    assessment = session_rules.assess_checkin(
        course.submission.answers,
        answers,
        accepted_codes=course.accepted_reason_codes,
        state=state,
        today=timezone.localdate(),
        config=rules_config(),
    )
    check_in = CheckIn.objects.create(
        course=course,
        session_number=course.next_session_number(),
        answers=dict(answers),
        outcome=assessment.outcome.value,
        reason_codes=list(assessment.reason_codes),
        accepted_codes=list(assessment.accepted_codes),
        rules_version=assessment.rules_version,
        session_rules_version=assessment.session_rules_version,
        filled_by=filled_by,
        recorded_by=recorded_by,
    )
    codes = ",".join(assessment.reason_codes) or "-"
    detail = f"session={check_in.session_number} outcome={check_in.outcome} reasons={codes} by={filled_by}"
    _log(recorded_by, AccessLog.Action.CHECK_IN, course, detail)
    return check_in


def _require_open(course: Course) -> None:
    if not Course.objects.filter(pk=course.pk, status=Course.Status.OPEN).exists():
        raise ValidationError("This course is closed.", code="course_closed")


def _computed(note: SessionNote, course: Course) -> dict[str, list[ValidationError]]:
    """Fills in the note's duration, minutes and units; the errors found, by field."""
    errors: dict[str, list[ValidationError]] = {}

    def refuse(field: str, refused: dose.DoseError) -> None:
        errors.setdefault(field, []).append(ValidationError(str(refused), code=refused.code))

    try:
        note.duration_min = dose.duration_minutes(Decimal(note.planned_dose), Decimal(note.current_ma))
    except dose.DoseError as refused:
        refuse("current_ma", refused)
    try:
        dose.check_delivered(Decimal(note.delivered_dose), course.electrode_max_dose, note.override_note)
    except dose.DoseError as refused:
        refuse("override_note", refused)
    try:
        note.attended_minutes = dose.attended_minutes(note.started_at, note.stopped_at)
    except dose.DoseError as refused:
        refuse("stopped_at", refused)
    else:
        earlier = SessionNote.objects.filter(course=course, session_date=note.session_date, patch=False)
        today = sum(earlier.exclude(pk=note.pk).values_list("attended_minutes", flat=True))
        note.units_97033 = dose.session_units(today, note.attended_minutes, patch=note.patch)
    if note.patch and not (
        note.patch_applied_at and note.patch_removed_at and note.patch_removed_at > note.patch_applied_at
    ):
        errors["patch_removed_at"] = [
            ValidationError("Give when the patch was applied and removed.", code="patch_times")
        ]
    return errors


_SIGN_REQUIRES = {
    "skin_intact": "Check the skin at both electrode sites before signing.",
    "sensation_tested": "Test sensation before signing.",
}


def _sign_errors(note: SessionNote, course: Course) -> dict[str, list[ValidationError]]:
    errors: dict[str, list[ValidationError]] = {}
    for field, message in _SIGN_REQUIRES.items():
        if not getattr(note, field):
            errors[field] = [ValidationError(message, code="required_to_sign")]
    if not note.patch and not note.constant_attendance:
        errors["constant_attendance"] = [
            ValidationError(
                "97033 needs constant attendance: attest it before signing.", code="required_to_sign"
            )
        ]
    if course.is_suspended():
        errors["__all__"] = [
            ValidationError(
                "The course is suspended until a physician consult is recorded.", code="suspended"
            )
        ]
    return errors


@transaction.atomic
def session_note_save(
    *,
    check_in: CheckIn,
    clinician: AbstractBaseUser,
    fields: Mapping[str, Any],
    sign: bool,
) -> SessionNote:
    """The check-in's session note, created or updated while a draft, and signed if `sign`.

    ValidationError by field, saving nothing: the note is signed already; the check-in says "do not
    treat"; a "must clear" check-in without a clearance note; a session beyond the plan without a
    note; a dose, current or time the arithmetic of clinical.dose refuses; or, to sign, the checks
    and the attestation left out, or the course suspended.
    """
    course = Course.objects.select_for_update().select_related("submission").get(pk=check_in.course_id)
    _require_open(course)
    note = SessionNote.objects.filter(check_in=check_in).first() or SessionNote(
        course=course, check_in=check_in, session_number=check_in.session_number
    )
    if note.is_signed:
        raise ValidationError("This note is signed: add an amendment instead.", code="signed")
    if note._state.adding and course.check_ins.values_list("pk", flat=True).first() != check_in.pk:
        raise ValidationError(
            "A newer check-in was recorded: write the note from that one.", code="stale_check_in"
        )
    if check_in.outcome == CheckInOutcome.DO_NOT_TREAT:
        raise ValidationError(
            "The check-in says do not treat: no session can be recorded.", code="do_not_treat"
        )
    for name, value in fields.items():
        setattr(note, name, value)
    note.clinician = clinician
    errors = _computed(note, course)
    if check_in.outcome == CheckInOutcome.CLEAR_FIRST and not note.clearance_note.strip():
        errors["clearance_note"] = [
            ValidationError("Say why the session may go ahead.", code="clearance_required")
        ]
    if note.session_number > course.planned_sessions and not note.beyond_plan_note.strip():
        errors["beyond_plan_note"] = [
            ValidationError("Say why a session beyond the plan.", code="beyond_plan")
        ]
    if sign:
        errors.update(_sign_errors(note, course))
        note.signed_at = timezone.now()
    if errors:
        raise ValidationError(errors)
    note.full_clean()
    note.save()
    action = AccessLog.Action.SESSION_SIGN if sign else AccessLog.Action.SESSION_SAVE
    _log(
        clinician,
        action,
        course,
        f"session={note.session_number} units={note.units_97033} skin={note.skin_result}",
    )
    return note


@transaction.atomic
def amendment_add(*, note: SessionNote, author: AbstractBaseUser, reason: str, text: str) -> Amendment:
    """A stored amendment beside a signed note, which itself stays as it was signed."""
    if not SessionNote.objects.filter(pk=note.pk, signed_at__isnull=False).exists():
        raise ValidationError(
            "Only a signed note is amended; a draft can still be changed.", code="not_signed"
        )
    amendment = Amendment(note=note, author=author, reason=reason.strip(), text=text.strip())
    amendment.full_clean()
    amendment.save()
    _log(
        author, AccessLog.Action.AMEND, note.course, f"session={note.session_number} amendment={amendment.pk}"
    )
    return amendment


@transaction.atomic
def adverse_event_record(
    *,
    course: Course,
    recorded_by: AbstractBaseUser,
    fields: Mapping[str, Any],
    note: SessionNote | None = None,
) -> AdverseEvent:
    """The stored event, naming the check-in and rules that let its session go ahead.

    A burn or blister always suspends the course until a physician consult is recorded. Without a
    `note`, the event belongs to the last signed session, if there is one.
    """
    note = note or course.notes.filter(signed_at__isnull=False).order_by("-session_number").first()
    event = AdverseEvent(course=course, note=note, recorded_by=recorded_by, **fields)
    # Burns and blisters always suspend (the issue's rule, firmer than §4's "by default"); other
    # events suspend only when the therapist says so.
    event.suspends = event.kind in AdverseEvent.SUSPENDING or bool(fields.get("suspends", False))
    if note is not None:
        event.check_in = note.check_in
        event.rules_version = note.check_in.rules_version
        event.session_rules_version = note.check_in.session_rules_version
    event.full_clean()
    event.save()
    detail = f"event={event.pk} kind={event.kind} suspends={'yes' if event.suspends else 'no'}"
    detail += f" check_in={event.check_in_id or '-'} rules={event.session_rules_version or '-'}"
    _log(recorded_by, AccessLog.Action.ADVERSE_EVENT, course, detail)
    return event


@transaction.atomic
def physician_consult_record(
    *, event: AdverseEvent, therapist: AbstractBaseUser, consulted_at: datetime, physician: str, advice: str
) -> AdverseEvent:
    """The event with its physician consult; ValidationError if one is recorded already or in the future."""
    event = AdverseEvent.objects.select_for_update().select_related("course__submission").get(pk=event.pk)
    if event.physician_consulted_at is not None:
        raise ValidationError("A physician consult is already recorded for this event.", code="consulted")
    if consulted_at > timezone.now():
        raise ValidationError({"physician_consulted_at": "The consult cannot be in the future."})
    event.physician_consulted_at, event.physician, event.consult_note = (
        consulted_at,
        physician.strip(),
        advice.strip(),
    )
    event.consult_recorded_by = therapist
    event.full_clean()
    event.save()
    _log(therapist, AccessLog.Action.CONSULT, event.course, f"event={event.pk}")
    return event


@transaction.atomic
def course_close(
    *, course: Course, therapist: AbstractBaseUser, status: Course.Status, reason: str
) -> Course:
    """The closed course; a course stopped early, or after an event, needs a reason."""
    _require_open(course)
    if status == Course.Status.OPEN:
        raise ValidationError({"status": "Choose how the course ended."})
    if status != Course.Status.COMPLETED and not reason.strip():
        raise ValidationError({"close_reason": "Say why the course stopped."})
    course.status, course.close_reason, course.closed_at = status, reason.strip(), timezone.now()
    course.full_clean()
    course.save(update_fields=["status", "close_reason", "closed_at"])
    _log(therapist, AccessLog.Action.COURSE_CLOSE, course, f"status={status}")
    return course
