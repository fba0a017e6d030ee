"""A submission's QuestionnaireResponse and outcome Observation, as themselves and de-identified."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from screening import services
from screening.exports import fhir
from screening.exports.fhir import bulk, codes
from screening.models import Submission
from tests.support.answers import make_answers
from tests.support.factories import SubmissionFactory
from tests.support.fhir import Terminology, parsed
from tests.support.review import decide

pytestmark = pytest.mark.django_db

TERMINOLOGY = Terminology.of(fhir.canonical_resources())


def exported(
    submission: Submission, *, deidentified: bool = False, in_bundle: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The submission's QuestionnaireResponse and Observation, read back as the export reads them."""
    submission = bulk.export_queryset().get(pk=submission.pk)
    response, observation = fhir.submission_resources(
        submission,
        decisions=list(submission.decisions.all()),
        reassessed_at=submission.fhir_reassessed_at,
        style=fhir.ExportStyle(deidentified=deidentified, in_bundle=in_bundle),
    )
    return response, observation


def answer_items(response: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {item["linkId"]: item["answer"] for group in response["item"] for item in group["item"]}


def test_the_response_holds_every_answer_as_our_codings_pinned_to_the_questionnaire_version(
    rosa: Submission,
) -> None:
    response, _observation = exported(rosa)
    model = parsed(response)
    assert model.status == "completed"
    assert model.id == str(rosa.code)
    assert (
        model.questionnaire
        == f"{fhir.questionnaire.QUESTIONNAIRE_URL}|{fhir.questionnaire.questionnaire()['version']}"
    )
    assert model.identifier.value == rosa.reference
    assert model.language == "en"
    assert response["authored"] == timezone.localtime(rosa.created_at).isoformat(timespec="seconds").replace(
        "+00:00", "Z"
    )
    answers = answer_items(response)
    assert answers["has_implanted_electronic_device"] == [
        {"valueCoding": codes.answer_coding("has_implanted_electronic_device", "yes")}
    ]
    assert answers["date_of_birth"] == [{"valueDate": "1980-06-15"}]
    assert [a["valueCoding"]["code"] for a in answers["skin_problem_at_site"]] == ["none"]
    for question, given in answers.items():
        for answer in given:
            if "valueCoding" in answer:
                assert TERMINOLOGY.answer_problems(question, answer["valueCoding"]) == []
    assert TERMINOLOGY.problems(response) == []


def test_the_patient_is_contained_with_name_birth_date_phone_e_mail_and_language(rosa: Submission) -> None:
    response, observation = exported(rosa)
    (patient,) = response["contained"]
    assert parsed(patient).name[0].family == "Reyes"
    assert patient["birthDate"] == "1980-06-15"
    assert patient["telecom"] == [
        {"system": "phone", "value": "(555) 010-1234", "use": "mobile"},
        {"system": "email", "value": "rosa@example.com"},
    ]
    assert patient["communication"][0]["language"]["coding"][0]["code"] == "en"
    assert response["subject"]["reference"] == "#patient"
    assert observation["contained"] == [patient]
    assert observation["subject"]["reference"] == "#patient"


def test_an_unanswered_question_has_no_item_and_an_empty_section_no_group() -> None:
    answers = make_answers()
    del answers["date_of_birth"]
    submission = SubmissionFactory(answers=answers)
    response, _observation = exported(submission)
    assert "date_of_birth" not in answer_items(response)
    assert "section-about" not in [g["linkId"] for g in response["item"]]
    parsed(response)


def test_the_observation_gives_the_outcome_a_component_per_reason_and_the_rules_version(
    rosa: Submission,
) -> None:
    response, observation = exported(rosa)
    model = parsed(observation)
    assert model.status == "preliminary"
    assert observation["valueCodeableConcept"]["coding"] == [codes.outcome_coding("not_suitable")]
    assert observation["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{response['id']}"}]
    reasons = [
        c["valueCodeableConcept"]["coding"][0]["code"]
        for c in observation["component"]
        if c["code"]["coding"][0]["code"] == "reason"
    ]
    assert reasons == rosa.reason_codes == ["NS-IMPLANT", "NR-DEPTH"]
    texts = [c["valueCodeableConcept"]["text"] for c in observation["component"][:2]]
    assert texts == [f"{r.headline}: {r.therapist_text}" for r in rosa.reasons]
    (version,) = [c for c in observation["component"] if c["code"]["coding"][0]["code"] == "rules-version"]
    assert version["valueString"] == rosa.rules_version
    assert "note" not in observation
    assert TERMINOLOGY.problems(observation) == []


