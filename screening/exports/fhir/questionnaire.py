"""The question set as a FHIR Questionnaire: items in the order the patient saw them, by section."""

from __future__ import annotations

import copy
from functools import cache

from screening.clinical import questions
from screening.exports.fhir import codes
from screening.exports.fhir.codes import Resource

QUESTIONNAIRE_ID = "iontophoresis-screening"
QUESTIONNAIRE_URL = f"{codes.CANONICAL_BASE}/Questionnaire/{QUESTIONNAIRE_ID}"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
_ITEM_TYPES = {questions.Kind.SINGLE: "choice", questions.Kind.MULTI: "choice", questions.Kind.DATE: "date"}


def section_link_id(section: str) -> str:
    # Prefixed: the section "condition" and the question "condition" would otherwise share a linkId.
    return f"section-{section}"


def sections() -> list[tuple[str, list[questions.Question]]]:
    """Each section's key and its questions, in the order the intake form shows them."""
    return [(key, [q for q in questions.QUESTIONS if q.section == key]) for key, _label in questions.SECTIONS]


def _enable_when(question: questions.Question) -> list[Resource]:
    # No question branches on another yet: every patient sees all of them. When the intake shows a
    # question only after some answer, its condition becomes enableWhen here, from clinical/.
    return []


def _answer_option(question: questions.Question, option: questions.Option) -> Resource:
    coding = codes.with_translation(
        {"system": codes.ANSWER_SYSTEM, "code": option.code}, "display", option.label
    )
    answer: Resource = {"valueCoding": coding}
    if question.kind is questions.Kind.MULTI and option.code in questions.EXCLUSIVE_OPTIONS:
        answer["extension"] = [{"url": OPTION_EXCLUSIVE, "valueBoolean": True}]
    return answer


def _help_item(question: questions.Question) -> Resource:
    control = {"coding": [{"system": "http://hl7.org/fhir/questionnaire-item-control", "code": "help"}]}
    item: Resource = {
        "extension": [{"url": ITEM_CONTROL, "valueCodeableConcept": control}],
        "linkId": f"{question.code}-help",
    }
    codes.with_translation(item, "text", question.help_text)
    item["type"] = "display"
    return item


def _item(question: questions.Question) -> Resource:
    item: Resource = {
        "linkId": question.code,
        "code": [codes.coding(codes.QUESTION_SYSTEM, question.code, question.text)],
    }
    codes.with_translation(item, "text", question.text)
    item["type"] = _ITEM_TYPES[question.kind]
    if enable_when := _enable_when(question):
        item["enableWhen"] = enable_when
    if question.kind is questions.Kind.MULTI:
        item["repeats"] = True
    if question.options:
        item["answerOption"] = [_answer_option(question, o) for o in question.options]
    if question.help_text:
        item["item"] = [_help_item(question)]
    return item


@cache
def _questionnaire(language_key: tuple[str, ...]) -> Resource:
    labels = dict(questions.SECTIONS)
    items = []
    for key, members in sections():
        group: Resource = {"linkId": section_link_id(key)}
        codes.with_translation(group, "text", labels[key])
        group.update(type="group", item=[_item(q) for q in members])
        items.append(group)
    body: Resource = {"language": "en", "subjectType": ["Patient"], "item": items}
    return codes.canonical_resource(
        "Questionnaire",
        QUESTIONNAIRE_ID,
        "IontophoresisScreening",
        "Iontophoresis screening questionnaire",
        body,
    )


def questionnaire() -> Resource:
    """The Questionnaire, with a version that is a hash of its content: any change to a question,
    an option or a translation gives a new version."""
    return copy.deepcopy(_questionnaire(tuple(codes.other_languages())))


def version() -> str:
    """The current Questionnaire's version, as a submission stores it when it is sent.

    Plain Python and Django's translations, no fhir.resources: the submit path calls it, and the
    web workers import fhir.resources only on a first export. Built once per set of languages
    (about 5 ms), then a dictionary lookup.
    """
    return str(_questionnaire(tuple(codes.other_languages()))["version"])


def canonical(questionnaire_version: str | None = None) -> str:
    """What a QuestionnaireResponse names in `questionnaire`: url|version, the current version
    unless another is given (a submission's stored one)."""
    return f"{QUESTIONNAIRE_URL}|{version() if questionnaire_version is None else questionnaire_version}"
