"""Every resource we write is parsed by fhir.resources' R4B models first (equal to R4 for ours)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from screening.exports.fhir.codes import Resource


def to_json(resource: Resource) -> str:
    """The resource as one line of JSON, after fhir.resources has parsed that very line.

    A ValueError (pydantic's ValidationError) names the element that is not valid FHIR. Only
    structure and cardinality are checked: fhir.resources enforces no terminology binding, which
    our tests check against our CodeSystems and ValueSets.
    """
    # Imported on first use: fhir.resources takes a quarter of a second that start-up need not pay.
    from fhir.resources.R4B import get_fhir_model_class

    line = json.dumps(resource, ensure_ascii=False, separators=(",", ":"))
    get_fhir_model_class(resource["resourceType"]).model_validate_json(line)
    return line
