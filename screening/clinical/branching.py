"""Which questions apply, given the answers so far (STYLE.md 2.1): pure Python, no Django.

Every question of clinical.md §3 is required, and §4.3 turns an unanswered one into NR-MISSING
("Some questions were not answered"). A page left out would therefore either give every patient
who skips it a reason that is not true, or need an answer inferred for them, which is a clinical
judgement the rules do not make. So no question is skipped today: the branching the steps use
changes what a page says (the allergy page names the medicine the patient said is planned), not
whether it is asked. The steps read this function, so a rule change that makes a question
conditional needs only this function and its test.
"""

from __future__ import annotations

from collections.abc import Mapping

from screening.clinical.questions import N_, QUESTIONS

_ALL = frozenset(q.code for q in QUESTIONS)
# The planned medicine as the allergy page names it: the name alone, which its options repeat.
PLANNED_NAMES = {
    "dexamethasone": N_("dexamethasone"),
    "lidocaine": N_("lidocaine"),
    "acetic_acid": N_("acetic acid"),
}


def applicable_questions(answers: Mapping[str, object]) -> frozenset[str]:
    """The question codes a patient with these answers must be asked: today, all of them."""
    return _ALL


def planned_medicine(answers: Mapping[str, object]) -> str | None:
    """The planned medicine's answer code, when the patient named one the allergy page can mention."""
    drug = answers.get("prescribed_medication")
    return drug if drug in PLANNED_NAMES else None
