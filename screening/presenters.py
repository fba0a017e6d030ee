"""What the pages show of a submission, worked out here so that templates decide nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from screening.clinical import questions, rules

if TYPE_CHECKING:
    from screening.clinical.reasons import Reason
    from screening.models import Submission


@dataclass(frozen=True)
class AnswerRow:
    section: str
    question: str
    answers: list[str]
    reasons: list[Reason]


_SECTION_LABELS = dict(questions.SECTIONS)
# The order the patient saw them in, section by section (as the intake form groups them).
_QUESTIONS_BY_SECTION = [
    q for key, _label in questions.SECTIONS for q in questions.QUESTIONS if q.section == key
]


def answer_labels(submission: Submission, question_code: str) -> list[str]:
    """The wording of the options the patient chose, untranslated; empty if unanswered."""
    return questions.option_labels(question_code, submission.answers.get(question_code))


def answer_rows(submission: Submission) -> list[AnswerRow]:
    """Every question, section by section, with the patient's answer and the reasons it triggered."""
    triggered = rules.triggered_answers(submission.answers, submission.reason_codes)
    reasons = {r.code: r for r in submission.reasons}
    return [
        AnswerRow(
            section=_SECTION_LABELS[q.section],
            question=q.text,
            answers=answer_labels(submission, q.code),
            reasons=[reasons[code] for code in triggered.get(q.code, [])],
        )
        for q in _QUESTIONS_BY_SECTION
    ]
