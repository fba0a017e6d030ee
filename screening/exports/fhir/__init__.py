"""FHIR R4 export: our terminology, the Questionnaire, and each submission's QuestionnaireResponse
and outcome Observation, as one Bundle (the therapist's download) or as Bulk Data NDJSON files
(`manage.py export_fhir`). Built as plain dicts, validated with fhir.resources (docs/fhir.md)."""

from __future__ import annotations

from screening.exports.fhir.bulk import export_queryset, last_reassessed_at, write_ndjson
from screening.exports.fhir.bundle import canonical_resources, submission_bundle, submission_resources
from screening.exports.fhir.codes import CANONICAL_BASE
from screening.exports.fhir.ids import ExportStyle
from screening.exports.fhir.validate import to_json

__all__ = [
    "CANONICAL_BASE",
    "ExportStyle",
    "canonical_resources",
    "export_queryset",
    "last_reassessed_at",
    "submission_bundle",
    "submission_resources",
    "to_json",
    "write_ndjson",
]
