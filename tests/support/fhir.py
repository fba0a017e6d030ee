"""Reading our FHIR back as a receiving system would: parsed by fhir.resources, codings checked
against the CodeSystems and ValueSets we publish (fhir.resources enforces no binding)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from screening.clinical import questions
from screening.exports.fhir import CANONICAL_BASE
from screening.exports.fhir.codes import ANSWER_SYSTEM, answer_value_set_id

# The codes of other systems that our resources use, each with the displays we give it.
EXTERNAL_CODES: dict[str, dict[str, str | None]] = {
    "http://terminology.hl7.org/CodeSystem/observation-category": {"survey": "Survey"},
    "http://hl7.org/fhir/questionnaire-item-control": {"help": None},
    "urn:ietf:bcp:47": {"en": None, "es": None},
    # A session's Procedure: CPT for the procedure, UCUM for its quantities (which carry a unit, no display).
    "http://www.ama-assn.org/go/cpt": {
        "97033": "Application of a modality to 1 or more areas; iontophoresis, each 15 minutes"
    },
    "http://unitsofmeasure.org": {"mA": None, "mA.min": None, "min": None, "mL": None},
}


def parsed(resource: dict[str, Any]) -> Any:
    """The resource parsed by fhir.resources (R4B), from its JSON text as a receiver gets it."""
    return get_fhir_model_class(resource["resourceType"]).model_validate_json(json.dumps(resource))


def answers_from_response(response: QuestionnaireResponse) -> dict[str, object]:
    """The stored answers mapping rebuilt from a parsed QuestionnaireResponse alone: linkId is the
    question code, a coding's code is the answer code, a valueDate is the date of birth."""
    answers: dict[str, object] = {}

    def walk(items: list[Any] | None) -> None:
        for item in items or []:
            walk(item.item)
            if not item.answer:
                continue
            question = questions.QUESTIONS_BY_CODE[item.linkId]
            if question.kind is questions.Kind.DATE:
                answers[item.linkId] = str(item.answer[0].valueDate)
            elif question.kind is questions.Kind.MULTI:
                answers[item.linkId] = [a.valueCoding.code for a in item.answer]
            else:
                (only,) = item.answer
                answers[item.linkId] = only.valueCoding.code

    walk(response.item)
    return answers


def codings(value: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every Coding in a resource's JSON (anything with a system and a code), with its path."""
    if isinstance(value, dict):
        if "system" in value and "code" in value:
            yield path, value
        for key, child in value.items():
            yield from codings(child, f"{path}.{key}")
    elif isinstance(value, list):
        for n, child in enumerate(value):
            yield from codings(child, f"{path}[{n}]")


@dataclass
class Terminology:
    """Our published CodeSystems and ValueSets, as code -> display lookups."""

    systems: dict[str, dict[str, str]] = field(default_factory=dict)
    value_sets: dict[str, dict[str, str]] = field(default_factory=dict)
    value_set_systems: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, resources: list[dict[str, Any]]) -> Terminology:
        terminology = cls()
        for r in resources:
            if r["resourceType"] == "CodeSystem":
                terminology.systems[r["url"]] = {c["code"]: c["display"] for c in r["concept"]}
            elif r["resourceType"] == "ValueSet":
                (include,) = r["compose"]["include"]
                terminology.value_sets[r["url"]] = {c["code"]: c["display"] for c in include["concept"]}
                terminology.value_set_systems[r["url"]] = include["system"]
        return terminology

    def value_set(self, name: str) -> dict[str, str]:
        return self.value_sets[f"{CANONICAL_BASE}/ValueSet/{name}"]

    def problems(self, resource: dict[str, Any]) -> list[str]:
        """Every coding whose system or code we do not publish, or whose display is not the code's own."""
        found = []
        for path, coding in codings(resource):
            system, code = coding["system"], coding["code"]
            if system in EXTERNAL_CODES:
                known = EXTERNAL_CODES[system]
                if code not in known or coding.get("display") != known[code]:
                    found.append(f"{path}: {system}|{code} {coding.get('display')!r}")
            elif system not in self.systems:
                found.append(f"{path}: unknown system {system}")
            elif code not in self.systems[system]:
                found.append(f"{path}: {code!r} is not in {system}")
            elif system != ANSWER_SYSTEM and coding.get("display") != self.systems[system][code]:
                # An answer is displayed in its question's wording: answer_problems() checks those.
                found.append(f"{path}: {code!r} displayed as {coding.get('display')!r}")
        return found

    def answer_problems(self, question_code: str, coding: dict[str, Any]) -> list[str]:
        """What is wrong with an answer's coding for this question, checked against its ValueSet."""
        options = self.value_set(answer_value_set_id(question_code))
        if coding["system"] != ANSWER_SYSTEM or coding["code"] not in options:
            return [f"{question_code}: {coding['system']}|{coding['code']} is not one of its answers"]
        if coding.get("display") != options[coding["code"]]:
            return [f"{question_code}: {coding['code']} displayed as {coding.get('display')!r}"]
        return []
