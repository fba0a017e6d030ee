"""Iontophoresis screening: the decision rules over the answers to the question set.

Pure Python, no Django imports, so it can be tested exhaustively and run over any stored
submission again. Source of every question and rule: shared/clinical.md, sections 3 and 4.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from screening.clinical.questions import QUESTIONS, QUESTIONS_BY_CODE, Kind
from screening.clinical.reasons import (
    REASONS,
    Outcome,
    Reason,
)

# Bump whenever a question, an answer code or a rule changes: it is stored with every submission.
RULES_VERSION = "2026.11.1"


@dataclass(frozen=True)
class RulesConfig:
    very_elderly_age: int = 85
    adult_age: int = 18
    pregnancy_outcome: Outcome = Outcome.NOT_SUITABLE
    deep_site_outcome: Outcome = Outcome.NEEDS_REVIEW

    def __post_init__(self) -> None:
        # Both settings may only choose between the two cautious outcomes (clinical.md §4.1).
        cautious = (Outcome.NEEDS_REVIEW, Outcome.NOT_SUITABLE)
        for name in ("pregnancy_outcome", "deep_site_outcome"):
            value = Outcome(getattr(self, name))
            if value not in cautious:
                raise ValueError(f"{name} must be needs_review or not_suitable, not {value.value}")
            object.__setattr__(self, name, value)
        if not 0 < self.adult_age < self.very_elderly_age <= 130:
            raise ValueError("ages must satisfy 0 < adult_age < very_elderly_age <= 130")


@dataclass(frozen=True)
class Assessment:
    outcome: Outcome
    reasons: tuple[Reason, ...]
    rules_version: str

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


@dataclass(frozen=True)
class Answers:
    """The answers, parsed and checked once; built by Answers.parse(mapping, today=...)."""

    single: Mapping[str, str]
    multi: Mapping[str, frozenset[str]]
    age: int | None
    missing: frozenset[str]

    @classmethod
    def parse(cls, answers: Mapping[str, object], *, today: date) -> Answers:
        """Parsed answers; ValueError naming the question on an unknown question or answer code."""
        unknown = set(answers) - set(QUESTIONS_BY_CODE)
        if unknown:
            raise ValueError(f"unknown question: {min(unknown)}")
        single: dict[str, str] = {}
        multi: dict[str, frozenset[str]] = {}
        missing: set[str] = set()
        age: int | None = None
        for q in QUESTIONS:
            value = answers.get(q.code)
            if value is None or value == "" or value == [] or value == ():
                missing.add(q.code)
            elif q.kind is Kind.DATE:
                age = age_on(value, today)
            elif q.kind is Kind.SINGLE:
                if not isinstance(value, str) or value not in q.option_codes:
                    raise ValueError(f"unknown answer for {q.code}: {value!r}")
                single[q.code] = value
            else:
                if not isinstance(value, list | tuple | set | frozenset) or not all(
                    isinstance(v, str) for v in value
                ):
                    raise ValueError(f"{q.code} takes a list of answer codes, not {value!r}")
                codes = frozenset(value)
                if bad := codes - q.option_codes:
                    raise ValueError(f"unknown answer for {q.code}: {min(bad)!r}")
                if not codes:  # an empty set is as unanswered as an empty list
                    missing.add(q.code)
                    continue
                multi[q.code] = codes
        return cls(single, multi, age, frozenset(missing))

    def one(self, code: str) -> str | None:
        return self.single.get(code)

    def many(self, code: str) -> frozenset[str]:
        return self.multi.get(code, frozenset())

    def given(self, code: str) -> frozenset[str]:
        """The answer codes given to a question, single choice or multi-select alike."""
        one = self.single.get(code)
        return self.many(code) if one is None else frozenset({one})


def age_on(date_of_birth: object, today: date) -> int | None:
    """Whole years from date_of_birth to today; None if it is not a date or lies after today.

    A 29 February birthday falls on 1 March in other years: (2, 28) < (2, 29) keeps it unreached.
    """
    if isinstance(date_of_birth, str):
        try:
            date_of_birth = date.fromisoformat(date_of_birth)
        except ValueError:
            return None
    if isinstance(date_of_birth, datetime):
        date_of_birth = date_of_birth.date()
    if not isinstance(date_of_birth, date) or date_of_birth > today:
        return None
    before_birthday = (today.month, today.day) < (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - before_birthday


def _stored(value: object) -> frozenset[object]:
    # Stored answers come back from JSON: a multi-select is a list, a single choice a string.
    return frozenset(value) if isinstance(value, list | tuple | set | frozenset) else frozenset({value})


def _matching(stored: Mapping[str, object], triggers: Mapping[str, frozenset[str]]) -> tuple[str, ...]:
    """The questions whose stored answer includes one of that question's trigger answers."""
    return tuple(q for q, values in triggers.items() if _stored(stored.get(q)) & values)


