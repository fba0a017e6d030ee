"""The therapist's course pages: the list, opening a course, the course, check-in, notes, events."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from screening import services
from screening.accounts.decorators import TherapistRequest, therapist_required
from screening.clinical import questions
from screening.clinical.session_rules import session_reason_for
from screening.exports import csv as csv_export
from screening.exports import sessions_csv
from screening.forms.course import (
    AdverseEventForm,
    AmendmentForm,
    CheckInForm,
    ConsultForm,
    CourseCloseForm,
    CourseOpenForm,
    SessionNoteForm,
)
from screening.models import (
    AccessLog,
    AdverseEvent,
    Amendment,
    CheckIn,
    CheckInOutcome,
    Course,
    SessionNote,
    Submission,
)

# Shown for a device-related serious injury; whether the clinic is a device user facility is for
# the clinic to confirm (21 CFR 803.30), so the reminder can be switched off with 0.
SERIOUS_KINDS = frozenset({AdverseEvent.Kind.BURN_2.value, AdverseEvent.Kind.BURN_3.value})


def _get_course_for_therapist(request: TherapistRequest, code: uuid.UUID, *, detail: str = "") -> Course:
    """The course, and the audit row saying this therapist opened it; 404 if there is none."""
    course = get_object_or_404(Course.objects.select_related("submission"), code=code)
    services.access_log_record(
        user=request.user,
        action=AccessLog.Action.VIEW,
        submission=course.submission,
        detail=f"course={course.pk} {detail}".strip(),
    )
    return course


@transaction.non_atomic_requests
@therapist_required
@require_safe
def course_list(request: TherapistRequest) -> HttpResponse:
    courses = list(Course.objects.for_list())
    services.access_log_record(
        user=request.user, action=AccessLog.Action.VIEW, detail=f"courses rows={len(courses)}"
    )
    return render(request, "screening/course/list.html", {"courses": courses})


@therapist_required
@require_safe
def course_sessions_export(request: TherapistRequest) -> StreamingHttpResponse:
    notes = (
        SessionNote.objects.filter(signed_at__isnull=False)
        .select_related("course__submission", "check_in", "clinician")
        .annotate(amendment_count=Count("amendments"))
        .order_by("course__opened_at", "course_id", "session_number")
    )
    services.access_log_record(
        user=request.user, action=AccessLog.Action.EXPORT, detail=f"sessions rows={notes.count()}"
    )
    rows = sessions_csv.session_rows(notes.iterator(chunk_size=1000))
    response = StreamingHttpResponse(csv_export.csv_chunks(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sessions-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


@therapist_required
@require_http_methods(["GET", "HEAD", "POST"])
def course_open(request: TherapistRequest, code: uuid.UUID) -> HttpResponse:
    submission = get_object_or_404(Submission.objects.select_related("latest_decision"), code=code)
    services.access_log_record(
        user=request.user, action=AccessLog.Action.VIEW, submission=submission, detail="course form"
    )
    # The screened body area in words, as a start: a new site needs a new screening.
    site = questions.option_labels("body_area", submission.answers.get("body_area"))
    form = CourseOpenForm(request.POST or None, initial={"site": site[0] if site else ""})
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_open(
                submission=submission, therapist=request.user, fields=form.cleaned_data
            )
        except ValidationError as refused:
            _refuse(form, refused)
        else:
            messages.success(request, _("Course opened."))
            return redirect("screening:course-detail", course.code)
    return render(request, "screening/course/open.html", {"form": form, "submission": submission})


def _refuse(form: forms.Form, refused: ValidationError) -> None:
    # A service's refusal above the form: its messages, whatever field the service named.
    form.add_error(None, refused.messages)


def _work_days_after(day: date, n: int) -> date:
    while n:
        day += timedelta(days=1)
        n -= day.weekday() < 5
    return day


def _next_step(course: Course, notes: list[SessionNote], latest: CheckIn | None, suspended: bool) -> str:
    if not course.is_open:
        return course.get_status_display()
    if suspended:
        return _("Suspended: record the physician consult before any further session.")
    noted = {n.check_in_id for n in notes}
    if latest and latest.pk not in noted:
        if latest.outcome == CheckInOutcome.DO_NOT_TREAT:
            return _("Do not treat today: check in again on another day.")
        return _("Write and sign the note of session %(n)s.") % {"n": latest.session_number}
    if any(not n.is_signed for n in notes):
        return _("Sign the draft note.")
    if len(notes) >= course.planned_sessions:
        return _("All planned sessions done: close the course.")
    return _("Check in for session %(n)s.") % {"n": course.next_session_number()}


@therapist_required
@require_safe
def course_detail(request: TherapistRequest, code: uuid.UUID) -> HttpResponse:
    course = _get_course_for_therapist(request, code)
    return _render_course(request, course)


def _render_course(
    request: TherapistRequest, course: Course, *, status: int = 200, **extra: object
) -> HttpResponse:
    notes = list(course.notes.select_related("check_in", "clinician"))
    check_ins = list(course.check_ins.select_related("note"))
    events = list(course.adverse_events.select_related("recorded_by", "check_in"))
    suspended = course.is_suspended()
    report_days = getattr(settings, "DEVICE_REPORT_WORK_DAYS", 10)
    for event in events:
        event.follow_up_by = event.recorded_at + timedelta(hours=24)
        event.report_by = (
            _work_days_after(event.occurred_on, report_days)
            if report_days and event.kind in SERIOUS_KINDS
            else None
        )
    context = {
        "course": course,
        "submission": course.submission,
        "notes": notes,
        "signed": sum(n.is_signed for n in notes),
        "check_ins": [(c, [session_reason_for(r) for r in c.reason_codes]) for c in check_ins],
        "events": events,
        "suspended": suspended,
        "next_step": _next_step(course, notes, check_ins[0] if check_ins else None, suspended),
        "event_form": AdverseEventForm(),
        "consult_form": ConsultForm(),
        "close_form": CourseCloseForm(),
        "link_code": None,
        **extra,
    }
    return render(request, "screening/course/detail.html", context, status=status)


@therapist_required
@sensitive_post_parameters()
@require_http_methods(["GET", "HEAD", "POST"])
def course_check_in(request: TherapistRequest, code: uuid.UUID) -> HttpResponse:
    course = _get_course_for_therapist(request, code, detail="check-in")
    form = CheckInForm(request.POST or None, first_session=course.next_session_number() == 1)
    if request.method == "POST" and form.is_valid():
        try:
            check_in = services.check_in_record(
                course=course,
                answers=form.to_answers(),
                recorded_by=request.user,
                filled_by=CheckIn.FilledBy.THERAPIST,
            )
        except ValidationError as refused:
            _refuse(form, refused)
        else:
            return redirect("screening:course-session", check_in.code)
    context = {"course": course, "form": form, "session_number": course.next_session_number()}
    return render(request, "screening/course/check_in.html", context)


@therapist_required
@require_POST
def course_check_in_link(request: TherapistRequest, code: uuid.UUID) -> HttpResponse:
    course = _get_course_for_therapist(request, code, detail="check-in link")
    try:
        token = services.check_in_link_create(course=course, therapist=request.user)
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
        return redirect("screening:course-detail", course.code)
    return _render_course(request, course, link_code=token)


@therapist_required
@sensitive_post_parameters()
@require_http_methods(["GET", "HEAD", "POST"])
def course_session(request: TherapistRequest, code: uuid.UUID) -> HttpResponse:
    check_in = get_object_or_404(CheckIn.objects.select_related("course__submission"), code=code)
    course = _get_course_for_therapist(
        request, check_in.course.code, detail=f"session={check_in.session_number}"
    )
    note = SessionNote.objects.filter(check_in=check_in).first()
    if note and note.is_signed:
        return redirect("screening:course-note", note.code)
    form = SessionNoteForm(request.POST or None, instance=note, initial={"planned_dose": course.planned_dose})
    form.ask_only_what_applies(
        needs_clearance=check_in.outcome == CheckInOutcome.CLEAR_FIRST,
        beyond_plan=check_in.session_number > course.planned_sessions,
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        try:
            note = services.session_note_save(
                check_in=check_in, clinician=request.user, fields=fields, sign="sign" in request.POST
            )
        except ValidationError as refused:
            form.add_service_errors(refused)
        else:
            if note.is_signed:
                messages.success(request, _("Note signed."))
                return redirect("screening:course-note", note.code)
            messages.success(request, _("Draft saved."))
            return redirect("screening:course-session", check_in.code)
    reasons = [session_reason_for(r) for r in check_in.reason_codes]
    context = {"course": course, "check_in": check_in, "reasons": reasons, "form": form, "note": note}
    return render(request, "screening/course/session.html", context, status=400 if form.errors else 200)


@therapist_required
@sensitive_post_parameters()
@require_http_methods(["GET", "HEAD", "POST"])
def course_note(request: TherapistRequest, code: uuid.UUID) -> HttpResponse:
    note = get_object_or_404(SessionNote.objects.select_related("course", "check_in", "clinician"), code=code)
    course = _get_course_for_therapist(
        request, note.course.code, detail=f"note session={note.session_number}"
    )
    if not note.is_signed:
        return redirect("screening:course-session", note.check_in.code)
    form = AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.amendment_add(note=note, author=request.user, **form.cleaned_data)
        messages.success(request, _("Amendment added."))
        return redirect("screening:course-note", note.code)
    amendments = note.amendments.select_related("author")
    context = {
        "course": course,
        "note": note,
        "form": form,
        "amendments": amendments,
        "printing": "print" in request.GET,
    }
    return render(request, "screening/course/note.html", context, status=400 if form.errors else 200)


@therapist_required
@require_safe
def course_summary(request: TherapistRequest, code: uuid.UUID) -> HttpResponse:
    course = _get_course_for_therapist(request, code, detail="summary")
    notes = course.notes.select_related("check_in", "clinician").prefetch_related(
        Prefetch("amendments", queryset=Amendment.objects.select_related("author"))
    )
    events = course.adverse_events.select_related("recorded_by", "consult_recorded_by").order_by(
        "occurred_on", "id"
    )
    context = {
        "course": course,
        "submission": course.submission,
        "notes": list(notes),
        "events": list(events),
    }
    return render(request, "screening/course/summary.html", context)


@therapist_required
@sensitive_post_parameters()
@require_POST
def course_adverse_event(request: TherapistRequest, code: uuid.UUID) -> HttpResponse:
    course = _get_course_for_therapist(request, code, detail="adverse event form sent")
    form = AdverseEventForm(request.POST)
    if form.is_valid():
        services.adverse_event_record(course=course, recorded_by=request.user, fields=form.cleaned_data)
        messages.warning(request, _("Adverse event recorded."))
        return redirect("screening:course-detail", course.code)
    return _render_course(request, course, status=400, event_form=form)


@therapist_required
@sensitive_post_parameters()
@require_POST
def course_consult(request: TherapistRequest, code: uuid.UUID) -> HttpResponse:
    event = get_object_or_404(AdverseEvent.objects.select_related("course"), code=code)
    course = _get_course_for_therapist(request, event.course.code, detail="consult form sent")
    form = ConsultForm(request.POST)
    if form.is_valid():
        try:
            services.physician_consult_record(event=event, therapist=request.user, **form.cleaned_data)
        except ValidationError as refused:
            _refuse(form, refused)
        else:
            messages.success(request, _("Physician consult recorded."))
            return redirect("screening:course-detail", course.code)
    return _render_course(request, course, status=400, consult_form=form)


@therapist_required
@require_POST
def course_close(request: TherapistRequest, code: uuid.UUID) -> HttpResponse:
    course = _get_course_for_therapist(request, code, detail="close form sent")
    form = CourseCloseForm(request.POST)
    if form.is_valid():
        try:
            services.course_close(
                course=course,
                therapist=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as refused:
            _refuse(form, refused)
        else:
            messages.success(request, _("Course closed."))
            return redirect("screening:course-detail", course.code)
    return _render_course(request, course, status=400, close_form=form)
