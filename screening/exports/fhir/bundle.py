"""What one export holds: our terminology and Questionnaire, then each submission's resources."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from screening.exports.fhir import codes, observation, procedure, questionnaire, response
from screening.exports.fhir.codes import Resource
from screening.exports.fhir.ids import ExportStyle, instant

if TYPE_CHECKING:
    from screening.models import Decision, Submission


def canonical_resources() -> list[Resource]:
    """The CodeSystems, the ValueSets and the Questionnaire that every submission's resources use."""
    return [*codes.code_systems(), *codes.value_sets(), questionnaire.questionnaire()]


def course_resources(submission: Submission, *, style: ExportStyle) -> Iterator[Resource]:
    """The treatment course's sessions as Procedures (procedure.py). The submission must come
    with procedure.prefetches(), as bulk.export_queryset's rows and the bundle view's do."""
    return procedure.course_procedures(submission, style=style)


def submission_resources(
    submission: Submission,
    *,
    decisions: Sequence[Decision],
    reassessed_at: datetime | None,
    style: ExportStyle,
) -> Iterator[Resource]:
    """The submission's QuestionnaireResponse, its outcome Observation, then its course's resources."""
    yield response.questionnaire_response(submission, reassessed_at=reassessed_at, style=style)
    yield observation.outcome_observation(
        submission, decisions=decisions, reassessed_at=reassessed_at, style=style
    )
    yield from course_resources(submission, style=style)


def submission_bundle(
    submission: Submission,
    *,
    decisions: Sequence[Decision],
    reassessed_at: datetime | None,
    deidentified: bool = False,
) -> Resource:
    """A Bundle of type collection: the terminology, the Questionnaire and this submission's resources."""
    style = ExportStyle(deidentified=deidentified, in_bundle=True)
    entries = [{"fullUrl": r["url"], "resource": r} for r in canonical_resources()]
    entries += [
        {"fullUrl": f"urn:uuid:{r['id']}", "resource": r}
        for r in submission_resources(
            submission, decisions=decisions, reassessed_at=reassessed_at, style=style
        )
    ]
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": instant(timezone.now()),
        "entry": entries,
    }
