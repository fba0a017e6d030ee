"""reasons.reason_for: every stored reason code reads as something, even one a later rules version retired."""

from __future__ import annotations

import pytest

from screening.clinical import reasons
from screening.clinical.reasons import Outcome, Reason


@pytest.mark.parametrize("code", sorted(reasons.REASONS))
def test_a_current_code_reads_as_its_own_reason(code: str) -> None:
    assert reasons.reason_for(code) is reasons.REASONS[code]


def test_a_retired_code_reads_as_a_stand_in_that_needs_review() -> None:
    assert reasons.reason_for("NS-RETIRED") == Reason(
        "NS-RETIRED",
        Outcome.NEEDS_REVIEW,
        "Your therapist will go over your answers with you.",
        "Reason from an earlier rules version.",
        "Reason from an earlier rules version",
    )
