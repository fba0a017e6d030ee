"""The treatment course's sessions as FHIR Procedures (CPT 97033), one per signed session note and
one "not-done" per check-in that said "do not treat" and so had no session.

What a session delivered (drug, polarity, current, doses, duration, units) is in extensions of our
own namespace, so that a de-identified export keeps it; the identified export adds a note in words,
with the device, the electrode lot and placement, the pain scores and every amendment.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Prefetch

from screening.exports.fhir import codes, response
from screening.exports.fhir.codes import Resource
from screening.exports.fhir.ids import ExportStyle, instant
from screening.models import AdverseEvent, Amendment, CheckIn, CheckInOutcome, Course, Drug, SessionNote

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from screening.models import Submission

CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"
CPT_IONTOPHORESIS = {
    "system": CPT_SYSTEM,
    "code": "97033",
    "display": "Application of a modality to 1 or more areas; iontophoresis, each 15 minutes",
}
UCUM = "http://unitsofmeasure.org"
EXTENSION_BASE = f"{codes.CANONICAL_BASE}/StructureDefinition/iontophoresis-"
# Each extension's name (after EXTENSION_BASE) and what it holds: documented in docs/fhir.md.
EXTENSIONS = {
    "drug": "valueCodeableConcept: the drug (our drug CodeSystem; the concentration in its text)",
    "drug-volume": "valueQuantity in mL",
    "polarity": "valueCoding: the active electrode's polarity (our polarity CodeSystem)",
    "current": "valueQuantity in mA",
    "planned-dose": "valueQuantity in mA.min",
    "delivered-dose": "valueQuantity in mA.min",
    "duration": "valueQuantity in min: the planned dose divided by the current",
    "attended-minutes": "valueQuantity in min: attended start to stop, as billed",
    "cpt-97033-units": "valueInteger: 97033 units by the 8-minute rule (a help for the biller)",
    "session-number": "valueInteger: this session's number in the course",
    "planned-sessions": "valueInteger: how many sessions the course planned",
    "check-in-reason": "valueCoding, repeated: each reason a 'do not treat' check-in gave",
}
# A skin result that is a complication; expected redness that fades within hours is not.
COMPLICATING_SKIN_RESULTS = ("lasting_redness", "blister", "burn")
DEIDENTIFIED_SUBJECT = "Patient withheld: de-identified export"


def prefetches() -> list[Prefetch]:
    """What course_resources reads, as prefetches on Submission: a fixed number of queries for
    any number of submissions, courses and sessions."""
    signed = SessionNote.objects.filter(signed_at__isnull=False).select_related("clinician")
    return [
        Prefetch(
            "courses",
            queryset=Course.objects.order_by("opened_at", "pk").prefetch_related(
                Prefetch("notes", queryset=signed.order_by("session_number", "pk")),
                Prefetch("notes__amendments", queryset=Amendment.objects.select_related("author")),
                Prefetch(
                    "check_ins",
                    queryset=CheckIn.objects.filter(
                        outcome=CheckInOutcome.DO_NOT_TREAT, note__isnull=True
                    ).order_by("created_at", "pk"),
                    to_attr="fhir_not_treated",
                ),
                Prefetch(
                    "adverse_events",
                    queryset=AdverseEvent.objects.filter(note__isnull=False).order_by("recorded_at", "pk"),
                    to_attr="fhir_session_events",
                ),
            ),
        )
    ]


def _name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()  # type: ignore[attr-defined]


def _quantity(value: Decimal | int, unit: str, code: str) -> Resource:
    return {
        "value": float(value) if isinstance(value, Decimal) else value,
        "unit": unit,
        "system": UCUM,
        "code": code,
    }


def _extension(name: str, **value: object) -> Resource:
    return {"url": EXTENSION_BASE + name, **value}


def _drug(course: Course, style: ExportStyle) -> Resource:
    drug = codes.choice_coding(codes.DRUG_SYSTEM, Drug(course.drug))
    # The concentration is typed by the therapist: free text, left out when de-identified.
    text = drug["display"] if style.deidentified else f"{drug['display']} {course.concentration}".strip()
    return {"coding": [drug], "text": text}


def _dose_extensions(course: Course, note: SessionNote, style: ExportStyle) -> list[Resource]:
    return [
        _extension("drug", valueCodeableConcept=_drug(course, style)),
        _extension("drug-volume", valueQuantity=_quantity(note.drug_volume_ml, "mL", "mL")),
        _extension(
            "polarity",
            valueCoding=codes.choice_coding(codes.POLARITY_SYSTEM, SessionNote.Polarity(note.polarity)),
        ),
        _extension("current", valueQuantity=_quantity(note.current_ma, "mA", "mA")),
        _extension("planned-dose", valueQuantity=_quantity(note.planned_dose, "mA·min", "mA.min")),
        _extension("delivered-dose", valueQuantity=_quantity(note.delivered_dose, "mA·min", "mA.min")),
        _extension("duration", valueQuantity=_quantity(note.duration_min, "min", "min")),
        _extension("attended-minutes", valueQuantity=_quantity(note.attended_minutes, "min", "min")),
        _extension("cpt-97033-units", valueInteger=note.units_97033),
        _extension("session-number", valueInteger=note.session_number),
        _extension("planned-sessions", valueInteger=course.planned_sessions),
    ]


def _body_site(submission: Submission, course: Course, style: ExportStyle) -> list[Resource]:
    """The screened body area in our answer codes (no SNOMED: we keep no coded sites), and the
    treated site and side as the therapist wrote them (free text: left out when de-identified)."""
    site: Resource = {}
    area = submission.answers.get("body_area")
    if isinstance(area, str) and area:
        site["coding"] = [codes.answer_coding("body_area", area)]
    if not style.deidentified:
        site["text"] = f"{course.site}, {codes.english(Course.Side(course.side).label)}"
    elif "coding" in site:
        site["text"] = site["coding"][0]["display"]
    return [site] if site else []


def _complications(note: SessionNote, events: list[AdverseEvent], style: ExportStyle) -> list[Resource]:
    found = []
    if note.skin_result in COMPLICATING_SKIN_RESULTS:
        result = codes.choice_coding(codes.SKIN_RESULT_SYSTEM, SessionNote.SkinResult(note.skin_result))
        found.append({"coding": [result], "text": result["display"]})
    for event in events:
        kind = codes.choice_coding(codes.ADVERSE_EVENT_SYSTEM, AdverseEvent.Kind(event.kind))
        text = kind["display"] if style.deidentified else f"{kind['display']}: {event.size_and_site}"
        found.append({"coding": [kind], "text": text})
    return found


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _session_text(course: Course, note: SessionNote) -> str:
    """The session note in words, for a reader whose system ignores our extensions."""
    parts = [
        f"Iontophoresis session {note.session_number} of {course.planned_sessions}.",
        f"Drug: {codes.english(Drug(course.drug).label)} {course.concentration}, {note.drug_volume_ml} mL.",
        f"Active electrode: {codes.english(SessionNote.Polarity(note.polarity).label)}; "
        f"placement: {note.placement}.",
        f"Current {note.current_ma} mA for {note.duration_min} min; dose {note.planned_dose} mA·min planned, "
        f"{note.delivered_dose} mA·min delivered.",
        f"Device: {note.device}; electrode: {course.electrode_product}, lot {note.electrode_lot}.",
        f"Before: skin intact {_yes(note.skin_intact)}, sensation tested {_yes(note.sensation_tested)}, "
        f"site prepared {_yes(note.site_prepared)}, patient informed {_yes(note.patient_informed)}.",
        f"Skin result: {codes.english(SessionNote.SkinResult(note.skin_result).label)}; "
        f"aftercare given {_yes(note.aftercare_given)}.",
        f"Pain {note.pain_before}/10 before, {note.pain_after}/10 after.",
        f"Attended {note.attended_minutes} min, constant attendance {_yes(note.constant_attendance)}; "
        f"97033 units: {note.units_97033} (check the payer's rules).",
    ]
    if note.patch:
        parts.append("Wearable patch (patch wear is not 97033 time).")
    for label, text in (
        ("Interruptions", note.interruptions),
        ("Override", note.override_note),
        ("Clearance", note.clearance_note),
        ("Beyond the plan", note.beyond_plan_note),
        ("Patient's words on function", note.function_words),
    ):
        if text.strip():
            parts.append(f"{label}: {text.strip()}")
    return " ".join(parts)


def _notes(course: Course, note: SessionNote, clinician: str) -> list[Resource]:
    notes: list[Resource] = [
        {"authorString": clinician, "time": instant(note.signed_at), "text": _session_text(course, note)}
    ]
    for amendment in note.amendments.all():
        notes.append(
            {
                "authorString": _name(amendment.author),
                "time": instant(amendment.created_at),
                "text": f"Amendment. Why: {amendment.reason.strip()} Correction: {amendment.text.strip()}",
            }
        )
    return notes


def _base(
    submission: Submission, resource_id: str, status: str, extensions: list[Resource], style: ExportStyle
) -> Resource:
    resource: Resource = {"resourceType": "Procedure", "id": resource_id}
    if not style.deidentified:
        resource["contained"] = [response.patient(submission)]
    resource["extension"] = extensions
    resource["status"] = status
    resource["code"] = {"coding": [dict(CPT_IONTOPHORESIS)], "text": "Iontophoresis"}
    # Procedure.subject is required (1..1) in R4: a de-identified export names no one in it.
    resource["subject"] = (
        {"display": DEIDENTIFIED_SUBJECT} if style.deidentified else {"reference": f"#{response.PATIENT_ID}"}
    )
    return resource


def _screening(submission: Submission, style: ExportStyle) -> list[Resource]:
    observation_id = style.resource_id("Observation", submission.code)
    return [
        {"reference": style.reference("Observation", observation_id), "display": "Iontophoresis screening"}
    ]


def session_procedure(
    submission: Submission,
    course: Course,
    note: SessionNote,
    events: list[AdverseEvent],
    *,
    style: ExportStyle,
) -> Resource:
    """A signed session note as a completed Procedure."""
    resource = _base(
        submission,
        style.resource_id("Procedure", note.code),
        "completed",
        _dose_extensions(course, note, style),
        style,
    )
    resource["performedPeriod"] = {"start": style.when(note.started_at), "end": style.when(note.stopped_at)}
    clinician = _name(note.clinician)
    if note.clinician_credentials.strip():
        # The credentials signed on the session, which may predate the therapist's current ones.
        clinician = f"{clinician}, {note.clinician_credentials.strip()}"
    if not style.deidentified:
        resource["performer"] = [{"actor": {"display": clinician}}]
    resource["reasonReference"] = _screening(submission, style)
    if site := _body_site(submission, course, style):
        resource["bodySite"] = site
    if complications := _complications(note, events, style):
        resource["complication"] = complications
    if not style.deidentified:
        resource["note"] = _notes(course, note, clinician)
    return resource


def not_treated_procedure(
    submission: Submission, course: Course, check_in: CheckIn, *, style: ExportStyle
) -> Resource:
    """A check-in that said "do not treat", with no session after it, as a not-done Procedure."""
    extensions = [
        _extension("drug", valueCodeableConcept=_drug(course, style)),
        _extension("session-number", valueInteger=check_in.session_number),
        _extension("planned-sessions", valueInteger=course.planned_sessions),
        # Each reason the check-in gave, coded; one CodeableConcept holds codings of one concept only.
        *(
            _extension("check-in-reason", valueCoding=codes.check_in_reason_coding(code))
            for code in check_in.reason_codes
        ),
    ]
    resource = _base(submission, style.resource_id("Procedure", check_in.code), "not-done", extensions, style)
    outcome = codes.choice_coding(codes.CHECK_IN_OUTCOME_SYSTEM, CheckInOutcome(check_in.outcome))
    resource["statusReason"] = {"coding": [outcome], "text": f"Check-in: {outcome['display']}"}
    resource["performedDateTime"] = style.when(check_in.created_at)
    resource["reasonReference"] = _screening(submission, style)
    if site := _body_site(submission, course, style):
        resource["bodySite"] = site
    return resource


def course_procedures(submission: Submission, *, style: ExportStyle) -> Iterator[Resource]:
    """Every course's sessions in order, then its check-ins that stopped a session; from the
    prefetches() above, so no course or session costs a query. An unsaved submission has none."""
    if submission.pk is None:
        return
    for course in submission.courses.all():
        events_by_note: dict[int, list[AdverseEvent]] = {}
        for event in course.fhir_session_events:
            events_by_note.setdefault(event.note_id, []).append(event)
        for note in course.notes.all():
            yield session_procedure(submission, course, note, events_by_note.get(note.pk, []), style=style)
        for check_in in course.fhir_not_treated:
            yield not_treated_procedure(submission, course, check_in, style=style)
