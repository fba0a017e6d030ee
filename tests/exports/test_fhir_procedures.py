"""The treatment course's sessions as FHIR Procedures: in the bundle, in Procedure.ndjson, de-identified."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from screening import services
from screening.exports import fhir
from screening.exports.fhir import bulk, procedure
from screening.models import CheckIn, Course, SessionNote, Submission
from tests.support.checkins import make_checkin
from tests.support.courses import note_fields, open_course, signed_session
from tests.support.fhir import Terminology, parsed

pytestmark = pytest.mark.django_db

TERMINOLOGY = Terminology.of(fhir.canonical_resources())


@pytest.fixture
def thea(therapist: User) -> User:
    therapist.first_name, therapist.last_name = "Thea", "Lindqvist"
    therapist.save()
    return therapist


def procedures(submission: Submission, *, deidentified: bool = False) -> list[dict[str, Any]]:
    """The submission's Procedures, as the bulk export reads them."""
    row = bulk.export_queryset().get(pk=submission.pk)
    resources = fhir.submission_resources(
        row,
        decisions=list(row.decisions.all()),
        reassessed_at=row.fhir_reassessed_at,
        style=fhir.ExportStyle(deidentified=deidentified),
    )
    return [r for r in resources if r["resourceType"] == "Procedure"]