@dataclass(frozen=True)
class AnswerRule:
    """A rule that fires when any of its questions has one of its answers; the same answers are highlighted."""

    code: str
    questions: tuple[str, ...]
    answers: frozenset[str]
    # Answers whose outcome is a RulesConfig setting (its field name) rather than the reason's own.
    configured: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.code,)

    def fire(self, a: Answers, config: RulesConfig) -> Reason | None:
        """The reason, with its configured outcome where the answer has one; None if no answer fires it."""
        hits = self.answers & frozenset().union(*(a.given(q) for q in self.questions))
        if not hits:
            return None
        # Only single-choice questions have configured answers, so at most one of them is given.
        settings = [self.configured[answer] for answer in hits if answer in self.configured]
        if not settings:
            return REASONS[self.code]
        return dataclasses.replace(REASONS[self.code], outcome=getattr(config, settings[0]))

    def highlights(self, stored: Mapping[str, object]) -> tuple[str, ...]:
        """The questions whose stored answer fires this rule, for the therapist's page."""
        return _matching(stored, dict.fromkeys(self.questions, self.answers))


@dataclass(frozen=True)
class CodedRule:
    """A rule that needs code to fire, beside the function that names the answers it highlights."""

    codes: tuple[str, ...]
    fire: Callable[[Answers, RulesConfig], Reason | None]
    highlights: Callable[[Mapping[str, object]], tuple[str, ...]]


# The questions where "unsure" leaves a contraindication unresolved (clinical.md §4.3 NR-UNSURE).
_UNSURE_SAFETY = (
    "has_implanted_electronic_device",
    "pregnant",
    "skin_problem_at_site",
    "infection_at_site",
    "cancer_at_site",
    "blood_clot_at_site",
    "electrical_therapy_reaction",
)


def _missing(a: Answers, c: RulesConfig) -> Reason | None:
    return REASONS["NR-MISSING"] if a.missing else None


def _unanswered(stored: Mapping[str, object]) -> tuple[str, ...]:
    return tuple(q.code for q in QUESTIONS if not stored.get(q.code))


def _age(a: Answers, c: RulesConfig) -> Reason | None:
    if a.age is None:
        return REASONS["NR-DOB"]
    if a.age < c.adult_age:
        return REASONS["NR-MINOR"]
    if a.age >= c.very_elderly_age:
        return REASONS["NR-VERY-ELDERLY"]
    return None


def _date_of_birth(stored: Mapping[str, object]) -> tuple[str, ...]:
    # The date of birth is highlighted whatever it holds: an age rule is about it even when it is blank.
    return ("date_of_birth",)


# The allergy that rules out each planned drug (clinical.md §4.3 NS-DRUG-ALLERGY).
_DRUG_ALLERGY = {"dexamethasone": "steroid", "lidocaine": "numbing"}
# Allergies to a candidate drug or excipient, whatever the drug (§4.3 NR-ALLERGY) ...
_CANDIDATE_ALLERGIES = frozenset({"steroid", "numbing", "sulfite", "unsure"})
# ... and the one that matters only while the drug is another one or not yet known.
_ASPIRIN, _UNKNOWN_DRUGS = "aspirin", ("other", "dont_know")


def _drug_allergy_code(a: Answers) -> str | None:
    """The allergy code that makes the prescribed drug contraindicated, if the patient has it."""
    drug = a.one("prescribed_medication")
    allergy = _DRUG_ALLERGY.get(drug) if drug else None
    return allergy if allergy in a.many("medicine_allergies") else None


def _drug_allergy(a: Answers, c: RulesConfig) -> Reason | None:
    return REASONS["NS-DRUG-ALLERGY"] if _drug_allergy_code(a) else None


def _drug_allergy_answers(stored: Mapping[str, object]) -> tuple[str, ...]:
    return _matching(
        stored,
        {
            "prescribed_medication": frozenset(_DRUG_ALLERGY),
            "medicine_allergies": frozenset(_DRUG_ALLERGY.values()),
        },
    )


def _other_allergy(a: Answers, c: RulesConfig) -> Reason | None:
    # The allergy NS-DRUG-ALLERGY counted is not repeated here, but any other still is: dexamethasone
    # and lidocaine are sometimes given together (clinical.md §4.3 NR-ALLERGY, DALU). §4.4's
    # pseudo-code drops a numbing allergy beside a steroid one; §4.3's wording keeps it, and so do we.
    allergies = a.many("medicine_allergies")
    other = allergies & (_CANDIDATE_ALLERGIES - {_drug_allergy_code(a)})
    aspirin = _ASPIRIN in allergies and a.one("prescribed_medication") in _UNKNOWN_DRUGS
    return REASONS["NR-ALLERGY"] if other or aspirin else None


