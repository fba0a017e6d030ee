"""The course's services on the real database: open, check in, sign, amend, adverse events, close."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from screening import services
from screening.models import (
    AccessLog,
    AdverseEvent,
    Amendment,
    AppendOnlyError,
    CheckIn,
    CheckInLink,
    Course,
    SessionNote,
)
from tests.support.checkins import make_checkin
from tests.support.courses import booked_submission, course_fields, note_fields, open_course, signed_session
from tests.support.factories import SubmissionFactory

pytestmark = pytest.mark.django_db
THERAPIST = CheckIn.FilledBy.THERAPIST


def _codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def _check_in(therapist: User, course: Course, **answers: object) -> CheckIn:
    return services.check_in_record(
        course=course, answers=make_checkin(**answers), recorded_by=therapist, filled_by=THERAPIST
    )


def test_a_course_opens_from_a_booked_submission_with_its_accepted_reasons(therapist: User) -> None:
    submission = booked_submission(therapist, depth="unsure")
    course = services.course_open(submission=submission, therapist=therapist, fields=course_fields())
    assert (course.status, course.accepted_reason_codes) == (Course.Status.OPEN, ["NR-DEPTH"])
    log = AccessLog.objects.get(action=AccessLog.Action.COURSE_OPEN)
    assert (log.submission, log.detail) == (submission, f"course={course.pk} planned=6")


def test_an_undecided_submission_cannot_open_a_course(therapist: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.course_open(submission=SubmissionFactory(), therapist=therapist, fields=course_fields())
    assert refused.value.code == "not_booked"
    assert not Course.objects.exists()


@pytest.mark.parametrize("choice", ["not_suitable", "call_patient"])
def test_a_submission_whose_latest_decision_is_not_suitable_cannot_open_a_course(
    therapist: User, choice: str
) -> None:
    submission = booked_submission(therapist)
    services.decision_record(
        submission=submission,
        therapist=therapist,
        choice=choice,
        note="Changed my mind",
        seen_decision_id=submission.latest_decision_id,
    )
    with pytest.raises(ValidationError):
        services.course_open(submission=submission, therapist=therapist, fields=course_fields())


def test_a_planned_dose_above_the_electrode_maximum_is_refused(therapist: User) -> None:
    with pytest.raises(ValidationError):
        open_course(therapist, planned_dose=Decimal("90"))
    assert not Course.objects.exists()


def test_a_first_check_in_that_is_clear_says_go_and_is_logged(therapist: User) -> None:
    course = open_course(therapist)
    check_in = _check_in(therapist, course)
    assert (check_in.session_number, check_in.outcome, check_in.reason_codes) == (1, "go", [])
    log = AccessLog.objects.get(action=AccessLog.Action.CHECK_IN)
    assert log.detail == f"course={course.pk} session=1 outcome=go reasons=- by=therapist"


def test_a_new_pregnancy_at_check_in_is_do_not_treat_and_no_note_can_be_saved(therapist: User) -> None:
    course = open_course(therapist)
    check_in = _check_in(therapist, course, new_safety_change=["pregnant"])
    assert (check_in.outcome, check_in.reason_codes) == ("do_not_treat", ["NS-PREGNANT"])
    with pytest.raises(ValidationError) as refused:
        services.session_note_save(check_in=check_in, clinician=therapist, fields=note_fields(), sign=True)
    assert refused.value.code == "do_not_treat"
    assert not SessionNote.objects.exists()


def test_a_signed_session_computes_duration_minutes_and_units(therapist: User) -> None:
    note = signed_session(therapist, open_course(therapist))
    assert (note.duration_min, note.attended_minutes, note.units_97033) == (Decimal("10.0"), 15, 1)
    assert note.is_signed
    assert AccessLog.objects.filter(action=AccessLog.Action.SESSION_SIGN).count() == 1


@pytest.mark.parametrize(("minutes", "units"), [(7, 0), (8, 1), (22, 1), (23, 2)])
def test_the_signed_units_follow_the_eight_minute_rule(therapist: User, minutes: int, units: int) -> None:
    start = timezone.now() - timedelta(hours=2)
    note = signed_session(
        therapist, open_course(therapist), started_at=start, stopped_at=start + timedelta(minutes=minutes)
    )
    assert note.units_97033 == units


def test_a_must_clear_check_in_needs_a_clearance_note_to_go_ahead(therapist: User) -> None:
    course = open_course(therapist)
    check_in = _check_in(therapist, course, metal_on_site="yes")
    with pytest.raises(ValidationError) as refused:
        services.session_note_save(check_in=check_in, clinician=therapist, fields=note_fields(), sign=True)
    assert _codes(refused.value) == {"clearance_note": ["clearance_required"]}
    fields = note_fields(clearance_note="Ring removed before treatment")
    assert services.session_note_save(
        check_in=check_in, clinician=therapist, fields=fields, sign=True
    ).is_signed


def test_zero_current_is_refused_and_nothing_is_saved(therapist: User) -> None:
    check_in = _check_in(therapist, open_course(therapist))
    with pytest.raises(ValidationError) as refused:
        services.session_note_save(
            check_in=check_in, clinician=therapist, fields=note_fields(current_ma=Decimal("0")), sign=False
        )
    assert "current_not_positive" in _codes(refused.value)["current_ma"]
    assert not SessionNote.objects.exists()


def test_a_delivered_dose_above_the_electrode_maximum_needs_an_override_note(therapist: User) -> None:
    check_in = _check_in(therapist, open_course(therapist))
    fields = note_fields(delivered_dose=Decimal("80.5"))
    with pytest.raises(ValidationError) as refused:
        services.session_note_save(check_in=check_in, clinician=therapist, fields=fields, sign=True)
    assert _codes(refused.value) == {"override_note": ["above_electrode_max"]}
    fields["override_note"] = "Device overshoot at the end; skin checked, no reaction"
    assert services.session_note_save(
        check_in=check_in, clinician=therapist, fields=fields, sign=True
    ).is_signed


def test_exactly_the_electrode_maximum_signs_without_an_override(therapist: User) -> None:
    note = signed_session(therapist, open_course(therapist), delivered_dose=Decimal("80"))
    assert note.delivered_dose == Decimal("80")


def test_signing_needs_the_skin_and_sensation_checks_and_attendance(therapist: User) -> None:
    check_in = _check_in(therapist, open_course(therapist))
    fields = note_fields(skin_intact=False, sensation_tested=False, constant_attendance=False)
    with pytest.raises(ValidationError) as refused:
        services.session_note_save(check_in=check_in, clinician=therapist, fields=fields, sign=True)
    assert set(_codes(refused.value)) == {"skin_intact", "sensation_tested", "constant_attendance"}
    draft = services.session_note_save(check_in=check_in, clinician=therapist, fields=fields, sign=False)
    assert not draft.is_signed


def test_a_draft_can_be_changed_and_then_signed(therapist: User) -> None:
    check_in = _check_in(therapist, open_course(therapist))
    services.session_note_save(
        check_in=check_in, clinician=therapist, fields=note_fields(pain_after=5), sign=False
    )
    note = services.session_note_save(
        check_in=check_in, clinician=therapist, fields=note_fields(pain_after=3), sign=True
    )
    assert (SessionNote.objects.count(), note.pain_after, note.is_signed) == (1, 3, True)


def test_a_signed_note_cannot_be_saved_again_only_amended(therapist: User) -> None:
    note = signed_session(therapist, open_course(therapist))
    with pytest.raises(ValidationError) as refused:
        services.session_note_save(
            check_in=note.check_in, clinician=therapist, fields=note_fields(pain_after=0), sign=True
        )
    assert refused.value.code == "signed"
    amendment = services.amendment_add(
        note=note, author=therapist, reason="Typo", text="Pain after was 3, not 4"
    )
    note.refresh_from_db()
    assert (note.pain_after, list(note.amendments.all())) == (4, [amendment])
    assert AccessLog.objects.filter(action=AccessLog.Action.AMEND).count() == 1


def test_an_amendment_is_never_changed(therapist: User) -> None:
    note = signed_session(therapist, open_course(therapist))
    amendment = services.amendment_add(note=note, author=therapist, reason="Typo", text="Lot L2026-119")
    amendment.text = "something else"
    with pytest.raises(AppendOnlyError):
        amendment.save()
    assert Amendment.objects.get().text == "Lot L2026-119"


def test_a_draft_cannot_be_amended(therapist: User) -> None:
    check_in = _check_in(therapist, open_course(therapist))
    draft = services.session_note_save(
        check_in=check_in, clinician=therapist, fields=note_fields(), sign=False
    )
    with pytest.raises(ValidationError):
        services.amendment_add(note=draft, author=therapist, reason="x", text="y")


def test_a_note_from_a_stale_check_in_is_refused(therapist: User) -> None:
    course = open_course(therapist)
    old = _check_in(therapist, course, metal_on_site="yes")
    _check_in(therapist, course)
    with pytest.raises(ValidationError) as refused:
        services.session_note_save(check_in=old, clinician=therapist, fields=note_fields(), sign=True)
    assert refused.value.code == "stale_check_in"


def test_a_blister_suspends_the_course_until_a_physician_consult(therapist: User) -> None:
    course = open_course(therapist)
    # Yesterday's session, so that a consult now comes after it at any hour (a note of today's
    # session stops at 9:15, after "now" early in the morning).
    first = signed_session(therapist, course, on=timezone.localdate() - timedelta(days=1))
    event = services.adverse_event_record(
        course=course,
        recorded_by=therapist,
        fields={
            "kind": "blister",
            "occurred_on": timezone.localdate(),
            "size_and_site": "5 mm under the active pad",
            "action_taken": "Cooled, covered, patient told to call",
            "suspends": False,
        },
    )
    assert (event.suspends, event.note, event.check_in) == (True, first, first.check_in)
    assert event.session_rules_version == first.check_in.session_rules_version
    assert course.is_suspended()
    assert Course.objects.with_progress().get(pk=course.pk).blocked
    blocked = _check_in(therapist, course, after_last_session=["blister"])
    assert (blocked.outcome, blocked.reason_codes[0]) == ("do_not_treat", "CI-COURSE-SUSPENDED")

    services.physician_consult_record(
        event=event,
        therapist=therapist,
        consulted_at=timezone.now(),
        physician="Dr. Ortiz",
        advice="Resume at 2 mA",
    )
    assert not course.is_suspended()
    cleared = _check_in(therapist, course, after_last_session=["blister"])
    assert (cleared.outcome, cleared.reason_codes) == ("clear_first", ["NR-SESSION-BURN-SEEN"])
    actions = set(AccessLog.objects.values_list("action", flat=True))
    assert {AccessLog.Action.ADVERSE_EVENT, AccessLog.Action.CONSULT} <= actions


def test_a_signed_note_with_a_burn_blocks_the_course_until_the_event_is_recorded(therapist: User) -> None:
    course = open_course(therapist)
    signed_session(therapist, course, skin_result="burn")
    assert course.is_suspended()
    assert _check_in(therapist, course).outcome == "do_not_treat"


def test_a_consult_cannot_be_recorded_twice(therapist: User) -> None:
    course = open_course(therapist)
    event = services.adverse_event_record(
        course=course,
        recorded_by=therapist,
        fields={
            "kind": "rash",
            "occurred_on": timezone.localdate(),
            "size_and_site": "forearm",
            "action_taken": "none",
        },
    )
    services.physician_consult_record(
        event=event, therapist=therapist, consulted_at=timezone.now(), physician="Dr. O", advice=""
    )
    with pytest.raises(ValidationError):
        services.physician_consult_record(
            event=event, therapist=therapist, consulted_at=timezone.now(), physician="Dr. O", advice=""
        )
    assert not AdverseEvent.objects.get().suspends


def test_a_session_beyond_the_plan_needs_a_note(therapist: User) -> None:
    course = open_course(therapist, planned_sessions=1)
    signed_session(therapist, course)
    check_in = _check_in(therapist, course)
    with pytest.raises(ValidationError) as refused:
        services.session_note_save(check_in=check_in, clinician=therapist, fields=note_fields(), sign=True)
    assert _codes(refused.value) == {"beyond_plan_note": ["beyond_plan"]}


def test_a_second_session_the_same_day_shares_the_days_four_units(therapist: User) -> None:
    course = open_course(therapist)
    start = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
    signed_session(
        therapist,
        course,
        started_at=start,
        stopped_at=start + timedelta(minutes=53),
        session_date=timezone.localdate(start),
    )
    second = signed_session(
        therapist,
        course,
        started_at=start + timedelta(hours=3),
        stopped_at=start + timedelta(hours=3, minutes=30),
        session_date=timezone.localdate(start),
    )
    assert second.units_97033 == 0


def test_a_patient_link_works_once_for_its_session_only(therapist: User) -> None:
    course = open_course(therapist)
    token = services.check_in_link_create(course=course, therapist=therapist)
    link = services.check_in_link_find(token)
    assert link is not None and link.session_number == 1
    check_in = services.check_in_record(
        course=course,
        answers=make_checkin(),
        recorded_by=therapist,
        filled_by=CheckIn.FilledBy.PATIENT,
        link=link,
    )
    assert check_in.filled_by == "patient"
    assert services.check_in_link_find(token) is None
    with pytest.raises(ValidationError) as refused:
        services.check_in_record(
            course=course,
            answers=make_checkin(),
            recorded_by=therapist,
            filled_by=CheckIn.FilledBy.PATIENT,
            link=link,
        )
    assert refused.value.code == "link_used"
    assert CheckIn.objects.count() == 1


def test_a_new_link_ends_the_earlier_one(therapist: User) -> None:
    course = open_course(therapist)
    first = services.check_in_link_create(course=course, therapist=therapist)
    second = services.check_in_link_create(course=course, therapist=therapist)
    assert (services.check_in_link_find(first), services.check_in_link_find(second) is not None) == (
        None,
        True,
    )


def test_a_link_expires_and_ends_when_its_session_is_recorded(therapist: User) -> None:
    course = open_course(therapist)
    token = services.check_in_link_create(course=course, therapist=therapist)
    signed_session(therapist, course)
    assert services.check_in_link_find(token) is None  # the course has moved on to session 2
    token = services.check_in_link_create(course=course, therapist=therapist)
    CheckInLink.objects.filter(used_at__isnull=True).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.check_in_link_find(token) is None


def test_only_the_hash_of_a_link_is_stored(therapist: User) -> None:
    token = services.check_in_link_create(course=open_course(therapist), therapist=therapist)
    assert token not in CheckInLink.objects.get().token_hash
    assert token not in "".join(AccessLog.objects.values_list("detail", flat=True))


def test_a_course_stopped_early_needs_a_reason_and_then_takes_no_check_in(therapist: User) -> None:
    course = open_course(therapist)
    with pytest.raises(ValidationError):
        services.course_close(course=course, therapist=therapist, status=Course.Status.STOPPED, reason=" ")
    services.course_close(
        course=course, therapist=therapist, status=Course.Status.STOPPED, reason="Patient moved"
    )
    with pytest.raises(ValidationError) as refused:
        _check_in(therapist, course)
    assert refused.value.code == "course_closed"


def test_erasing_a_submission_takes_its_course_sessions_amendments_and_events(therapist: User) -> None:
    course = open_course(therapist)
    note = signed_session(therapist, course, skin_result="blister")
    services.amendment_add(note=note, author=therapist, reason="Detail", text="Blister 5 mm")
    services.adverse_event_record(
        course=course,
        recorded_by=therapist,
        fields={
            "kind": "blister",
            "occurred_on": timezone.localdate(),
            "size_and_site": "5 mm",
            "action_taken": "Covered",
        },
    )
    services.check_in_link_create(course=course, therapist=therapist)
    entry = services.submission_erase(submission=course.submission, user=therapist)
    assert entry.detail == "decisions=1 courses=1"
    for model in (Course, CheckIn, CheckInLink, SessionNote, Amendment, AdverseEvent):
        assert not model._base_manager.exists(), model.__name__


def test_the_retention_purge_takes_old_courses_with_their_submissions(therapist: User) -> None:
    course = open_course(therapist)
    signed_session(therapist, course)
    services.submissions_purge(older_than=timezone.now() + timedelta(days=1))
    assert not Course.objects.exists()
    assert not SessionNote.objects.exists()