def extensions(resource: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for ext in resource["extension"]:
        name = ext["url"].removeprefix(procedure.EXTENSION_BASE)
        (key,) = [k for k in ext if k.startswith("value")]
        found.setdefault(name, []).append(ext[key])
    return {name: values[0] if len(values) == 1 else values for name, values in found.items()}


def blister(course: Course, thea: User) -> None:
    services.adverse_event_record(
        course=course,
        recorded_by=thea,
        fields={
            "kind": "blister",
            "occurred_on": timezone.localdate(),
            "size_and_site": "5 mm under the active pad",
            "action_taken": "Cooled, covered, patient told to call",
            "suspends": True,
        },
    )


def test_a_signed_session_is_a_completed_97033_procedure_with_its_dose_site_and_clinician(thea: User) -> None:
    course = open_course(thea)
    note = signed_session(thea, course)
    (resource,) = procedures(course.submission)
    model = parsed(resource)
    assert model.status == "completed"
    assert resource["code"]["coding"] == [
        {
            "system": "http://www.ama-assn.org/go/cpt",
            "code": "97033",
            "display": "Application of a modality to 1 or more areas; iontophoresis, each 15 minutes",
        }
    ]
    assert resource["subject"] == {"reference": "#patient"}
    assert resource["contained"][0]["resourceType"] == "Patient"
    assert resource["performedPeriod"] == {
        "start": fhir.ids.instant(note.started_at),
        "end": fhir.ids.instant(note.stopped_at),
    }
    assert resource["performer"] == [{"actor": {"display": "Thea Lindqvist, PT, DPT"}}]
    screening_observation = fhir.ExportStyle().resource_id("Observation", course.submission.code)
    assert resource["reasonReference"][0]["reference"] == f"Observation/{screening_observation}"
    (site,) = resource["bodySite"]
    assert site["text"] == "Lateral elbow, Right"
    assert [c["code"] for c in site["coding"]] == [course.submission.answers["body_area"]]
    dose = extensions(resource)
    assert dose["drug"]["coding"][0]["code"] == "dexamethasone"
    assert dose["drug"]["text"] == "Dexamethasone sodium phosphate 4 mg/mL"
    assert dose["polarity"]["code"] == "negative"
    assert dose["current"] == {"value": 4.0, "unit": "mA", "system": procedure.UCUM, "code": "mA"}
    assert dose["planned-dose"]["value"] == dose["delivered-dose"]["value"] == 40.0
    assert dose["duration"]["value"] == 10.0
    assert (dose["attended-minutes"]["value"], dose["cpt-97033-units"]) == (15, 1)
    assert (dose["session-number"], dose["planned-sessions"]) == (1, 6)
    (words,) = resource["note"]
    assert words["authorString"] == "Thea Lindqvist, PT, DPT"
    assert "Iontophoresis session 1 of 6." in words["text"]
    assert "Current 4.0 mA for 10.0 min; dose 40.0 mA·min planned, 40.0 mA·min delivered." in words["text"]
    assert "complication" not in resource  # expected redness is not a complication
    assert TERMINOLOGY.problems(resource) == []


def test_a_blister_is_a_complication_coded_both_as_the_skin_result_and_as_the_adverse_event(
    thea: User,
) -> None:
    course = open_course(thea)
    signed_session(thea, course, skin_result="blister")
    blister(course, thea)
    (resource,) = procedures(course.submission)
    assert resource["complication"] == [
        {
            "coding": [{"system": fhir.codes.SKIN_RESULT_SYSTEM, "code": "blister", "display": "Blister"}],
            "text": "Blister",
        },
        {
            "coding": [{"system": fhir.codes.ADVERSE_EVENT_SYSTEM, "code": "blister", "display": "Blister"}],
            "text": "Blister: 5 mm under the active pad",
        },
    ]
    assert TERMINOLOGY.problems(resource) == []
    parsed(resource)


def test_a_do_not_treat_check_in_without_a_session_is_a_not_done_procedure_with_its_reasons(
    thea: User,
) -> None:
    course = open_course(thea)
    signed_session(thea, course, skin_result="blister")
    blister(course, thea)
    stopped = services.check_in_record(
        course=course,
        answers=make_checkin(after_last_session=["blister"]),
        recorded_by=thea,
        filled_by=CheckIn.FilledBy.THERAPIST,
    )
    assert stopped.outcome == "do_not_treat"
    done, not_done = procedures(course.submission)
    assert done["status"] == "completed"
    assert not_done["status"] == "not-done"
    assert not_done["statusReason"]["coding"] == [
        {"system": fhir.codes.CHECK_IN_OUTCOME_SYSTEM, "code": "do_not_treat", "display": "Do not treat"}
    ]
    assert not_done["performedDateTime"] == fhir.ids.instant(stopped.created_at)
    reasons = extensions(not_done)["check-in-reason"]
    reasons = reasons if isinstance(reasons, list) else [reasons]
    assert [r["code"] for r in reasons] == stopped.reason_codes
    assert "CI-COURSE-SUSPENDED" in stopped.reason_codes
    assert "performer" not in not_done
    assert TERMINOLOGY.problems(not_done) == []
    parsed(not_done)


def test_a_draft_note_is_not_exported_and_an_amendment_is_a_note_of_its_own(thea: User) -> None:
    course = open_course(thea)
    signed = signed_session(thea, course)
    services.amendment_add(note=signed, author=thea, reason="Wrong lot typed", text="Electrode lot L2026-119")
    draft_check_in = services.check_in_record(
        course=course, answers=make_checkin(), recorded_by=thea, filled_by=CheckIn.FilledBy.THERAPIST
    )
    services.session_note_save(
        check_in=draft_check_in,
        clinician=thea,
        fields=note_fields(on=timezone.localdate() + timedelta(days=2)),
        sign=False,
    )
    (resource,) = procedures(course.submission)
    assert extensions(resource)["session-number"] == 1
    _original, amendment = resource["note"]
    assert amendment["authorString"] == "Thea Lindqvist"
    assert amendment["text"] == "Amendment. Why: Wrong lot typed Correction: Electrode lot L2026-119"


def test_a_de_identified_procedure_names_no_one_and_gives_only_years_and_codes(thea: User) -> None:
    course = open_course(thea)
    note = signed_session(thea, course, skin_result="blister", interruptions="Patient Rosa asked to stop")
    blister(course, thea)
    (resource,) = procedures(course.submission, deidentified=True)
    parsed(resource)
    text = json.dumps(resource, ensure_ascii=False)
    for private in ("Lindqvist", "thea", "Lateral elbow", "4 mg/mL", "5 mm", "Rosa", "contained", "#patient"):
        assert private not in text
    assert "note" not in resource and "performer" not in resource
    assert resource["subject"] == {"display": procedure.DEIDENTIFIED_SUBJECT}
    year = str(timezone.localtime(note.started_at).year)
    assert resource["performedPeriod"] == {"start": year, "end": year}
    assert resource["bodySite"][0]["coding"][0]["code"] == course.submission.answers["body_area"]
    assert extensions(resource)["delivered-dose"]["value"] == 40.0  # the dose is kept: it names no one
    observation_id = fhir.ExportStyle(deidentified=True).resource_id("Observation", course.submission.code)
    assert resource["reasonReference"][0]["reference"] == f"Observation/{observation_id}"
    assert [c["coding"][0]["code"] for c in resource["complication"]] == ["blister", "blister"]
    assert TERMINOLOGY.problems(resource) == []


def bundle_of(client: Client, submission: Submission) -> dict[str, Any]:
    response = client.get(reverse("screening:review-fhir", args=[submission.code]))
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_bundle_holds_every_session_in_a_fixed_number_of_queries(
    therapist_client: Client, thea: User, django_assert_max_num_queries: Any
) -> None:
    one = open_course(thea)
    signed_session(thea, one)
    many = open_course(thea)
    for day in range(6):
        signed_session(thea, many, on=timezone.localdate() - timedelta(days=12 - 2 * day))
    services.amendment_add(note=many.notes.first(), author=thea, reason="Typo", text="Lot L1")
    # 13 as before (test_exports), then the courses, their notes, amendments, check-ins and events.
    with django_assert_max_num_queries(18) as few:
        bundle_of(therapist_client, one.submission)
    with django_assert_max_num_queries(18) as lots:
        bundle = bundle_of(therapist_client, many.submission)
    # Not one more for six sessions and an amendment (the first request also saves the session).
    assert len(lots.captured_queries) <= len(few.captured_queries)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds[-8:] == ["QuestionnaireResponse", "Observation", *["Procedure"] * 6]
    model = parsed(bundle)
    assert model.type == "collection"
    terminology = Terminology.of([e["resource"] for e in bundle["entry"]])
    observation_url = bundle["entry"][-7]["fullUrl"]
    for entry in bundle["entry"][-6:]:
        assert terminology.problems(entry["resource"]) == []
        assert entry["resource"]["reasonReference"][0]["reference"] == observation_url
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
    assert len({e["fullUrl"] for e in bundle["entry"]}) == len(bundle["entry"])


def test_export_fhir_writes_procedure_ndjson_in_a_few_queries_a_chunk(
    tmp_path: Path, thea: User, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        course = open_course(thea)
        signed_session(thea, course)
        signed_session(thea, course, on=timezone.localdate() + timedelta(days=2))
    # Per chunk of 2 submissions: the rows, decisions, courses, notes, amendments, check-ins, events;
    # plus the count, the access-log row and the end of the read.
    with django_assert_max_num_queries(2 * 7 + 4):
        call_command("export_fhir", "--chunk-size", "2", str(tmp_path), stdout=io.StringIO())
    rows = [json.loads(line) for line in (tmp_path / "Procedure.ndjson").read_text().splitlines()]
    assert len(rows) == 6
    for row in rows:
        parsed(row)
        assert TERMINOLOGY.problems(row) == []
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert {"type": "Procedure", "url": "Procedure.ndjson", "count": 6} in manifest["output"]
    call_command("export_fhir", "--deidentified", str(tmp_path / "anon"), stdout=io.StringIO())
    anonymous = (tmp_path / "anon" / "Procedure.ndjson").read_text()
    assert anonymous.count("\n") == 6
    assert "Lindqvist" not in anonymous and "Lateral elbow" not in anonymous and '"note"' not in anonymous


def test_since_takes_a_submission_with_a_session_signed_on_or_after_that_day(thea: User) -> None:
    course = open_course(thea)
    note = signed_session(thea, course)
    later = timezone.localdate() + timedelta(days=3)
    assert not bulk.export_queryset(since=later).exists()
    SessionNote.objects.filter(pk=note.pk).update(signed_at=timezone.now() + timedelta(days=3))
    assert list(bulk.export_queryset(since=later)) == [course.submission]


def test_a_procedure_is_in_english_whatever_language_the_request_is_in(thea: User) -> None:
    course = open_course(thea)
    signed_session(thea, course, skin_result="blister")
    with translation.override("es"):
        (resource,) = procedures(course.submission)
    assert resource["bodySite"][0]["text"] == "Lateral elbow, Right"
    text = resource["note"][0]["text"]
    assert "Negative (cathode)" in text and "Skin result: Blister" in text
    assert "Dexamethasone sodium phosphate 4 mg/mL" in text
    assert TERMINOLOGY.problems(resource) == []
