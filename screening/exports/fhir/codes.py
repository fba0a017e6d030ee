"""Our own terminology as FHIR CodeSystem and ValueSet resources, and the codings that use it.

Answer codes are shared between questions, as LOINC's answer codes are ("no" is one concept
wherever it is asked): the CodeSystem holds each code once with a neutral display, and each
question's ValueSet gives the wording that question showed, with its translations.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.utils import translation

from screening.clinical import questions, reasons
from screening.clinical.session_reasons import SESSION_REASONS
from screening.models import AdverseEvent, CheckInOutcome, DecisionChoice, Drug, Outcome, SessionNote

Resource = dict[str, Any]

# Canonical URLs identify our definitions; nothing fetches them. They are the same for every
# clinic running the app, so they are a constant, not a setting (docs/fhir.md).
CANONICAL_BASE = "https://ionto-screen.example/fhir"
TRANSLATION_EXTENSION = "http://hl7.org/fhir/StructureDefinition/translation"


def system_url(name: str) -> str:
    return f"{CANONICAL_BASE}/CodeSystem/{name}"


QUESTION_SYSTEM = system_url("question")
ANSWER_SYSTEM = system_url("answer")
OUTCOME_SYSTEM = system_url("outcome")
REASON_SYSTEM = system_url("reason")
DECISION_SYSTEM = system_url("decision")
OBSERVATION_SYSTEM = system_url("observation")
# The treatment course's sessions as Procedures (procedure.py).
DRUG_SYSTEM = system_url("drug")
POLARITY_SYSTEM = system_url("polarity")
SKIN_RESULT_SYSTEM = system_url("skin-result")
ADVERSE_EVENT_SYSTEM = system_url("adverse-event")
CHECK_IN_OUTCOME_SYSTEM = system_url("check-in-outcome")
SESSION_REASON_SYSTEM = system_url("session-reason")

# The codes of the Observation and its components (observation.py).
OBSERVATION_CODES = {
    "screening-outcome": "Iontophoresis screening outcome",
    "reason": "Reason for the screening outcome",
    "rules-version": "Version of the screening rules",
    "therapist-decision": "Physical therapist's decision",
}
# A neutral display for the answer codes whose wording differs from question to question.
_SHARED_ANSWER_DISPLAYS = {"other": "Other", "unsure": "Not sure", "none": "None"}


def english(label: object) -> str:
    """A model choice's label in English, whatever language the request is in: FHIR text is English."""
    with translation.override("en"):
        return str(label)


def other_languages() -> list[str]:
    """The languages we translate into: every one the app offers except English, the source."""
    return [code for code, _name in settings.LANGUAGES if code != "en"]


def translated(text: str) -> dict[str, str]:
    """The text in each other language the app offers. Every patient-facing string has a
    translation (tests/i18n), and one can equal the English ("No" is "No" in Spanish)."""
    found = {}
    for language in other_languages():
        with translation.override(language):
            found[language] = translation.gettext(text)
    return found


def translation_element(text: str) -> Resource | None:
    """The `_field` element carrying the FHIR translation extension for a string; None if untranslated."""
    extensions = [
        {
            "url": TRANSLATION_EXTENSION,
            "extension": [{"url": "lang", "valueCode": lang}, {"url": "content", "valueString": value}],
        }
        for lang, value in translated(text).items()
    ]
    return {"extension": extensions} if extensions else None


def with_translation(target: Resource, field: str, text: str) -> Resource:
    """Sets target[field] to the English text and target[_field] to its translations."""
    target[field] = text
    if element := translation_element(text):
        target[f"_{field}"] = element
    return target


