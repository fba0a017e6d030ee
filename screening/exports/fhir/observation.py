"""The automated outcome as a FHIR Observation derived from the QuestionnaireResponse."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from screening.exports.fhir import codes, response
from screening.exports.fhir.codes import Resource
from screening.exports.fhir.ids import ExportStyle, instant
from screening.models.therapist import therapist_display

if TYPE_CHECKING:
    from screening.models import Decision, Submission

SURVEY_CATEGORY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}


def status(decisions: Sequence[Decision], reassessed_at: datetime | None) -> str:
    """preliminary until a therapist decides; final once one has; amended if reassessed after that."""
    if not decisions:
        return "preliminary"
    latest = max(d.created_at for d in decisions)
    return "amended" if reassessed_at and reassessed_at > latest else "final"


def _components(submission: Submission, decisions: Sequence[Decision]) -> list[Resource]:
    components = [
        {
            "code": codes.observation_code("reason"),
            "valueCodeableConcept": {
                "coding": [codes.reason_coding(r)],
                "text": f"{r.headline}: {r.therapist_text}",
            },
        }
        for r in submission.reasons
    ]
    components.append(
        {"code": codes.observation_code("rules-version"), "valueString": submission.rules_version}
    )
    if decisions:
        latest = max(decisions, key=lambda d: (d.created_at, d.pk))
        choice = codes.decision_coding(latest.choice)
        components.append(
            {
                "code": codes.observation_code("therapist-decision"),
                "valueCodeableConcept": {"coding": [choice], "text": choice["display"]},
            }
        )
    return components


def _notes(decisions: Sequence[Decision]) -> list[Resource]:
    # Every decision, oldest first; left out of a de-identified export, as a note may name anyone.
    notes = []
    for d in sorted(decisions, key=lambda d: (d.created_at, d.pk)):
        text = f"Decision: {codes.decision_coding(d.choice)['display']}."
        if d.duplicate_of_id:
            text += f" Duplicate of submission {d.duplicate_of.reference}."
        if d.note:
            text += f" Note: {d.note}"
        name = therapist_display(d.therapist)
        notes.append({"authorString": name, "time": instant(d.created_at), "text": text})
    return notes


def outcome_observation(
    submission: Submission,
    *,
    decisions: Sequence[Decision],
    reassessed_at: datetime | None,
    style: ExportStyle,
) -> Resource:
    """The outcome in our CodeSystem, a component per reason with its code and therapist text, the
    rules version, and the latest decision; derived from the submission's QuestionnaireResponse."""
    resource: Resource = {
        "resourceType": "Observation",
        "id": style.resource_id("Observation", submission.code),
    }
    if not style.deidentified:
        resource["contained"] = [response.patient(submission)]
    resource["status"] = status(decisions, reassessed_at)
    resource["category"] = [SURVEY_CATEGORY]
    resource["code"] = codes.observation_code("screening-outcome")
    if not style.deidentified:
        resource["subject"] = {"reference": f"#{response.PATIENT_ID}"}
    resource["effectiveDateTime"] = style.when(submission.created_at)
    if decisions and not style.deidentified:
        # Who made the outcome final: the latest decision's therapist, with their credentials.
        latest = max(decisions, key=lambda d: (d.created_at, d.pk))
        resource["performer"] = [{"display": therapist_display(latest.therapist)}]
    if not style.deidentified:
        resource["issued"] = instant(submission.created_at)
    outcome = codes.outcome_coding(submission.outcome)
    resource["valueCodeableConcept"] = {"coding": [outcome], "text": outcome["display"]}
    if decisions and not style.deidentified:
        resource["note"] = _notes(decisions)
    qr_id = style.resource_id("QuestionnaireResponse", submission.code)
    resource["derivedFrom"] = [{"reference": style.reference("QuestionnaireResponse", qr_id)}]
    resource["component"] = _components(submission, decisions)
    return resource
