"""What the pages show of a submission, worked out here so that templates decide nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from screening.clinical import questions, reasons, rules, session_reasons, sources
from screening.clinical.reasons import Reason

if TYPE_CHECKING:
    from datetime import datetime

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


@dataclass(frozen=True)
class ReasonView:
    """A reason as a therapist reads it: a headline, the text, and the sources it rests on."""

    code: str
    outcome: str
    headline: str  # untranslated: the template translates it, as it does a patient text
    therapist_text: str
    sources: tuple[sources.Source, ...]


def reason_view(reason: Reason | str) -> ReasonView:
    """What templates show of a reason (templates/screening/review/_reason.html), from it or its code.

    A code is a screening reason's or a check-in's; one that a later rules version retired reads as
    the stand-in of reasons.reason_for.
    """
    if isinstance(reason, str):
        reason = session_reasons.SESSION_REASONS.get(reason) or reasons.reason_for(reason)
    return ReasonView(
        code=reason.code,
        outcome=reason.outcome.value,
        headline=reason.headline,
        therapist_text=reason.therapist_text,
        sources=sources.sources_for(reason.sources),
    )


def machine_time(moment: datetime) -> str:
    """A <time datetime> value HTML accepts: to the second (HTML allows at most three decimals)."""
    return moment.replace(microsecond=0).isoformat()


def tel_href(phone: str) -> str:
    """A phone number as typed ("(555) 010-1234") as a valid tel: link: digits and "+" only."""
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


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