def content_version(resource: Resource) -> str:
    """A short hash of the resource's content: it changes whenever a code, a text or a translation does."""
    body = json.dumps(resource, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()[:12]


def canonical_resource(
    resource_type: str, resource_id: str, name: str, title: str, body: Resource
) -> Resource:
    resource: Resource = {
        "resourceType": resource_type,
        "id": resource_id,
        "url": f"{CANONICAL_BASE}/{resource_type}/{resource_id}",
        "name": name,
        "title": title,
        "status": "active",
        "experimental": False,
        **body,
    }
    # The version is the hash of everything else, so it cannot be forgotten when content changes.
    return {**resource, "version": content_version(resource)}


def answer_display(code: str) -> str:
    """The CodeSystem's display for an answer code: the option's wording, or a neutral one if shared."""
    if code in _SHARED_ANSWER_DISPLAYS:
        return _SHARED_ANSWER_DISPLAYS[code]
    return next(o.label for q in questions.QUESTIONS for o in q.options if o.code == code)


def _answer_codes() -> list[str]:
    return list(dict.fromkeys(o.code for q in questions.QUESTIONS for o in q.options))


def _designations(text: str) -> list[Resource]:
    return [{"language": lang, "value": value} for lang, value in translated(text).items()]


def _concept(code: str, display: str, *, translate: bool = True) -> Resource:
    """A concept; with its translations as designations when the display is one of our catalogue's."""
    concept: Resource = {"code": code, "display": display}
    if translate and (designation := _designations(display)):
        concept["designation"] = designation
    return concept


def _code_system(resource_id: str, name: str, title: str, concepts: list[Resource], **extra: Any) -> Resource:
    body = {
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
        **extra,
        "concept": concepts,
    }
    return canonical_resource("CodeSystem", resource_id, name, title, body)


def code_systems() -> list[Resource]:
    """Every CodeSystem our resources use: questions, answers, outcomes, reasons, decisions, observation codes."""
    return [
        _code_system(
            "question",
            "IontoScreenQuestion",
            "Ionto Screen questions",
            [_concept(q.code, q.text) for q in questions.QUESTIONS],
        ),
        _code_system(
            "answer",
            "IontoScreenAnswer",
            "Ionto Screen answers",
            [
                _concept(code, answer_display(code), translate=code not in _SHARED_ANSWER_DISPLAYS)
                for code in _answer_codes()
            ],
        ),
        _code_system(
            "outcome",
            "IontoScreenOutcome",
            "Ionto Screen automated outcomes",
            [_concept(o.value, english(o.label)) for o in Outcome],
        ),
        _code_system(
            "reason",
            "IontoScreenReason",
            "Ionto Screen reasons",
            [
                {
                    "code": r.code,
                    "display": r.headline,
                    "definition": r.therapist_text,
                    "property": [{"code": "outcome", "valueCode": r.outcome.value}],
                }
                for r in reasons.REASONS.values()
            ],
            property=[
                {
                    "code": "outcome",
                    "uri": OUTCOME_SYSTEM,
                    "description": "The outcome this reason gives unless a setting changes it",
                    "type": "code",
                }
            ],
        ),
        _code_system(
            "decision",
            "IontoScreenDecision",
            "Ionto Screen therapist decisions",
            [_concept(d.value, english(d.label)) for d in DecisionChoice],
        ),
        _code_system(
            "observation",
            "IontoScreenObservation",
            "Ionto Screen observation codes",
            [_concept(code, display, translate=False) for code, display in OBSERVATION_CODES.items()],
        ),
        *_course_code_systems(),
    ]


def _choices_system(resource_id: str, name: str, title: str, choices: Any) -> Resource:
    return _code_system(resource_id, name, title, [_concept(c.value, english(c.label)) for c in choices])


def _course_code_systems() -> list[Resource]:
    """The codes a session's Procedure uses: the drug, the active electrode's polarity, the skin
    result, an adverse event's kind, the check-in's outcome and the session rules' reasons."""
    return [
        _choices_system("drug", "IontoScreenDrug", "Ionto Screen iontophoresis drugs", Drug),
        _choices_system(
            "polarity", "IontoScreenPolarity", "Ionto Screen active electrode polarity", SessionNote.Polarity
        ),
        _choices_system(
            "skin-result",
            "IontoScreenSkinResult",
            "Ionto Screen skin results after a session",
            SessionNote.SkinResult,
        ),
        _choices_system(
            "adverse-event", "IontoScreenAdverseEvent", "Ionto Screen adverse event kinds", AdverseEvent.Kind
        ),
        _choices_system(
            "check-in-outcome", "IontoScreenCheckInOutcome", "Ionto Screen check-in outcomes", CheckInOutcome
        ),
        _code_system(
            "session-reason",
            "IontoScreenSessionReason",
            "Ionto Screen session reasons",
            [
                {"code": r.code, "display": r.therapist_text, "definition": r.therapist_text}
                for r in SESSION_REASONS.values()
            ],
        ),
    ]


def answer_value_set_id(question_code: str) -> str:
    # FHIR ids allow letters, digits, "-" and "." only.
    return "answers-" + question_code.replace("_", "-")


def _value_set(resource_id: str, name: str, title: str, system: str, concepts: list[Resource]) -> Resource:
    return canonical_resource(
        "ValueSet",
        resource_id,
        name,
        title,
        {"immutable": False, "compose": {"include": [{"system": system, "concept": concepts}]}},
    )


def value_sets() -> list[Resource]:
    """A ValueSet of each choice question's answers, in its own wording, and of outcomes, reasons, decisions."""
    by_question = [
        _value_set(
            answer_value_set_id(q.code),
            "Answers" + "".join(part.title() for part in q.code.split("_")),
            f"Answers to {q.code}",
            ANSWER_SYSTEM,
            [_concept(o.code, o.label) for o in q.options],
        )
        for q in questions.QUESTIONS
        if q.options
    ]
    return [
        *by_question,
        _value_set(
            "outcome",
            "Outcomes",
            "Automated outcomes",
            OUTCOME_SYSTEM,
            [{"code": o.value, "display": english(o.label)} for o in Outcome],
        ),
        _value_set(
            "reason",
            "Reasons",
            "Reasons for an outcome",
            REASON_SYSTEM,
            [{"code": r.code, "display": r.headline} for r in reasons.REASONS.values()],
        ),
        _value_set(
            "decision",
            "Decisions",
            "Therapist decisions",
            DECISION_SYSTEM,
            [{"code": d.value, "display": english(d.label)} for d in DecisionChoice],
        ),
    ]


def coding(system: str, code: str, display: str) -> Resource:
    return {"system": system, "code": code, "display": display}


def answer_coding(question_code: str, answer_code: str) -> Resource:
    """The coding of one answer, displayed in the wording the question showed (its ValueSet's display)."""
    labels = {o.code: o.label for o in questions.QUESTIONS_BY_CODE[question_code].options}
    # A code outside today's options (an older question set) keeps its code, shown as itself.
    return coding(ANSWER_SYSTEM, answer_code, labels.get(answer_code, answer_code))


def outcome_coding(outcome: str) -> Resource:
    return coding(OUTCOME_SYSTEM, outcome, english(Outcome(outcome).label))


def reason_coding(reason: reasons.Reason) -> Resource:
    return coding(REASON_SYSTEM, reason.code, reason.headline)


def decision_coding(choice: str) -> Resource:
    return coding(DECISION_SYSTEM, choice, english(DecisionChoice(choice).label))


def choice_coding(system: str, choice: Any) -> Resource:
    """A model choice's coding in the CodeSystem made from its choices (_course_code_systems)."""
    return coding(system, choice.value, english(choice.label))


def check_in_reason_coding(code: str) -> Resource:
    """A check-in's reason: a session rule's in its own system, a screening rule's in ours."""
    if code in SESSION_REASONS:
        return coding(SESSION_REASON_SYSTEM, code, SESSION_REASONS[code].therapist_text)
    return reason_coding(reasons.reason_for(code))


def observation_code(code: str) -> Resource:
    return {
        "coding": [coding(OBSERVATION_SYSTEM, code, OBSERVATION_CODES[code])],
        "text": OBSERVATION_CODES[code],
    }
