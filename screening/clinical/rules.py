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


# Which answers make each rule fire, so a therapist can see them highlighted beside the rule.
# A question listed here is a trigger for that rule only when its answer is in the set.
TRIGGERS: dict[str, dict[str, frozenset[str]]] = {
    "NS-IMPLANT": {"has_implanted_electronic_device": frozenset({"yes"})},
    "NS-PREGNANT": {"pregnant": frozenset({"yes"})},
    "NS-SKIN": {"skin_problem_at_site": frozenset({"open_wound", "rash_or_irritation", "recent_scar"})},
    "NS-INFECTION": {"infection_at_site": frozenset({"yes"})},
    "NS-CANCER": {"cancer_at_site": frozenset({"yes"})},
    "NS-CLOT": {"blood_clot_at_site": frozenset({"yes"})},
    "NS-ESTIM-REACTION": {"electrical_therapy_reaction": frozenset({"yes"})},
    "NS-EYE": {"body_area": frozenset({"eye_area"})},
    "NS-DRUG-ALLERGY": {
        "prescribed_medication": frozenset({"dexamethasone", "lidocaine"}),
        "medicine_allergies": frozenset({"steroid", "numbing"}),
    },
    "NR-CONDITION": {"condition": frozenset({"other", "unsure"})},
    "NR-DEPTH": {"depth": frozenset({"deep", "unsure"})},
    "NR-UNSURE": {
        code: frozenset({"unsure"})
        for code in (
            "has_implanted_electronic_device",
            "pregnant",
            "skin_problem_at_site",
            "infection_at_site",
            "cancer_at_site",
            "blood_clot_at_site",
            "electrical_therapy_reaction",
        )
    },
    "NR-REDUCED-FEELING": {"reduced_feeling_at_site": frozenset({"yes", "unsure"})},
    "NR-METAL": {"metal_near_site": frozenset({"yes", "unsure"})},
    "NR-SKIN-SENSITIVE": {
        "skin_sensitivity": frozenset({"tape_or_adhesive", "eczema_or_psoriasis", "sensitive_skin", "unsure"})
    },
    "NR-MED-OTHER": {"prescribed_medication": frozenset({"other"})},
    "NR-ALLERGY": {"medicine_allergies": frozenset({"steroid", "numbing", "sulfite", "unsure", "aspirin"})},
    "NR-HEART-SEIZURE": {"heart_or_seizure_condition": frozenset({"yes", "unsure"})},
    "NR-BODY-AREA": {"body_area": frozenset({"head_face", "neck", "chest"})},
    "NR-ATTENDANCE": {"can_attend_sessions": frozenset({"no", "unsure"})},
}
# Rules that depend on the date of birth rather than on an answer code.
AGE_RULES = frozenset({"NR-MINOR", "NR-VERY-ELDERLY", "NR-DOB"})


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


def _with(code: str, outcome: Outcome) -> Reason:
    return dataclasses.replace(REASONS[code], outcome=outcome)


def _is(a: Answers, code: str, *values: str) -> bool:
    return a.one(code) in values


# The allergy that rules out each planned drug (clinical.md §4.3 NS-DRUG-ALLERGY).
_DRUG_ALLERGY = {"dexamethasone": "steroid", "lidocaine": "numbing"}


def _drug_allergy_code(a: Answers) -> str | None:
    """The allergy code that makes the prescribed drug contraindicated, if the patient has it."""
    allergy = _DRUG_ALLERGY.get(a.one("prescribed_medication") or "")
    return allergy if allergy in a.many("medicine_allergies") else None


def _missing(a: Answers, c: RulesConfig) -> list[Reason]:
    return [REASONS["NR-MISSING"]] if a.missing else []


def _contraindications(a: Answers, c: RulesConfig) -> list[Reason]:
    fired = []
    if _is(a, "has_implanted_electronic_device", "yes"):
        fired.append(REASONS["NS-IMPLANT"])
    if _is(a, "pregnant", "yes"):
        fired.append(_with("NS-PREGNANT", c.pregnancy_outcome))
    if a.many("skin_problem_at_site") & TRIGGERS["NS-SKIN"]["skin_problem_at_site"]:
        fired.append(REASONS["NS-SKIN"])
    for question, code in (
        ("infection_at_site", "NS-INFECTION"),
        ("cancer_at_site", "NS-CANCER"),
        ("blood_clot_at_site", "NS-CLOT"),
        ("electrical_therapy_reaction", "NS-ESTIM-REACTION"),
    ):
        if _is(a, question, "yes"):
            fired.append(REASONS[code])
    if _is(a, "body_area", "eye_area"):
        fired.append(REASONS["NS-EYE"])
    if _drug_allergy_code(a):
        fired.append(REASONS["NS-DRUG-ALLERGY"])
    return fired


