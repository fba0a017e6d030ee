"""Iontophoresis screening: the question set and the decision rules.

Pure Python, no Django imports, so it can be tested exhaustively and run over any stored
submission again. Source of every question and rule: shared/clinical.md, sections 3 and 4.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from screening.questions import N_, QUESTIONS, QUESTIONS_BY_CODE, Kind

# Bump whenever a question, an answer code or a rule changes: it is stored with every submission.
RULES_VERSION = "2026.11.1"


class Outcome(StrEnum):
    LIKELY_SUITABLE = "likely_suitable"
    NEEDS_REVIEW = "needs_review"
    NOT_SUITABLE = "not_suitable"

    @property
    def rank(self) -> int:
        """Higher is more cautious."""
        return _RANK[self]


_RANK = {Outcome.LIKELY_SUITABLE: 0, Outcome.NEEDS_REVIEW: 1, Outcome.NOT_SUITABLE: 2}


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
class Reason:
    code: str
    outcome: Outcome
    patient_text: str
    therapist_text: str


@dataclass(frozen=True)
class Assessment:
    outcome: Outcome
    reasons: tuple[Reason, ...]
    rules_version: str

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


NS, NR = Outcome.NOT_SUITABLE, Outcome.NEEDS_REVIEW

REASONS: dict[str, Reason] = {
    r.code: r
    for r in (
        Reason(
            "NS-IMPLANT",
            NS,
            N_(
                "You have a device inside your body that uses electricity, like a pacemaker. This "
                "treatment uses electric current, so it is not safe for you. Your therapist can "
                "talk with you about other treatments."
            ),
            "Implanted electronic device reported (pacemaker/ICD/neurostimulator/implanted pump). "
            "Contraindicated in all device IFUs.",
        ),
        Reason(
            "NS-PREGNANT",
            NS,
            N_(
                "You said you are pregnant. We do not use this treatment during pregnancy because "
                "its safety has not been shown."
            ),
            "Pregnancy reported. CI in HIDX/SANO/GALE; CHAT: safety not established; some PT "
            "teaching treats it as a drug-dependent precaution. Override only with prescriber "
            "agreement.",
        ),
        Reason(
            "NS-SKIN",
            NS,
            N_(
                "The skin where the pads would go has a cut, sore, rash or new scar. This treatment "
                "could hurt or burn that skin. It may be possible after your skin heals."
            ),
            "Compromised skin or recent scar at the electrode site: CI (ACTV), do-not-apply "
            "warning (CHAT), intact skin required (IBRE). Temporary: re-screen after healing or "
            "plan electrode sites away from it.",
        ),
        Reason(
            "NS-INFECTION",
            NS,
            N_(
                "You said there may be an infection at the sore spot. This treatment should not be "
                "used there until the infection is gone."
            ),
            "Local infection reported. CI in HIDX/EMPX/ZIMM/INTL; dexamethasone contraindicated in "
            "systemic fungal infection and steroids can mask infection.",
        ),
        Reason(
            "NS-CANCER",
            NS,
            N_("You said there may be cancer near the sore spot. This treatment is not used near cancer."),
            "Malignant or possibly malignant lesion at/near site: do not apply current (device IFUs).",
        ),
        Reason(
            "NS-CLOT",
            NS,
            N_(
                "You said you have a blood clot or a sore, swollen vein in that arm or leg. This "
                "treatment should not be used there right now."
            ),
            "Thrombophlebitis/DVT in the limb: device should not be used (DYNA); embolism risk (RICH).",
        ),
        Reason(
            "NS-ESTIM-REACTION",
            NS,
            N_(
                "You had a bad reaction to an electrical treatment before. This treatment also uses "
                "electric current, so it is not a good choice for you."
            ),
            "Known adverse reaction to electrical current: CI (CHAT; DUPB). ACTV: no further "
            "treatments after prolonged irritation/burns. Check details — mild transient redness "
            "is not an adverse reaction.",
        ),
        Reason(
            "NS-EYE",
            NS,
            N_("This treatment is not used around the eyes."),
            "Orbital region contraindicated (ACTV).",
        ),
        Reason(
            "NS-DRUG-ALLERGY",
            NS,
            N_(
                "You are allergic to the medicine planned for this treatment, so it should not be "
                "used. Your doctor and therapist may look at other choices."
            ),
            "Known sensitivity to the drug to be administered: CI. Prescriber may choose another "
            "drug; re-screen.",
        ),
        Reason(
            "NR-CONDITION",
            NR,
            N_("Your therapist will check whether this treatment fits your problem."),
            "Indication not one of tendonitis/bursitis/arthritis/calcium deposit: confirm "
            "diagnosis and drug.",
        ),
        Reason(
            "NR-DEPTH",
            NR,
            N_(
                "The medicine only reaches a short way under the skin. Your therapist will check "
                "whether it can reach your sore spot."
            ),
            "Target may be > ~1–1.3 cm deep; confirm by palpation/imaging; efficacy limit, not a safety CI.",
        ),
        Reason(
            "NR-MINOR",
            NR,
            N_(
                "Because you are under 18, your therapist and a parent or guardian need to talk "
                "about this treatment first."
            ),
            "Minor. No PT device age limit found; trials were in adults; lidocaine iontophoresis "
            "labelled ≥ 5 y (LIDS); one hyperhidrosis source says not < 6 y (SGS). Guardian "
            "consent.",
        ),
        Reason(
            "NR-VERY-ELDERLY",
            NR,
            N_(
                "Your therapist will check your skin and comfort before deciding, because this "
                "treatment can be harder on older skin."
            ),
            "Age ≥ threshold: the clinic article cautions for the very elderly. Check skin "
            "integrity, sensation and ability to report burning.",
        ),
        Reason(
            "NR-DOB",
            NR,
            N_("Please check your date of birth. Your therapist will confirm it."),
            "Age could not be computed.",
        ),
        Reason(
            "NR-UNSURE",
            NR,
            N_(
                "You weren't sure about one or more safety questions. Your therapist will go over "
                "them with you."
            ),
            "Safety item unresolved — see raw answers. Each item is a CI if confirmed.",
        ),
        Reason(
            "NR-REDUCED-FEELING",
            NR,
            N_(
                "Because the skin may have less feeling, your therapist will test it first. You "
                "need to be able to feel the treatment to stay safe."
            ),
            "Impaired sensation: CI in HIDX/SANO/FPNB, caution in DYNA/INTL. Sensory test before "
            "any treatment.",
        ),
        Reason(
            "NR-METAL",
            NR,
            N_("Because there may be metal near the sore spot, your therapist will plan where the pads go."),
            "Metal implant near site: keep it out of the current path (HIDX, FPNB, GALE), or weigh "
            "pros/cons (SANO).",
        ),
        Reason(
            "NR-SKIN-SENSITIVE",
            NR,
            N_(
                "Because your skin can react easily, your therapist may use special pads or a "
                "gentler setting, or choose another treatment."
            ),
            "Skin sensitivity: lower current/longer time with caution; hypo-allergenic electrodes "
            "for adhesive allergy (DYNA). The clinic article: may not suit sensitive skin.",
        ),
        Reason(
            "NR-MED-OTHER",
            NR,
            N_("Your therapist will check the medicine you were given."),
            "Non-standard drug: confirm polarity, strength and its own label contraindications.",
        ),
        Reason(
            "NR-ALLERGY",
            NR,
            N_(
                "You may be allergic to a medicine used in this treatment. Your therapist will "
                "check before choosing a medicine."
            ),
            "Allergy to a candidate drug or excipient. Dexamethasone sodium phosphate 4 mg/mL "
            "products can contain sodium sulfite; lidocaine/epinephrine products can contain "
            "sodium metabisulfite; check the actual product. Dexamethasone and lidocaine are "
            "sometimes combined (DALU).",
        ),
        Reason(
            "NR-HEART-SEIZURE",
            NR,
            N_("Because of your heart or seizure history, your therapist will check with you first."),
            "Heart disease/arrhythmia/epilepsy: CI in HIDX/SANO; caution in INTL. Keep current "
            "path away from the chest.",
        ),
        Reason(
            "NR-BODY-AREA",
            NR,
            N_("For this part of the body, your therapist needs to plan carefully where the pads go."),
            "Avoid across temples/head, over the carotid sinus (front of neck), and across the chest.",
        ),
        Reason(
            "NR-ATTENDANCE",
            NR,
            N_(
                "This treatment needs several visits. Your therapist will talk with you about "
                "timing or other options."
            ),
            "Typical course about 6 sessions in ~2 weeks; discuss schedule or alternatives.",
        ),
        Reason(
            "NR-MISSING",
            NR,
            N_("Some questions were not answered. Your therapist will ask you about them."),
            "Incomplete form.",
        ),
    )
}

# What the patient and the therapist read when no rule fires (clinical.md §4.3).
LIKELY_SUITABLE_PATIENT_TEXT = N_(
    "From your answers, this treatment may be a good fit for you. Your physical therapist will "
    "review your answers and make the final decision."
)
LIKELY_SUITABLE_THERAPIST_TEXT = (
    "No contraindication or precaution reported. Confirm indication, depth, skin and sensation on "
    "exam; prescription required for the drug."
)

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