def _other_allergy_answers(stored: Mapping[str, object]) -> tuple[str, ...]:
    return _matching(stored, {"medicine_allergies": _CANDIDATE_ALLERGIES | {_ASPIRIN}})


# Every rule of clinical.md §4.3, in the order their reasons are listed within an outcome. Reordering
# them reorders the stored reason codes, which `reassess` compares: it needs a new RULES_VERSION.
RULES: tuple[AnswerRule | CodedRule, ...] = (
    CodedRule(("NR-MISSING",), _missing, _unanswered),
    AnswerRule("NS-IMPLANT", ("has_implanted_electronic_device",), frozenset({"yes"})),
    AnswerRule("NS-PREGNANT", ("pregnant",), frozenset({"yes"}), {"yes": "pregnancy_outcome"}),
    AnswerRule(
        "NS-SKIN", ("skin_problem_at_site",), frozenset({"open_wound", "rash_or_irritation", "recent_scar"})
    ),
    AnswerRule("NS-INFECTION", ("infection_at_site",), frozenset({"yes"})),
    AnswerRule("NS-CANCER", ("cancer_at_site",), frozenset({"yes"})),
    AnswerRule("NS-CLOT", ("blood_clot_at_site",), frozenset({"yes"})),
    AnswerRule("NS-ESTIM-REACTION", ("electrical_therapy_reaction",), frozenset({"yes"})),
    AnswerRule("NS-EYE", ("body_area",), frozenset({"eye_area"})),
    CodedRule(("NS-DRUG-ALLERGY",), _drug_allergy, _drug_allergy_answers),
    AnswerRule("NR-CONDITION", ("condition",), frozenset({"other", "unsure"})),
    # "unsure" stays needs_review whatever the clinic decides for a site it knows is deep.
    AnswerRule("NR-DEPTH", ("depth",), frozenset({"deep", "unsure"}), {"deep": "deep_site_outcome"}),
    CodedRule(("NR-DOB", "NR-MINOR", "NR-VERY-ELDERLY"), _age, _date_of_birth),
    # An unsure safety answer is never read as "no": each of these is a contraindication if confirmed.
    AnswerRule("NR-UNSURE", _UNSURE_SAFETY, frozenset({"unsure"})),
    AnswerRule("NR-REDUCED-FEELING", ("reduced_feeling_at_site",), frozenset({"yes", "unsure"})),
    AnswerRule("NR-METAL", ("metal_near_site",), frozenset({"yes", "unsure"})),
    AnswerRule("NR-MED-OTHER", ("prescribed_medication",), frozenset({"other"})),
    AnswerRule("NR-HEART-SEIZURE", ("heart_or_seizure_condition",), frozenset({"yes", "unsure"})),
    AnswerRule("NR-BODY-AREA", ("body_area",), frozenset({"head_face", "neck", "chest"})),
    AnswerRule("NR-ATTENDANCE", ("can_attend_sessions",), frozenset({"no", "unsure"})),
    AnswerRule(
        "NR-SKIN-SENSITIVE",
        ("skin_sensitivity",),
        frozenset({"tape_or_adhesive", "eczema_or_psoriasis", "sensitive_skin", "unsure"}),
    ),
    CodedRule(("NR-ALLERGY",), _other_allergy, _other_allergy_answers),
)
_RULE_FOR_CODE = {code: rule for rule in RULES for code in rule.codes}


def assess(answers: Mapping[str, object], *, today: date, config: RulesConfig | None = None) -> Assessment:
    """Every rule that fires, and the most cautious outcome among them (clinical.md §4.1)."""
    parsed = Answers.parse(answers, today=today)
    config = config or RulesConfig()
    fired = [reason for rule in RULES if (reason := rule.fire(parsed, config)) is not None]
    # Most cautious first, so the note leads with what matters most; the sort is stable, so within
    # an outcome the reasons keep the order of RULES.
    reasons = tuple(sorted(fired, key=lambda r: -r.outcome.rank))
    outcome = reasons[0].outcome if reasons else Outcome.LIKELY_SUITABLE
    return Assessment(outcome, reasons, RULES_VERSION)


def triggered_answers(
    answers: Mapping[str, object], reason_codes: tuple[str, ...] | list[str]
) -> dict[str, list[str]]:
    """For each question, the reason codes that its stored answer fired; a retired code highlights nothing."""
    hits: dict[str, list[str]] = {}
    for code in reason_codes:
        rule = _RULE_FOR_CODE.get(code)
        for question in rule.highlights(answers) if rule else ():
            hits.setdefault(question, []).append(code)
    return hits
