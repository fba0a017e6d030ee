"""The check-in before each session: its questions, and the rules that give go / clear / do not treat.

Pure Python, no Django imports. The outcome comes from the screening rules of rules.py over the
screening answers with the check-in's changes applied, plus the session rules below
(treatment-course.md §2). What the therapist accepted at booking is shown again but decides nothing,
except that a contraindication accepted at booking can never give "go".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from screening.clinical import rules
from screening.clinical.questions import EXCLUSIVE_OPTIONS, N_, Kind, Option, Question
from screening.clinical.reasons import Outcome, Reason, reason_for
from screening.clinical.session_reasons import SESSION_REASONS

# Stored with every check-in beside the screening RULES_VERSION; bump when a question or rule changes.
SESSION_RULES_VERSION = "2026.12.1"


class SessionOutcome(StrEnum):
    GO = "go"
    CLEAR_FIRST = "clear_first"
    DO_NOT_TREAT = "do_not_treat"

    @property
    def rank(self) -> int:
        """Higher is more cautious."""
        return _RANK[self]


_RANK = {SessionOutcome.GO: 0, SessionOutcome.CLEAR_FIRST: 1, SessionOutcome.DO_NOT_TREAT: 2}
_FROM_SCREENING = {
    Outcome.LIKELY_SUITABLE: SessionOutcome.GO,
    Outcome.NEEDS_REVIEW: SessionOutcome.CLEAR_FIRST,
    Outcome.NOT_SUITABLE: SessionOutcome.DO_NOT_TREAT,
}


def session_outcome(outcome: Outcome) -> SessionOutcome:
    """The session outcome a reason of this screening outcome gives."""
    return _FROM_SCREENING[Outcome(outcome)]


_YES, _NO, _UNSURE = Option("yes", N_("Yes")), Option("no", N_("No")), Option("unsure", N_("I'm not sure"))

CHECKIN_QUESTIONS: tuple[Question, ...] = (
    Question(
        "after_last_session",
        "checkin",
        N_("After your last treatment, did you have any of these where the pads were?"),
        Kind.MULTI,
        (
            Option("redness_over_24h", N_("Redness that lasted more than a day")),
            Option("blister", N_("A blister")),
            Option("burn", N_("A burn or an open sore")),
            Option("rash", N_("A rash or itching")),
            Option("none", N_("None of these")),
            _UNSURE,
        ),
        N_("Choose all that apply."),
    ),
    Question(
        "skin_today",
        "checkin",
        N_("Is the skin where the pads go broken, sunburnt, or newly scarred today?"),
        Kind.SINGLE,
        (_YES, _NO, _UNSURE),
    ),
    Question(
        "new_numbness",
        "checkin",
        N_("Is the skin there numb, or do you feel less there than before?"),
        Kind.SINGLE,
        (_YES, _NO, _UNSURE),
    ),
    Question(
        "new_safety_change",
        "checkin",
        N_(
            "Since your last visit, have you become pregnant, had a device put in your body, or been "
            "told you have an infection near the spot?"
        ),
        Kind.MULTI,
        (
            Option("pregnant", N_("I have become pregnant")),
            Option("device", N_("I have had a device put in my body")),
            Option("infection", N_("I have been told I have an infection near the spot")),
            Option("none", N_("None of these")),
            _UNSURE,
        ),
        N_("Choose all that apply."),
    ),
    Question(
        "medicine_change",
        "checkin",
        N_("Has the medicine changed, or have you found out you are allergic to a medicine?"),
        Kind.SINGLE,
        (_YES, _NO, _UNSURE),
    ),
    Question(
        "metal_on_site",
        "checkin",
        N_("Are you wearing jewellery or anything metal where the pads go?"),
        Kind.SINGLE,
        (_YES, _NO),
    ),
)
CHECKIN_QUESTIONS_BY_CODE = {q.code: q for q in CHECKIN_QUESTIONS}
# Before the first session there is no last session to ask about.
FIRST_SESSION_SKIPS = frozenset({"after_last_session"})

# Each new safety change is the screening answer it stands for; the screening rules then decide.
SAFETY_CHANGE_ANSWERS = {
    "pregnant": ("pregnant", "yes"),
    "device": ("has_implanted_electronic_device", "yes"),
    "infection": ("infection_at_site", "yes"),
}


@dataclass(frozen=True)
class CourseState:
    """What the course knows that the patient's answers do not."""

    first_session: bool = False
    # A burn or blister was recorded and no physician consult since: every session is blocked.
    suspended: bool = False
    # A physician consult was recorded after the last session: a burn reported now has been seen.
    consulted_since_last_session: bool = False


@dataclass(frozen=True)
class SessionAssessment:
    outcome: SessionOutcome
    # The reasons that decide the outcome, most cautious first.
    reasons: tuple[Reason, ...]
    # Reasons the screening gave, accepted at booking, that still fire: shown, deciding nothing.
    accepted: tuple[Reason, ...]
    rules_version: str
    session_rules_version: str

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)

    @property
    def accepted_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.accepted)