def _indication(a: Answers, c: RulesConfig) -> list[Reason]:
    fired = []
    if _is(a, "condition", "other", "unsure"):
        fired.append(REASONS["NR-CONDITION"])
    if _is(a, "depth", "unsure"):
        fired.append(REASONS["NR-DEPTH"])
    elif _is(a, "depth", "deep"):
        fired.append(_with("NR-DEPTH", c.deep_site_outcome))
    return fired


def _age(a: Answers, c: RulesConfig) -> list[Reason]:
    if a.age is None:
        return [REASONS["NR-DOB"]]
    if a.age < c.adult_age:
        return [REASONS["NR-MINOR"]]
    if a.age >= c.very_elderly_age:
        return [REASONS["NR-VERY-ELDERLY"]]
    return []


def _unsure_safety(a: Answers, c: RulesConfig) -> list[Reason]:
    # An unsure safety answer is never read as "no": each of these is a contraindication if confirmed.
    unsure = any("unsure" in a.many(q) or a.one(q) == "unsure" for q in TRIGGERS["NR-UNSURE"])
    return [REASONS["NR-UNSURE"]] if unsure else []


def _precautions(a: Answers, c: RulesConfig) -> list[Reason]:
    fired = []
    for code, question in (
        ("NR-REDUCED-FEELING", "reduced_feeling_at_site"),
        ("NR-METAL", "metal_near_site"),
        ("NR-MED-OTHER", "prescribed_medication"),
        ("NR-HEART-SEIZURE", "heart_or_seizure_condition"),
        ("NR-BODY-AREA", "body_area"),
        ("NR-ATTENDANCE", "can_attend_sessions"),
    ):
        if a.one(question) in TRIGGERS[code][question]:
            fired.append(REASONS[code])
    if a.many("skin_sensitivity") & TRIGGERS["NR-SKIN-SENSITIVE"]["skin_sensitivity"]:
        fired.append(REASONS["NR-SKIN-SENSITIVE"])
    if _other_allergy(a):
        fired.append(REASONS["NR-ALLERGY"])
    return fired


def _other_allergy(a: Answers) -> bool:
    # The allergy NS-DRUG-ALLERGY counted is not repeated here, but any other still is: dexamethasone
    # and lidocaine are sometimes given together (clinical.md §4.3 NR-ALLERGY, DALU). §4.4's
    # pseudo-code drops a numbing allergy beside a steroid one; §4.3's wording keeps it, and so do we.
    candidates = {"steroid", "numbing", "sulfite", "unsure"} - {_drug_allergy_code(a)}
    allergies = a.many("medicine_allergies")
    unknown_drug = _is(a, "prescribed_medication", "other", "dont_know")
    return bool(allergies & candidates) or ("aspirin" in allergies and unknown_drug)


RULES: tuple[Callable[[Answers, RulesConfig], list[Reason]], ...] = (
    _missing,
    _contraindications,
    _indication,
    _age,
    _unsure_safety,
    _precautions,
)


def assess(answers: Mapping[str, object], *, today: date, config: RulesConfig | None = None) -> Assessment:
    """Every rule that fires, and the most cautious outcome among them (clinical.md §4.1)."""
    parsed = Answers.parse(answers, today=today)
    config = config or RulesConfig()
    reasons = tuple(reason for rule in RULES for reason in rule(parsed, config))
    outcome = max((r.outcome for r in reasons), key=lambda o: o.rank, default=Outcome.LIKELY_SUITABLE)
    # Not-suitable reasons first, so the note leads with what matters most.
    reasons = tuple(sorted(reasons, key=lambda r: -r.outcome.rank))
    return Assessment(outcome, reasons, RULES_VERSION)


def triggered_answers(
    answers: Mapping[str, object], reason_codes: tuple[str, ...] | list[str]
) -> dict[str, list[str]]:
    """For each question, the reason codes whose trigger values the stored answer contains."""
    hits: dict[str, list[str]] = {}
    for code in reason_codes:
        questions = {"date_of_birth": None} if code in AGE_RULES else TRIGGERS.get(code, {})
        if code == "NR-MISSING":
            questions = {q.code: None for q in QUESTIONS if not answers.get(q.code)}
        for question, values in questions.items():
            given = answers.get(question)
            given_set = set(given) if isinstance(given, list | tuple) else {given}
            if values is None or given_set & values:
                hits.setdefault(question, []).append(code)
    return hits