def test_a_decision_makes_the_observation_final_with_each_decision_as_a_note(
    rosa: Submission, therapist: User
) -> None:
    therapist.first_name, therapist.last_name = "Thea", "Lindqvist"
    therapist.save()
    decide(rosa, therapist, "call_patient")
    decide(rosa, therapist, "suitable", "Pacemaker removed in 2024; cardiology letter on file.")
    _response, observation = exported(rosa)
    assert observation["status"] == "final"
    assert [n["text"] for n in observation["note"]] == [
        "Decision: Call the patient first.",
        "Decision: Suitable — book iontophoresis. Note: Pacemaker removed in 2024; cardiology letter on file.",
    ]
    assert {n["authorString"] for n in observation["note"]} == {"Thea Lindqvist"}
    assert observation["performer"] == [{"display": "Thea Lindqvist"}]
    (decision,) = [
        c for c in observation["component"] if c["code"]["coding"][0]["code"] == "therapist-decision"
    ]
    assert decision["valueCodeableConcept"]["coding"][0]["code"] == "suitable"
    assert TERMINOLOGY.problems(observation) == []
    parsed(observation)


def test_a_reassessment_marks_the_response_amended_and_a_decided_observation_amended(
    settings: Any, therapist: User
) -> None:
    elderly = SubmissionFactory(answers=make_answers(date_of_birth="1945-01-01"))
    decide(elderly, therapist, "suitable")
    response, observation = exported(elderly)
    assert (response["status"], observation["status"]) == ("completed", "final")
    settings.VERY_ELDERLY_AGE = 70
    assert services.submissions_reassess(apply=True).applied == 1
    response, observation = exported(elderly)
    assert (response["status"], observation["status"]) == ("amended", "amended")
    assert observation["valueCodeableConcept"]["coding"][0]["code"] == "needs_review"


def test_a_reassessment_before_any_decision_leaves_the_observation_preliminary(settings: Any) -> None:
    elderly = SubmissionFactory(answers=make_answers(date_of_birth="1945-01-01"))
    settings.VERY_ELDERLY_AGE = 70
    services.submissions_reassess(apply=True)
    response, observation = exported(elderly)
    assert (response["status"], observation["status"]) == ("amended", "preliminary")


def test_in_a_bundle_the_observation_refers_to_the_response_by_its_urn(rosa: Submission) -> None:
    response, observation = exported(rosa, in_bundle=True)
    assert observation["derivedFrom"] == [{"reference": f"urn:uuid:{response['id']}"}]


def test_a_de_identified_export_has_no_patient_no_name_no_contact_no_reference_and_only_years(
    rosa: Submission, therapist: User
) -> None:
    decide(rosa, therapist, "call_patient", "Rosa asked us to call her daughter Carmen Reyes.")
    response, observation = exported(rosa, deidentified=True)
    text = json.dumps([response, observation])
    for personal in ("Rosa", "Reyes", "010-1234", "rosa@example.com", rosa.reference, str(rosa.code), "thea"):
        assert personal not in text
    for resource in (response, observation):
        assert "contained" not in resource and "subject" not in resource
    assert response["authored"] == str(timezone.localtime(rosa.created_at).year)
    assert observation["effectiveDateTime"] == response["authored"]
    assert "issued" not in observation and "note" not in observation
    assert answer_items(response)["date_of_birth"] == [{"valueDate": "1980"}]
    assert observation["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{response['id']}"}]
    assert observation["status"] == "final"  # the decision's code stays; its note and author do not
    parsed(response)
    parsed(observation)


def test_a_de_identified_id_is_the_same_in_every_export_and_differs_per_secret_key(
    rosa: Submission, settings: Any
) -> None:
    first, _ = exported(rosa, deidentified=True)
    again, _ = exported(rosa, deidentified=True)
    assert first["id"] == again["id"] != str(rosa.code)
    settings.SECRET_KEY = "another-installation-key"
    elsewhere, _ = exported(rosa, deidentified=True)
    assert elsewhere["id"] != first["id"]


