"""The export read back: from the QuestionnaireResponse alone, the rules give the stored outcome."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from screening import services
from screening.clinical import questions, rules
from screening.exports import fhir
from screening.exports.fhir import bulk
from screening.models import SessionNote, Submission
from tests.support.fhir import Terminology, answers_from_response, parsed

TERMINOLOGY = Terminology.of(fhir.canonical_resources())
STYLE = fhir.ExportStyle()


def screened_on(response: Any) -> date:
    # The day the patient answered, in the clinic's time zone: authored carries its offset.
    authored = response.authored
    moment = authored if isinstance(authored, datetime) else datetime.fromisoformat(str(authored))
    return timezone.localdate(moment)


def assert_round_trip(
    submission: Submission, decisions: list[Any], reassessed_at: datetime | None
) -> list[dict[str, Any]]:
    """Exports the submission, parses each line back and checks the rules agree with what is stored;
    returns its course's Procedures, each parsed back and its codings checked."""
    response_json, observation_json, *procedures = fhir.submission_resources(
        submission, decisions=decisions, reassessed_at=reassessed_at, style=STYLE
    )
    for resource in procedures:
        assert parsed(_line(resource)).get_resource_type() == "Procedure"
        assert TERMINOLOGY.problems(resource) == []
    response = parsed(_line(response_json))
    observation = parsed(_line(observation_json))
    answers = answers_from_response(response)
    again = rules.assess(answers, today=screened_on(response), config=services.rules_config())
    assert again.outcome.value == submission.outcome
    assert list(again.reason_codes) == submission.reason_codes
    assert observation.valueCodeableConcept.coding[0].code == submission.outcome
    component_codes = [
        c.valueCodeableConcept.coding[0].code
        for c in observation.component
        if c.code.coding[0].code == "reason"
    ]
    assert component_codes == submission.reason_codes
    for resource in (response_json, observation_json):
        assert TERMINOLOGY.problems(resource) == []
    for group in response_json["item"]:
        for item in group["item"]:
            for answer in item["answer"]:
                if "valueCoding" in answer:
                    assert TERMINOLOGY.answer_problems(item["linkId"], answer["valueCoding"]) == []
    return procedures


def _line(resource: dict[str, Any]) -> dict[str, Any]:
    # Through the exporter's own serialisation, as a receiver reads the NDJSON line.
    return json.loads(fhir.to_json(resource))


@pytest.mark.django_db
def test_every_seeded_submission_round_trips_to_its_stored_outcome_and_reasons() -> None:
    call_command("seed_demo", "--submissions", "400", "--seed", "14", "--courses", stdout=io.StringIO())
    rows = list(bulk.export_queryset())
    assert len(rows) == 400
    assert {s.outcome for s in rows} == {"likely_suitable", "needs_review", "not_suitable"}
    procedures = []
    for submission in rows:
        procedures += assert_round_trip(
            submission, list(submission.decisions.all()), submission.fhir_reassessed_at
        )
    # The demo courses: completed, stopped after a blister, in progress (seed_demo --courses).
    completed = [p for p in procedures if p["status"] == "completed"]
    assert {p["status"] for p in procedures} <= {"completed", "not-done"}
    assert len(completed) == SessionNote.objects.filter(signed_at__isnull=False).count() > 0
    assert any("complication" in p for p in completed)


def _answer(question: questions.Question) -> st.SearchStrategy[object]:
    codes = [o.code for o in question.options]
    if question.kind is questions.Kind.DATE:
        today = date.today()
        return st.dates(min_value=date(1900, 1, 1), max_value=today + timedelta(days=30)).map(date.isoformat)
    if question.kind is questions.Kind.MULTI:
        return st.lists(st.sampled_from(codes), min_size=1, max_size=len(codes), unique=True)
    return st.sampled_from(codes)


# Any answer to each question, or none at all: the rules and the export must agree on all of them.
ANSWER_SETS = st.fixed_dictionaries({}, optional={q.code: _answer(q) for q in questions.QUESTIONS})


@given(answers=ANSWER_SETS, minutes_ago=st.integers(min_value=0, max_value=60 * 24 * 400))
@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_answer_set_round_trips_to_the_same_outcome_and_reasons(
    answers: dict[str, object], minutes_ago: int
) -> None:
    created_at = timezone.now() - timedelta(minutes=minutes_ago)
    contact = services.Contact(first_name="Ana", last_name="Lopez", phone="(555) 010-0000")
    submission = services.submission_build(answers=answers, contact=contact, created_at=created_at)
    assert_round_trip(submission, [], None)
