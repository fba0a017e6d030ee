"""Our CodeSystems, ValueSets and the Questionnaire: valid R4, consistent, and versioned by content."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from screening.clinical import questions, reasons
from screening.exports import fhir
from screening.exports.fhir import codes
from screening.models import DecisionChoice, Outcome
from tests.support.fhir import Terminology, parsed

RESOURCES = fhir.canonical_resources()
TERMINOLOGY = Terminology.of(RESOURCES)
QUESTIONNAIRE = next(r for r in RESOURCES if r["resourceType"] == "Questionnaire")


def question_items(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found = {}
    for item in items:
        found.update(question_items(item.get("item", [])))
        if item["type"] != "group" and item["type"] != "display":
            found[item["linkId"]] = item
    return found


ITEMS = question_items(QUESTIONNAIRE["item"])


def spanish(element: dict[str, Any] | None) -> str | None:
    for extension in (element or {}).get("extension", []):
        if extension["url"] == codes.TRANSLATION_EXTENSION:
            parts = {e["url"]: e.get("valueCode") or e.get("valueString") for e in extension["extension"]}
            if parts["lang"] == "es":
                return parts["content"]
    return None


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: f"{r['resourceType']}/{r['id']}")
def test_every_canonical_resource_parses_as_fhir_r4b(resource: dict[str, Any]) -> None:
    model = parsed(resource)
    assert (
        model.url == resource["url"] == f"{fhir.CANONICAL_BASE}/{resource['resourceType']}/{resource['id']}"
    )
    assert model.version == resource["version"]


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: f"{r['resourceType']}/{r['id']}")
def test_every_version_is_the_hash_of_the_rest_of_the_resource(resource: dict[str, Any]) -> None:
    body = {k: v for k, v in resource.items() if k != "version"}
    assert resource["version"] == codes.content_version(body)
    changed = copy.deepcopy(body)
    changed["title"] += "!"
    assert codes.content_version(changed) != resource["version"]


def test_the_questionnaire_version_changes_when_an_option_wording_changes() -> None:
    body = {k: v for k, v in copy.deepcopy(QUESTIONNAIRE).items() if k != "version"}
    option = next(i for g in body["item"] for i in g["item"] if i.get("answerOption"))
    option["answerOption"][0]["valueCoding"]["display"] = "Yes!"
    assert codes.content_version(body) != QUESTIONNAIRE["version"]


def test_every_code_in_a_value_set_is_in_its_code_system() -> None:
    for url, concepts in TERMINOLOGY.value_sets.items():
        system = TERMINOLOGY.systems[TERMINOLOGY.value_set_systems[url]]
        assert set(concepts) <= set(system), url


def test_the_code_systems_hold_every_question_answer_outcome_reason_and_decision() -> None:
    systems = TERMINOLOGY.systems
    assert set(systems[codes.QUESTION_SYSTEM]) == set(questions.QUESTIONS_BY_CODE)
    assert set(systems[codes.ANSWER_SYSTEM]) == {o.code for q in questions.QUESTIONS for o in q.options}
    assert set(systems[codes.OUTCOME_SYSTEM]) == set(Outcome.values)
    assert set(systems[codes.REASON_SYSTEM]) == set(reasons.REASONS)
    assert set(systems[codes.DECISION_SYSTEM]) == set(DecisionChoice.values)
    assert systems[codes.ANSWER_SYSTEM]["other"] == "Other"  # one neutral display for a shared code


def test_the_reason_code_system_states_the_outcome_each_reason_gives() -> None:
    system = next(r for r in RESOURCES if r["url"] == codes.REASON_SYSTEM)
    given = {c["code"]: c["property"][0]["valueCode"] for c in system["concept"]}
    assert given == {code: r.outcome.value for code, r in reasons.REASONS.items()}
    assert given["NS-IMPLANT"] == "not_suitable"


def test_every_choice_question_has_a_value_set_in_its_own_wording() -> None:
    for q in questions.QUESTIONS:
        if not q.options:
            continue
        assert TERMINOLOGY.value_set(codes.answer_value_set_id(q.code)) == {
            o.code: o.label for o in q.options
        }
    assert TERMINOLOGY.value_set("answers-body-area")["other"] == "Somewhere else"


def test_no_coding_in_the_canonical_resources_uses_a_code_we_do_not_publish() -> None:
    for resource in RESOURCES:
        assert TERMINOLOGY.problems(resource) == [], resource["id"]


def test_the_questionnaire_asks_every_question_once_by_its_code_in_the_intake_order() -> None:
    assert list(ITEMS) == [q.code for _key, members in fhir.questionnaire.sections() for q in members]
    assert sorted(ITEMS) == sorted(questions.QUESTIONS_BY_CODE)
    assert [g["linkId"] for g in QUESTIONNAIRE["item"]] == [f"section-{key}" for key, _ in questions.SECTIONS]


@pytest.mark.parametrize("question", questions.QUESTIONS, ids=lambda q: q.code)
def test_each_item_has_its_type_its_options_in_our_code_system_and_spanish_text(
    question: questions.Question,
) -> None:
    item = ITEMS[question.code]
    assert item["text"] == question.text
    assert spanish(item.get("_text")) not in (None, question.text)
    assert item["code"] == [
        {"system": codes.QUESTION_SYSTEM, "code": question.code, "display": question.text}
    ]
    if question.kind is questions.Kind.DATE:
        assert item["type"] == "date"
        assert "answerOption" not in item
        return
    assert item["type"] == "choice"
    assert item.get("repeats", False) is (question.kind is questions.Kind.MULTI)
    options = [o["valueCoding"] for o in item["answerOption"]]
    assert [o["code"] for o in options] == [o.code for o in question.options]
    for option in options:
        assert TERMINOLOGY.answer_problems(question.code, option) == []
        assert spanish(option.get("_display")), option["code"]


def test_a_multi_select_marks_none_and_unsure_as_exclusive() -> None:
    exclusive = {
        o["valueCoding"]["code"]
        for o in ITEMS["skin_problem_at_site"]["answerOption"]
        if o.get("extension") == [{"url": fhir.questionnaire.OPTION_EXCLUSIVE, "valueBoolean": True}]
    }
    assert exclusive == {"none", "unsure"}
    assert all("extension" not in o for o in ITEMS["pregnant"]["answerOption"])


def test_help_text_is_a_display_item_with_the_help_control() -> None:
    (help_item,) = next(i for g in QUESTIONNAIRE["item"] for i in g["item"] if i["linkId"] == "depth")["item"]
    assert help_item["type"] == "display"
    assert help_item["text"] == questions.QUESTIONS_BY_CODE["depth"].help_text
    assert help_item["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "help"


def test_the_spanish_wording_is_the_one_the_patient_read() -> None:
    item = ITEMS["pregnant"]
    assert spanish(item["_text"]).startswith("¿")
    yes = item["answerOption"][0]["valueCoding"]
    assert (yes["display"], spanish(yes["_display"])) == ("Yes", "Sí")


def test_a_designation_is_a_real_translation_never_the_english_copied() -> None:
    same = {
        (c["code"], d["value"])
        for r in RESOURCES
        if r["resourceType"] in ("CodeSystem", "ValueSet")
        for concepts in (
            [r.get("concept", [])]
            if r["resourceType"] == "CodeSystem"
            else [i["concept"] for i in r["compose"]["include"]]
        )
        for c in concepts
        for d in c.get("designation", [])
        if d["value"] == c["display"]
    }
    assert same == {("no", "No")}  # the one word Spanish writes as English does
