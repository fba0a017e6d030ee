"""A clear check-in, for any test module to start from; pure, so the clinical tests can use it."""

from __future__ import annotations

import copy
from typing import Any

# Every check-in question answered and nothing new since booking: the outcome is "go".
CLEAR_CHECKIN: dict[str, Any] = {
    "after_last_session": ["none"],
    "skin_today": "no",
    "new_numbness": "no",
    "new_safety_change": ["none"],
    "medicine_change": "no",
    "metal_on_site": "no",
}


def make_checkin(**overrides: Any) -> dict[str, Any]:
    """A fresh copy of CLEAR_CHECKIN with the given answers replaced; a misspelt code raises TypeError."""
    if unknown := set(overrides) - set(CLEAR_CHECKIN):
        raise TypeError(f"make_checkin() got unknown question codes: {sorted(unknown)}")
    return copy.deepcopy({**CLEAR_CHECKIN, **overrides})
