"""A submission's answers as a FHIR QuestionnaireResponse, with the patient contained in it."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from screening.clinical import questions, rules
from screening.exports.fhir import codes, questionnaire
from screening.exports.fhir.codes import Resource
from screening.exports.fhir.ids import ExportStyle

if TYPE_CHECKING:
    from screening.models import Submission

PATIENT_ID = "patient"
REFERENCE_SYSTEM = f"{codes.CANONICAL_BASE}/submission-reference"
# HIPAA Safe Harbor: an age over 89, and any date that shows it, is not exported de-identified.
DEIDENTIFIED_MAX_AGE = 89


def date_of_birth(submission: Submission) -> date | None:
    """The stored date of birth, if it is a real date; None if missing or not a date."""
    value = submission.answers.get("date_of_birth")
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def patient(submission: Submission) -> Resource:
    """The patient as the questionnaire gave them: name, birth date, phone or e-mail, language."""
    resource: Resource = {"resourceType": "Patient", "id": PATIENT_ID}
    # FHIR allows no empty string: a blank part is left out rather than failing the whole export.
    name: Resource = {"text": submission.full_name.strip()}
    if submission.last_name.strip():
        name["family"] = submission.last_name
    if submission.first_name.strip():
        name["given"] = [submission.first_name]
    if name["text"]:
        resource["name"] = [name]
    telecom = [{"system": "phone", "value": submission.phone, "use": "mobile"}] if submission.phone else []
    if submission.email:
        telecom.append({"system": "email", "value": submission.email})
    if telecom:
        resource["telecom"] = telecom
    born = date_of_birth(submission)
    if born and born <= submission.created_on:
        resource["birthDate"] = born.isoformat()
    language = {"coding": [{"system": "urn:ietf:bcp:47", "code": submission.language}]}
    resource["communication"] = [{"language": language, "preferred": True}]
    return resource


def _answers(submission: Submission, question: questions.Question, style: ExportStyle) -> list[Resource]:
    value = submission.answers.get(question.code)
    if question.kind is questions.Kind.DATE:
        born = date_of_birth(submission)
        if born is None:
            return []  # not a date: nothing a valueDate can hold (the Observation keeps NR-DOB)
        age = rules.age_on(born, submission.created_on)
        if style.deidentified and age is not None and age > DEIDENTIFIED_MAX_AGE:
            return []
        return [{"valueDate": style.day(born)}]
    given = value if isinstance(value, list | tuple) else [] if value in (None, "") else [value]
    return [{"valueCoding": codes.answer_coding(question.code, str(code))} for code in given]


def _items(submission: Submission, style: ExportStyle) -> list[Resource]:
    groups = []
    for section, members in questionnaire.sections():
        # An unanswered question has no item: FHIR allows no item without an answer or items.
        answered = [
            {"linkId": q.code, "answer": answers}
            for q in members
            if (answers := _answers(submission, q, style))
        ]
        if answered:
            groups.append({"linkId": questionnaire.section_link_id(section), "item": answered})
    return groups


def questionnaire_response(
    submission: Submission, *, reassessed_at: datetime | None, style: ExportStyle
) -> Resource:
    """The answers as coded in our CodeSystem, pinned to the Questionnaire version they answered;
    "amended" once `reassess --apply` changed the submission's outcome or reasons."""
    resource: Resource = {
        "resourceType": "QuestionnaireResponse",
        "id": style.resource_id("QuestionnaireResponse", submission.code),
        "language": submission.language,
    }
    if not style.deidentified:
        resource["contained"] = [patient(submission)]
        resource["identifier"] = {"system": REFERENCE_SYSTEM, "value": submission.reference}
    # The version the patient answered, stored when they sent it; the Bundle carries the current one.
    resource["questionnaire"] = questionnaire.canonical(submission.questionnaire_version)
    resource["status"] = "amended" if reassessed_at else "completed"
    if not style.deidentified:
        resource["subject"] = {"reference": f"#{PATIENT_ID}"}
    resource["authored"] = style.when(submission.created_at)
    if not style.deidentified:
        resource["source"] = {"reference": f"#{PATIENT_ID}"}
    resource["item"] = _items(submission, style)
    return resource
