"""An "all clear" set of answers for the screening questionnaire, for any test module to start from."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from django.utils import timezone

# Every question answered, and no rule of clinical.md §4.3 fires: the outcome is likely_suitable.
# The patient is an adult well under the very-elderly age until about 2060.
CLEAR_ANSWERS: dict[str, Any] = {
    "condition": "tendonitis",
    "body_area": "elbow",
    "depth": "just_under_skin",
    "date_of_birth": "1980-06-15",
    "has_implanted_electronic_device": "no",
    "pregnant": "no",
    "skin_problem_at_site": ["none"],
    "infection_at_site": "no",
    "cancer_at_site": "no",
    "blood_clot_at_site": "no",
    "reduced_feeling_at_site": "no",
    "metal_near_site": "no",
    "skin_sensitivity": ["none"],
    "prescribed_medication": "dexamethasone",
    "medicine_allergies": ["none"],
    "electrical_therapy_reaction": "no",
    "heart_or_seizure_condition": "no",
    "can_attend_sessions": "yes",
}


def make_answers(**overrides: Any) -> dict[str, Any]:
    """A fresh copy of CLEAR_ANSWERS with the given answers replaced.

    A keyword that is not a question code is a typo, so it raises TypeError; to test an unknown
    question, add the key to the returned dict. To leave a question out, `del` it from the result.
    """
    if unknown := set(overrides) - set(CLEAR_ANSWERS):
        raise TypeError(f"make_answers() got unknown question codes: {sorted(unknown)}")
    return copy.deepcopy({**CLEAR_ANSWERS, **overrides})


def elderly_answers() -> dict[str, Any]:
    """Clear answers from a patient who is 80 on the day of screening: under the default
    very-elderly age of 85, over it once VERY_ELDERLY_AGE is lowered to 75."""
    return make_answers(date_of_birth=(timezone.localdate() - timedelta(days=80 * 365 + 30)).isoformat())