def test_a_de_identified_export_leaves_out_a_birth_date_that_shows_an_age_over_89() -> None:
    born = (timezone.localdate() - timedelta(days=91 * 366)).isoformat()
    old = SubmissionFactory(answers=make_answers(date_of_birth=born))
    response, observation = exported(old, deidentified=True)
    assert "date_of_birth" not in answer_items(response)
    assert "NR-VERY-ELDERLY" in json.dumps(observation)  # the outcome still says why


def test_a_date_of_birth_that_is_not_a_date_is_left_out_and_its_reason_kept() -> None:
    odd = SubmissionFactory(answers=make_answers(date_of_birth="31/02/1970"))
    response, observation = exported(odd)
    assert "date_of_birth" not in answer_items(response)
    assert "birthDate" not in response["contained"][0]
    assert "NR-DOB" in json.dumps(observation)


def test_times_are_written_in_the_clinic_time_zone_with_its_offset(settings: Any) -> None:
    settings.TIME_ZONE = "America/New_York"
    sent = SubmissionFactory(created_at=datetime(2026, 7, 1, 14, 30, tzinfo=UTC))
    response, observation = exported(sent)
    assert response["authored"] == "2026-07-01T10:30:00-04:00"
    assert observation["issued"] == "2026-07-01T10:30:00-04:00"


def test_every_decision_is_exported_whichever_therapist_made_it(rosa: Submission, therapist: User) -> None:
    colleague = User.objects.create_user("tomas", first_name="Tomás", last_name="Ibarra")
    decide(rosa, therapist, "call_patient")
    decide(rosa, colleague, "not_suitable")
    _response, observation = exported(rosa)
    assert [n["authorString"] for n in observation["note"]] == ["thea", "Tomás Ibarra"]


def test_a_de_identified_bundle_parses_and_names_no_one(rosa: Submission) -> None:
    bundle = fhir.submission_bundle(rosa, decisions=[], reassessed_at=None, deidentified=True)
    parsed(bundle)
    text = json.dumps(bundle)
    assert "Reyes" not in text and rosa.reference not in text and str(rosa.code) not in text
    response, observation = (e["resource"] for e in bundle["entry"][-2:])
    assert observation["derivedFrom"] == [{"reference": f"urn:uuid:{response['id']}"}]


def test_the_deciding_therapist_is_named_with_credentials_and_left_out_when_de_identified(
    rosa: Submission, therapist: User
) -> None:
    therapist.first_name, therapist.last_name = "Thea", "Lindqvist"
    therapist.save()
    services.therapist_credentials_set(user=therapist, credentials="PT, DPT")
    decide(rosa, therapist, "suitable", "Pacemaker removed in 2024.")
    _response, observation = exported(rosa)
    assert observation["performer"] == [{"display": "Thea Lindqvist, PT, DPT"}]
    assert [n["authorString"] for n in observation["note"]] == ["Thea Lindqvist, PT, DPT"]
    _response, anonymous = exported(rosa, deidentified=True)
    assert "performer" not in anonymous
    assert "Lindqvist" not in json.dumps(anonymous)


def test_a_submission_stores_the_questionnaire_version_it_answered() -> None:
    submission = SubmissionFactory()
    stored = Submission.objects.get(pk=submission.pk)
    assert stored.questionnaire_version == fhir.questionnaire.questionnaire()["version"]
    assert len(stored.questionnaire_version) == 12


def test_the_response_points_at_the_version_stored_with_the_submission_not_the_current_one(
    rosa: Submission,
) -> None:
    # Sent before the questions changed: the version it answered is not today's.
    Submission.objects.filter(pk=rosa.pk).update(questionnaire_version="0123456789ab")
    assert fhir.questionnaire.version() != "0123456789ab"
    response, _observation = exported(rosa)
    assert response["questionnaire"] == f"{fhir.questionnaire.QUESTIONNAIRE_URL}|0123456789ab"
    assert parsed(response).questionnaire.endswith("|0123456789ab")
    # The Bundle still carries today's Questionnaire: the old one's content was never kept.
    bundle = fhir.submission_bundle(bulk.export_queryset().get(pk=rosa.pk), decisions=[], reassessed_at=None)
    (questionnaire,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Questionnaire"
    ]
    assert questionnaire["version"] == fhir.questionnaire.version()