def parse_checkin(checkin: Mapping[str, object], *, first_session: bool) -> dict[str, frozenset[str]]:
    """Each asked question's answer codes (empty when unanswered); ValueError on an unknown code."""
    if unknown := set(checkin) - set(CHECKIN_QUESTIONS_BY_CODE):
        raise ValueError(f"unknown check-in question: {min(unknown)}")
    parsed: dict[str, frozenset[str]] = {}
    for q in CHECKIN_QUESTIONS:
        if first_session and q.code in FIRST_SESSION_SKIPS:
            continue
        value = checkin.get(q.code)
        if value is None or value == "":
            codes: frozenset[str] = frozenset()
        elif q.kind is Kind.SINGLE and isinstance(value, str):
            codes = frozenset({value})
        elif q.kind is Kind.MULTI and isinstance(value, list | tuple | set | frozenset):
            codes = frozenset(str(v) for v in value)
        else:
            raise ValueError(f"{q.code} does not take {value!r}")
        if bad := codes - q.option_codes:
            raise ValueError(f"unknown answer for {q.code}: {min(bad)!r}")
        if len(codes) > 1 and codes & EXCLUSIVE_OPTIONS:
            raise ValueError(f"{q.code}: {sorted(codes & EXCLUSIVE_OPTIONS)[0]} excludes every other answer")
        parsed[q.code] = codes
    return parsed


def applied_answers(
    screening: Mapping[str, object], checkin: Mapping[str, frozenset[str]]
) -> dict[str, object]:
    """The screening answers with the check-in's new safety changes written over them."""
    answers = dict(screening)
    for change in checkin.get("new_safety_change", frozenset()):
        if change in SAFETY_CHANGE_ANSWERS:
            question, answer = SAFETY_CHANGE_ANSWERS[change]
            answers[question] = answer
    return answers


def _session_reasons(c: Mapping[str, frozenset[str]], state: CourseState) -> list[Reason]:
    fired: list[str] = []
    if state.suspended:
        fired.append("CI-COURSE-SUSPENDED")
    after = c.get("after_last_session", frozenset())
    if after & {"burn", "blister"}:
        # Never "go": seen by a physician since, it still needs the therapist to clear it.
        fired.append("NR-SESSION-BURN-SEEN" if state.consulted_since_last_session else "CI-SESSION-BURN")
    if after & {"redness_over_24h", "rash", "unsure"}:
        fired.append("NR-SESSION-SKIN-REACTION")
    if "yes" in c["skin_today"]:
        fired.append("CI-SKIN-TODAY")
    if c["new_numbness"] & {"yes", "unsure"}:
        fired.append("NR-SESSION-FEELING")
    if c["medicine_change"] & {"yes", "unsure"}:
        fired.append("NR-SESSION-MEDICINE")
    if "yes" in c["metal_on_site"]:
        fired.append("NR-SESSION-METAL")
    # An unsure safety answer is never read as "no" (treatment-course.md §2 NR-UNSURE).
    if "unsure" in c["skin_today"] | c["new_safety_change"]:
        fired.append("NR-SESSION-UNSURE")
    if any(not codes for codes in c.values()):
        fired.append("NR-SESSION-MISSING")
    return [SESSION_REASONS[code] for code in fired]


def assess_checkin(
    screening_answers: Mapping[str, object],
    checkin: Mapping[str, object],
    *,
    accepted_codes: tuple[str, ...] | list[str] | frozenset[str],
    state: CourseState,
    today: date,
    config: rules.RulesConfig | None = None,
) -> SessionAssessment:
    """The session outcome: the most cautious of the new screening reasons and the session rules.

    `accepted_codes` are the reason codes the screening gave when the therapist booked the patient.
    A screening reason among them is listed in `accepted` and decides nothing, except that an
    accepted contraindication still gives at least "therapist must clear".
    """
    parsed = parse_checkin(checkin, first_session=state.first_session)
    screening = rules.assess(applied_answers(screening_answers, parsed), today=today, config=config)
    accepted_set = frozenset(accepted_codes)
    new = [r for r in screening.reasons if r.code not in accepted_set]
    accepted = tuple(r for r in screening.reasons if r.code in accepted_set)
    deciding = new + _session_reasons(parsed, state)
    # A contraindication the therapist booked over (an override with a note) never gives "go".
    if any(r.outcome is Outcome.NOT_SUITABLE for r in accepted):
        deciding.append(SESSION_REASONS["NR-SESSION-ACCEPTED-CI"])
    reasons = tuple(sorted(deciding, key=lambda r: -r.outcome.rank))
    outcome = session_outcome(reasons[0].outcome) if reasons else SessionOutcome.GO
    return SessionAssessment(outcome, reasons, accepted, screening.rules_version, SESSION_RULES_VERSION)


def session_reason_for(code: str) -> Reason:
    """The reason for a stored check-in code, session or screening; a stand-in for a retired one."""
    return SESSION_REASONS.get(code) or reason_for(code)
