"""The screening rules against shared/clinical.md sections 3 and 4.

Pure Python: no database and no Django. First every rule by hand, then hypothesis properties over
answers generated from questions.QUESTIONS, so every option of every question is exercised.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.clinical import reasons, rules
from screening.clinical.questions import EXCLUSIVE_OPTIONS, QUESTIONS, QUESTIONS_BY_CODE, Kind, Question
from screening.clinical.rules import Outcome, RulesConfig
from tests.support.answers import CLEAR_ANSWERS, make_answers
from tests.support.properties import PROPERTY

NS, NR, LS = Outcome.NOT_SUITABLE, Outcome.NEEDS_REVIEW, Outcome.LIKELY_SUITABLE
TODAY = date(2026, 5, 20)


# Patient and therapist text of every rule, copied verbatim from clinical.md §4.3.
CLINICAL_TEXTS: dict[str, tuple[str, str]] = {
    "NS-IMPLANT": (
        (
            "You have a device inside your body that uses electricity, like a pacemaker. This "
            "treatment uses electric current, so it is not safe for you. Your therapist can talk "
            "with you about other treatments."
        ),
        (
            "Implanted electronic device reported (pacemaker/ICD/neurostimulator/implanted pump). "
            "Contraindicated in all device IFUs."
        ),
    ),
    "NS-PREGNANT": (
        (
            "You said you are pregnant. We do not use this treatment during pregnancy because its "
            "safety has not been shown."
        ),
        (
            "Pregnancy reported. CI in HIDX/SANO/GALE; CHAT: safety not established; some PT "
            "teaching treats it as a drug-dependent precaution. Override only with prescriber "
            "agreement."
        ),
    ),
    "NS-SKIN": (
        (
            "The skin where the pads would go has a cut, sore, rash or new scar. This treatment "
            "could hurt or burn that skin. It may be possible after your skin heals."
        ),
        (
            "Compromised skin or recent scar at the electrode site: CI (ACTV), do-not-apply warning "
            "(CHAT), intact skin required (IBRE). Temporary: re-screen after healing or plan "
            "electrode sites away from it."
        ),
    ),
    "NS-INFECTION": (
        (
            "You said there may be an infection at the sore spot. This treatment should not be used "
            "there until the infection is gone."
        ),
        (
            "Local infection reported. CI in HIDX/EMPX/ZIMM/INTL; dexamethasone contraindicated in "
            "systemic fungal infection and steroids can mask infection."
        ),
    ),
    "NS-CANCER": (
        ("You said there may be cancer near the sore spot. This treatment is not used near cancer."),
        ("Malignant or possibly malignant lesion at/near site: do not apply current (device IFUs)."),
    ),
    "NS-CLOT": (
        (
            "You said you have a blood clot or a sore, swollen vein in that arm or leg. This "
            "treatment should not be used there right now."
        ),
        ("Thrombophlebitis/DVT in the limb: device should not be used (DYNA); embolism risk (RICH)."),
    ),
    "NS-ESTIM-REACTION": (
        (
            "You had a bad reaction to an electrical treatment before. This treatment also uses "
            "electric current, so it is not a good choice for you."
        ),
        (
            "Known adverse reaction to electrical current: CI (CHAT; DUPB). ACTV: no further "
            "treatments after prolonged irritation/burns. Check details — mild transient redness is "
            "not an adverse reaction."
        ),
    ),
    "NS-EYE": (
        "This treatment is not used around the eyes.",
        "Orbital region contraindicated (ACTV).",
    ),
    "NS-DRUG-ALLERGY": (
        (
            "You are allergic to the medicine planned for this treatment, so it should not be used. "
            "Your doctor and therapist may look at other choices."
        ),
        (
            "Known sensitivity to the drug to be administered: CI. Prescriber may choose another "
            "drug; re-screen."
        ),
    ),
    "NR-CONDITION": (
        "Your therapist will check whether this treatment fits your problem.",
        ("Indication not one of tendonitis/bursitis/arthritis/calcium deposit: confirm diagnosis and drug."),
    ),
    "NR-DEPTH": (
        (
            "The medicine only reaches a short way under the skin. Your therapist will check "
            "whether it can reach your sore spot."
        ),
        ("Target may be > ~1–1.3 cm deep; confirm by palpation/imaging; efficacy limit, not a safety CI."),
    ),
    "NR-MINOR": (
        (
            "Because you are under 18, your therapist and a parent or guardian need to talk about "
            "this treatment first."
        ),
        (
            "Minor. No PT device age limit found; trials were in adults; lidocaine iontophoresis "
            "labelled ≥ 5 y (LIDS); one hyperhidrosis source says not < 6 y (SGS). Guardian "
            "consent."
        ),
    ),
    "NR-VERY-ELDERLY": (
        (
            "Your therapist will check your skin and comfort before deciding, because this "
            "treatment can be harder on older skin."
        ),
        (
            "Age ≥ threshold: the clinic article cautions for the very elderly. Check skin "
            "integrity, sensation and ability to report burning."
        ),
    ),
    "NR-DOB": (
        "Please check your date of birth. Your therapist will confirm it.",
        "Age could not be computed.",
    ),
    "NR-UNSURE": (
        ("You weren't sure about one or more safety questions. Your therapist will go over them with you."),
        "Safety item unresolved — see raw answers. Each item is a CI if confirmed.",
    ),
    "NR-REDUCED-FEELING": (
        (
            "Because the skin may have less feeling, your therapist will test it first. You need to "
            "be able to feel the treatment to stay safe."
        ),
        (
            "Impaired sensation: CI in HIDX/SANO/FPNB, caution in DYNA/INTL. Sensory test before "
            "any treatment."
        ),
    ),
    "NR-METAL": (
        ("Because there may be metal near the sore spot, your therapist will plan where the pads go."),
        (
            "Metal implant near site: keep it out of the current path (HIDX, FPNB, GALE), or weigh "
            "pros/cons (SANO)."
        ),
    ),
    "NR-SKIN-SENSITIVE": (
        (
            "Because your skin can react easily, your therapist may use special pads or a gentler "
            "setting, or choose another treatment."
        ),
        (
            "Skin sensitivity: lower current/longer time with caution; hypo-allergenic electrodes "
            "for adhesive allergy (DYNA). The clinic article: may not suit sensitive skin."
        ),
    ),
    "NR-MED-OTHER": (
        "Your therapist will check the medicine you were given.",
        "Non-standard drug: confirm polarity, strength and its own label contraindications.",
    ),
    "NR-ALLERGY": (
        (
            "You may be allergic to a medicine used in this treatment. Your therapist will check "
            "before choosing a medicine."
        ),
        (
            "Allergy to a candidate drug or excipient. Dexamethasone sodium phosphate 4 mg/mL "
            "products can contain sodium sulfite; lidocaine/epinephrine products can contain sodium "
            "metabisulfite; check the actual product. Dexamethasone and lidocaine are sometimes "
            "combined (DALU)."
        ),
    ),
    "NR-HEART-SEIZURE": (
        "Because of your heart or seizure history, your therapist will check with you first.",
        (
            "Heart disease/arrhythmia/epilepsy: CI in HIDX/SANO; caution in INTL. Keep current path "
            "away from the chest."
        ),
    ),
    "NR-BODY-AREA": (
        "For this part of the body, your therapist needs to plan carefully where the pads go.",
        ("Avoid across temples/head, over the carotid sinus (front of neck), and across the chest."),
    ),
    "NR-ATTENDANCE": (
        (
            "This treatment needs several visits. Your therapist will talk with you about timing or "
            "other options."
        ),
        "Typical course about 6 sessions in ~2 weeks; discuss schedule or alternatives.",
    ),
    "NR-MISSING": (
        "Some questions were not answered. Your therapist will ask you about them.",
        "Incomplete form.",
    ),
}


def assess(answers: Mapping[str, Any], today: date = TODAY, **config: Any) -> rules.Assessment:
    """rules.assess on TODAY, with a RulesConfig built from the keywords (default if none)."""
    return rules.assess(answers, today=today, config=RulesConfig(**config) if config else None)


def years_before(today: date, years: int) -> date:
    """The date `years` before today (TODAY is 20 May, so never a 29 February)."""
    return today.replace(year=today.year - years)


# --- The clear baseline ------------------------------------------------------------------------


def test_clear_answers_cover_every_question() -> None:
    assert set(CLEAR_ANSWERS) == set(QUESTIONS_BY_CODE)


def test_clear_answers_are_likely_suitable_with_no_reasons() -> None:
    result = assess(make_answers())

    assert result.outcome is LS
    assert result.reasons == ()
    assert result.reason_codes == ()
    assert result.rules_version == rules.RULES_VERSION


def test_likely_suitable_texts_match_clinical_md() -> None:
    assert reasons.LIKELY_SUITABLE_PATIENT_TEXT == (
        "From your answers, this treatment may be a good fit for you. Your physical therapist will "
        "review your answers and make the final decision."
    )
    assert reasons.LIKELY_SUITABLE_THERAPIST_TEXT == (
        "No contraindication or precaution reported. Confirm indication, depth, skin and sensation "
        "on exam; prescription required for the drug."
    )


def test_make_answers_rejects_a_misspelt_question() -> None:
    with pytest.raises(TypeError, match="pregnent"):
        make_answers(pregnent="yes")


def test_make_answers_returns_a_fresh_copy() -> None:
    make_answers()["skin_problem_at_site"].append("open_wound")

    assert make_answers()["skin_problem_at_site"] == ["none"]


# --- Every rule alone -----------------------------------------------------------------------------


def _case(code: str, outcome: Outcome, **overrides: Any) -> Any:
    label = ",".join(f"{k}={v}" for k, v in overrides.items())
    return pytest.param(code, outcome, overrides, id=f"{code}[{label}]")


_UNSURE_SAFETY_QUESTIONS = (
    "has_implanted_electronic_device",
    "pregnant",
    "infection_at_site",
    "cancer_at_site",
    "blood_clot_at_site",
    "electrical_therapy_reaction",
)

# Every way each rule of clinical.md §4.3 can fire with nothing else firing.
RULE_CASES = [
    _case("NS-IMPLANT", NS, has_implanted_electronic_device="yes"),
    _case("NS-PREGNANT", NS, pregnant="yes"),
    _case("NS-SKIN", NS, skin_problem_at_site=["open_wound"]),
    _case("NS-SKIN", NS, skin_problem_at_site=["rash_or_irritation"]),
    _case("NS-SKIN", NS, skin_problem_at_site=["recent_scar"]),
    _case("NS-SKIN", NS, skin_problem_at_site=["open_wound", "rash_or_irritation", "recent_scar"]),
    _case("NS-INFECTION", NS, infection_at_site="yes"),
    _case("NS-CANCER", NS, cancer_at_site="yes"),
    _case("NS-CLOT", NS, blood_clot_at_site="yes"),
    _case("NS-ESTIM-REACTION", NS, electrical_therapy_reaction="yes"),
    _case("NS-EYE", NS, body_area="eye_area"),
    _case("NS-DRUG-ALLERGY", NS, prescribed_medication="dexamethasone", medicine_allergies=["steroid"]),
    _case("NS-DRUG-ALLERGY", NS, prescribed_medication="lidocaine", medicine_allergies=["numbing"]),
    _case("NR-CONDITION", NR, condition="other"),
    _case("NR-CONDITION", NR, condition="unsure"),
    _case("NR-DEPTH", NR, depth="deep"),
    _case("NR-DEPTH", NR, depth="unsure"),
    _case("NR-MINOR", NR, date_of_birth="2010-01-01"),
    _case("NR-VERY-ELDERLY", NR, date_of_birth="1930-01-01"),
    _case("NR-DOB", NR, date_of_birth="1990-02-30"),
    _case("NR-DOB", NR, date_of_birth="2030-01-01"),
    *(_case("NR-UNSURE", NR, **{code: "unsure"}) for code in _UNSURE_SAFETY_QUESTIONS),
    _case("NR-UNSURE", NR, skin_problem_at_site=["unsure"]),
    _case("NR-REDUCED-FEELING", NR, reduced_feeling_at_site="yes"),
    _case("NR-REDUCED-FEELING", NR, reduced_feeling_at_site="unsure"),
    _case("NR-METAL", NR, metal_near_site="yes"),
    _case("NR-METAL", NR, metal_near_site="unsure"),
    _case("NR-SKIN-SENSITIVE", NR, skin_sensitivity=["tape_or_adhesive"]),
    _case("NR-SKIN-SENSITIVE", NR, skin_sensitivity=["eczema_or_psoriasis"]),
    _case("NR-SKIN-SENSITIVE", NR, skin_sensitivity=["sensitive_skin"]),
    _case("NR-SKIN-SENSITIVE", NR, skin_sensitivity=["unsure"]),
    _case("NR-MED-OTHER", NR, prescribed_medication="other"),
    _case("NR-ALLERGY", NR, medicine_allergies=["numbing"]),
    _case("NR-ALLERGY", NR, medicine_allergies=["sulfite"]),
    _case("NR-ALLERGY", NR, medicine_allergies=["unsure"]),
    _case("NR-ALLERGY", NR, prescribed_medication="lidocaine", medicine_allergies=["steroid"]),
    _case("NR-ALLERGY", NR, prescribed_medication="acetic_acid", medicine_allergies=["steroid", "numbing"]),
    _case("NR-ALLERGY", NR, prescribed_medication="dont_know", medicine_allergies=["aspirin"]),
    _case("NR-HEART-SEIZURE", NR, heart_or_seizure_condition="yes"),
    _case("NR-HEART-SEIZURE", NR, heart_or_seizure_condition="unsure"),
    _case("NR-BODY-AREA", NR, body_area="head_face"),
    _case("NR-BODY-AREA", NR, body_area="neck"),
    _case("NR-BODY-AREA", NR, body_area="chest"),
    _case("NR-ATTENDANCE", NR, can_attend_sessions="no"),
    _case("NR-ATTENDANCE", NR, can_attend_sessions="unsure"),
    _case("NR-MISSING", NR, condition=None),
]


def test_every_rule_of_clinical_md_has_a_case() -> None:
    codes = {case.values[0] for case in RULE_CASES}

    assert len(CLINICAL_TEXTS) == 24
    assert codes == set(CLINICAL_TEXTS) == set(reasons.REASONS)


@pytest.mark.parametrize(("code", "outcome", "overrides"), RULE_CASES)
def test_each_rule_fires_alone_with_clinical_md_texts(
    code: str, outcome: Outcome, overrides: dict[str, Any]
) -> None:
    result = assess(make_answers(**overrides))

    assert result.reason_codes == (code,)
    assert result.outcome is outcome
    (reason,) = result.reasons
    assert reason.outcome is outcome
    assert (reason.patient_text, reason.therapist_text) == CLINICAL_TEXTS[code]


def test_pacemaker_yes_is_not_suitable() -> None:
    assert assess(make_answers(has_implanted_electronic_device="yes")).outcome is NS


def test_unsure_about_a_pacemaker_needs_review() -> None:
    assert assess(make_answers(has_implanted_electronic_device="unsure")).outcome is NR


def test_never_had_electrical_therapy_is_clear() -> None:
    assert assess(make_answers(electrical_therapy_reaction="never_had")).outcome is LS


@pytest.mark.parametrize("medication", ["dexamethasone", "lidocaine", "acetic_acid"])
def test_aspirin_allergy_with_a_known_non_salicylate_drug_is_clear(medication: str) -> None:
    result = assess(make_answers(prescribed_medication=medication, medicine_allergies=["aspirin"]))

    assert result.outcome is LS


@pytest.mark.parametrize(
    "body_area", ["shoulder", "elbow", "wrist_hand", "hip", "knee", "ankle_foot", "back", "other"]
)
def test_body_areas_away_from_head_neck_chest_and_eyes_are_clear(body_area: str) -> None:
    assert assess(make_answers(body_area=body_area)).outcome is LS


@pytest.mark.parametrize("condition", ["tendonitis", "bursitis", "arthritis", "calcium_deposit"])
def test_listed_indications_are_clear(condition: str) -> None:
    assert assess(make_answers(condition=condition)).outcome is LS


# --- Combinations ---------------------------------------------------------------------------------


def test_several_contraindications_and_precautions_are_all_listed_and_not_suitable() -> None:
    answers = make_answers(
        has_implanted_electronic_device="yes",
        skin_problem_at_site=["open_wound", "recent_scar"],
        body_area="eye_area",
        pregnant="yes",
        condition="other",
        metal_near_site="yes",
        can_attend_sessions="unsure",
        infection_at_site="unsure",
        date_of_birth=years_before(TODAY, 16).isoformat(),
    )

    result = assess(answers)

    assert result.outcome is NS
    assert set(result.reason_codes) == {
        "NS-IMPLANT",
        "NS-SKIN",
        "NS-EYE",
        "NS-PREGNANT",
        "NR-CONDITION",
        "NR-METAL",
        "NR-ATTENDANCE",
        "NR-UNSURE",
        "NR-MINOR",
    }
    assert len(result.reason_codes) == len(set(result.reason_codes))


def test_every_flag_at_once_lists_every_reachable_rule_once() -> None:
    answers = {
        "condition": "unsure",
        "body_area": "eye_area",
        "depth": "deep",
        "date_of_birth": "yesterday",
        "has_implanted_electronic_device": "yes",
        "pregnant": "yes",
        "skin_problem_at_site": ["open_wound", "unsure"],
        "infection_at_site": "yes",
        "cancer_at_site": "yes",
        "blood_clot_at_site": "yes",
        "reduced_feeling_at_site": "yes",
        "metal_near_site": "unsure",
        "skin_sensitivity": ["tape_or_adhesive", "sensitive_skin"],
        "prescribed_medication": "lidocaine",
        "medicine_allergies": ["numbing", "sulfite"],
        "electrical_therapy_reaction": "yes",
        "heart_or_seizure_condition": "yes",
        # can_attend_sessions left out
    }

    result = assess(answers)

    # Left out, each because another answer excludes it: the age rules (the date is invalid), the
    # other-medicine rule (lidocaine), head/neck/chest (the eye area) and attendance (unanswered).
    left_out = {"NR-MINOR", "NR-VERY-ELDERLY", "NR-MED-OTHER", "NR-BODY-AREA", "NR-ATTENDANCE"}
    assert result.outcome is NS
    assert sorted(result.reason_codes) == sorted(set(CLINICAL_TEXTS) - left_out)


@pytest.mark.parametrize(
    ("medication", "allergies", "expected"),
    [
        # The drug allergy is not repeated as NR-ALLERGY (clinical.md §4.4) ...
        ("dexamethasone", ["steroid"], {"NS-DRUG-ALLERGY"}),
        ("lidocaine", ["numbing"], {"NS-DRUG-ALLERGY"}),
        # ... but another drug class still is (§4.3 wording; §4.4 pseudo-code drops it, see rules.py).
        ("dexamethasone", ["steroid", "numbing"], {"NS-DRUG-ALLERGY", "NR-ALLERGY"}),
        ("lidocaine", ["steroid", "numbing"], {"NS-DRUG-ALLERGY", "NR-ALLERGY"}),
        # A sulfite allergy is an excipient allergy: it is listed alongside the drug allergy.
        ("dexamethasone", ["steroid", "sulfite"], {"NS-DRUG-ALLERGY", "NR-ALLERGY"}),
        ("lidocaine", ["numbing", "sulfite"], {"NS-DRUG-ALLERGY", "NR-ALLERGY"}),
        ("lidocaine", ["numbing", "aspirin"], {"NS-DRUG-ALLERGY"}),
        # An allergy to the other drug class, or to a drug not planned, is a precaution only.
        ("dexamethasone", ["numbing"], {"NR-ALLERGY"}),
        ("lidocaine", ["steroid"], {"NR-ALLERGY"}),
        ("acetic_acid", ["steroid"], {"NR-ALLERGY"}),
        ("acetic_acid", ["sulfite"], {"NR-ALLERGY"}),
        ("dont_know", ["steroid", "numbing"], {"NR-ALLERGY"}),
        ("other", ["unsure"], {"NR-ALLERGY", "NR-MED-OTHER"}),
        # Aspirin matters only when the drug is another one or not yet known.
        ("other", ["aspirin"], {"NR-ALLERGY", "NR-MED-OTHER"}),
        ("dont_know", ["aspirin"], {"NR-ALLERGY"}),
        ("dexamethasone", ["aspirin"], set()),
        ("acetic_acid", ["aspirin"], set()),
        ("other", ["none"], {"NR-MED-OTHER"}),
        ("dont_know", ["none"], set()),
    ],
)
def test_drug_allergy_and_other_allergy_are_exclusive_as_in_clinical_md(
    medication: str, allergies: list[str], expected: set[str]
) -> None:
    result = assess(make_answers(prescribed_medication=medication, medicine_allergies=allergies))

    assert set(result.reason_codes) == expected
    assert result.outcome is (NS if "NS-DRUG-ALLERGY" in expected else NR if expected else LS)


def test_skin_problem_alongside_unsure_gives_both_skin_and_unsure() -> None:
    result = assess(make_answers(skin_problem_at_site=["rash_or_irritation", "unsure"]))

    assert result.reason_codes == ("NS-SKIN", "NR-UNSURE")


def test_several_unsure_safety_answers_give_one_unsure_reason() -> None:
    overrides: dict[str, Any] = {code: "unsure" for code in _UNSURE_SAFETY_QUESTIONS}
    result = assess(make_answers(skin_problem_at_site=["unsure"], **overrides))

    assert result.reason_codes == ("NR-UNSURE",)
    assert result.outcome is NR


# --- Configuration --------------------------------------------------------------------------------


def test_pregnancy_outcome_needs_review_turns_pregnancy_into_a_needs_review_reason() -> None:
    result = assess(make_answers(pregnant="yes"), pregnancy_outcome=NR)

    assert result.outcome is NR
    (reason,) = result.reasons
    assert (reason.code, reason.outcome) == ("NS-PREGNANT", NR)
    assert (reason.patient_text, reason.therapist_text) == CLINICAL_TEXTS["NS-PREGNANT"]


def test_pregnancy_as_needs_review_does_not_hide_another_contraindication() -> None:
    result = assess(make_answers(pregnant="yes", cancer_at_site="yes"), pregnancy_outcome=NR)

    assert result.outcome is NS
    assert [(r.code, r.outcome) for r in result.reasons] == [("NS-CANCER", NS), ("NS-PREGNANT", NR)]


def test_deep_site_is_needs_review_by_default() -> None:
    (reason,) = assess(make_answers(depth="deep")).reasons

    assert (reason.code, reason.outcome) == ("NR-DEPTH", NR)


def test_deep_site_outcome_not_suitable_makes_deep_not_suitable() -> None:
    result = assess(make_answers(depth="deep"), deep_site_outcome=NS)

    assert result.outcome is NS
    (reason,) = result.reasons
    assert (reason.code, reason.outcome) == ("NR-DEPTH", NS)


def test_deep_site_outcome_not_suitable_leaves_unsure_depth_needs_review() -> None:
    result = assess(make_answers(depth="unsure"), deep_site_outcome=NS)

    assert result.outcome is NR
    assert [(r.code, r.outcome) for r in result.reasons] == [("NR-DEPTH", NR)]


@pytest.mark.parametrize(
    ("age", "very_elderly_age", "expected"),
    [
        (79, 80, ()),
        (80, 80, ("NR-VERY-ELDERLY",)),
        (84, 80, ("NR-VERY-ELDERLY",)),
        (80, 85, ()),
        (84, 85, ()),
        (85, 85, ("NR-VERY-ELDERLY",)),
    ],
)
def test_very_elderly_age_is_configurable(age: int, very_elderly_age: int, expected: tuple[str, ...]) -> None:
    answers = make_answers(date_of_birth=years_before(TODAY, age).isoformat())

    assert assess(answers, very_elderly_age=very_elderly_age).reason_codes == expected


def test_adult_age_is_configurable() -> None:
    answers = make_answers(date_of_birth=years_before(TODAY, 16).isoformat())

    assert assess(answers, adult_age=16).reason_codes == ()
    assert assess(answers, adult_age=17).reason_codes == ("NR-MINOR",)


def test_config_accepts_outcome_names_as_strings() -> None:
    config = RulesConfig(pregnancy_outcome="needs_review", deep_site_outcome="not_suitable")  # type: ignore[arg-type]

    assert config.pregnancy_outcome is NR
    assert config.deep_site_outcome is NS


def test_default_config_matches_clinical_md() -> None:
    assert RulesConfig() == RulesConfig(
        very_elderly_age=85, adult_age=18, pregnancy_outcome=NS, deep_site_outcome=NR
    )


_AGES_MESSAGE = "ages must satisfy 0 < adult_age < very_elderly_age <= 130"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"pregnancy_outcome": LS},
            "pregnancy_outcome must be needs_review or not_suitable, not likely_suitable",
        ),
        (
            {"deep_site_outcome": LS},
            "deep_site_outcome must be needs_review or not_suitable, not likely_suitable",
        ),
        ({"pregnancy_outcome": "likely_suitable"}, "pregnancy_outcome must be needs_review"),
        ({"pregnancy_outcome": "maybe"}, "'maybe' is not a valid Outcome"),
        ({"adult_age": 85, "very_elderly_age": 85}, _AGES_MESSAGE),
        ({"adult_age": 90}, _AGES_MESSAGE),
        ({"adult_age": 0}, _AGES_MESSAGE),
        ({"very_elderly_age": 18}, _AGES_MESSAGE),
        ({"very_elderly_age": 131}, _AGES_MESSAGE),
        ({"adult_age": -1, "very_elderly_age": 85}, _AGES_MESSAGE),
    ],
    ids=repr,
)
def test_invalid_config_raises_naming_what_is_wrong(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        RulesConfig(**config)


@pytest.mark.parametrize(
    "config",
    [
        {"very_elderly_age": 130},
        {"adult_age": 1, "very_elderly_age": 2},
        {"adult_age": 84, "very_elderly_age": 85},
        {"adult_age": 129, "very_elderly_age": 130},
        {"pregnancy_outcome": NR, "deep_site_outcome": NS},
        {"pregnancy_outcome": NS, "deep_site_outcome": NR},
    ],
    ids=repr,
)
def test_config_accepts_every_value_at_the_edge_of_its_range(config: dict[str, Any]) -> None:
    built = RulesConfig(**config)

    assert {name: getattr(built, name) for name in config} == config


def test_config_at_the_age_limit_of_130_still_flags_a_130_year_old() -> None:
    answers = make_answers(date_of_birth=years_before(TODAY, 130).isoformat())

    assert assess(answers, very_elderly_age=130).reason_codes == ("NR-VERY-ELDERLY",)
    assert (
        assess(
            make_answers(date_of_birth=years_before(TODAY, 129).isoformat()), very_elderly_age=130
        ).reason_codes
        == ()
    )


# --- Age --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date_of_birth", "today", "expected"),
    [
        ("2008-05-20", date(2026, 5, 19), ("NR-MINOR",)),  # the day before the 18th birthday
        ("2008-05-20", date(2026, 5, 20), ()),  # the 18th birthday
        ("2008-05-20", date(2026, 5, 21), ()),  # the day after
        ("1941-05-20", date(2026, 5, 19), ()),  # the day before the 85th birthday
        ("1941-05-20", date(2026, 5, 20), ("NR-VERY-ELDERLY",)),  # the 85th birthday
        ("1941-05-20", date(2026, 5, 21), ("NR-VERY-ELDERLY",)),  # the day after
        ("2008-12-31", date(2026, 12, 30), ("NR-MINOR",)),  # across a year end
        ("2008-12-31", date(2026, 12, 31), ()),
        ("2008-01-01", date(2025, 12, 31), ("NR-MINOR",)),
        ("2008-01-01", date(2026, 1, 1), ()),
    ],
)
def test_age_boundaries_fall_on_the_birthday(
    date_of_birth: str, today: date, expected: tuple[str, ...]
) -> None:
    assert assess(make_answers(date_of_birth=date_of_birth), today).reason_codes == expected


@pytest.mark.parametrize(
    ("today", "age"),
    [
        (date(2026, 2, 28), 17),  # non-leap year: no birthday yet on 28 February ...
        (date(2026, 3, 1), 18),  # ... it falls on 1 March
        (date(2028, 2, 28), 19),  # leap year: the birthday is 29 February itself
        (date(2028, 2, 29), 20),
        (date(2028, 3, 1), 20),
        (date(2008, 2, 29), 0),
    ],
)
def test_29_february_birthday_is_on_1_march_in_non_leap_years(today: date, age: int) -> None:
    assert rules.age_on(date(2008, 2, 29), today) == age
    assert rules.age_on("2008-02-29", today) == age


def test_29_february_born_turns_18_on_1_march() -> None:
    answers = make_answers(date_of_birth="2008-02-29")

    assert assess(answers, date(2026, 2, 28)).reason_codes == ("NR-MINOR",)
    assert assess(answers, date(2026, 3, 1)).reason_codes == ()


def test_29_february_born_turns_85_on_1_march() -> None:
    answers = make_answers(date_of_birth="1940-02-29")

    assert assess(answers, date(2025, 2, 28)).reason_codes == ()
    assert assess(answers, date(2025, 3, 1)).reason_codes == ("NR-VERY-ELDERLY",)


def test_29_february_born_comes_of_age_on_29_february_in_a_leap_year() -> None:
    answers = make_answers(date_of_birth="2008-02-29")

    assert assess(answers, date(2028, 2, 28), adult_age=20).reason_codes == ("NR-MINOR",)
    assert assess(answers, date(2028, 2, 29), adult_age=20).reason_codes == ()


@pytest.mark.parametrize("date_of_birth", ["2026-05-21", "2100-01-01", date(2026, 5, 21)], ids=str)
def test_date_of_birth_in_the_future_is_nr_dob(date_of_birth: object) -> None:
    assert assess(make_answers(date_of_birth=date_of_birth)).reason_codes == ("NR-DOB",)


def test_date_of_birth_today_is_a_minor_not_an_invalid_date() -> None:
    assert rules.age_on(TODAY, TODAY) == 0
    assert assess(make_answers(date_of_birth=TODAY.isoformat())).reason_codes == ("NR-MINOR",)


@pytest.mark.parametrize(
    "date_of_birth", ["1990-02-30", "2001-02-29", "1990-13-01", "yesterday", "15/06/1980"]
)
def test_invalid_date_of_birth_is_nr_dob(date_of_birth: str) -> None:
    assert rules.age_on(date_of_birth, TODAY) is None
    assert assess(make_answers(date_of_birth=date_of_birth)).reason_codes == ("NR-DOB",)


@pytest.mark.parametrize("date_of_birth", [date(1980, 6, 15), "1980-06-15"], ids=repr)
def test_date_of_birth_may_be_a_date_or_an_iso_string(date_of_birth: object) -> None:
    assert rules.age_on(date_of_birth, TODAY) == 45
    assert assess(make_answers(date_of_birth=date_of_birth)).outcome is LS


# --- Missing answers -------------------------------------------------------------------------------

ALL_CODES = [q.code for q in QUESTIONS]


def _empty(question: Question) -> object:
    return [] if question.kind is Kind.MULTI else ""


@pytest.mark.parametrize("code", ALL_CODES)
def test_each_question_left_out_gives_nr_missing_and_never_likely_suitable(code: str) -> None:
    answers = make_answers()
    del answers[code]

    result = assess(answers)

    assert "NR-MISSING" in result.reason_codes
    assert result.outcome is not LS
    if code == "date_of_birth":
        assert set(result.reason_codes) == {"NR-MISSING", "NR-DOB"}
    else:
        assert result.reason_codes == ("NR-MISSING",)


@pytest.mark.parametrize("code", ALL_CODES)
@pytest.mark.parametrize("blank", ["none", "empty"])
def test_each_question_answered_blank_gives_nr_missing(code: str, blank: str) -> None:
    value = None if blank == "none" else _empty(QUESTIONS_BY_CODE[code])
    result = assess(make_answers(**{code: value}))

    assert "NR-MISSING" in result.reason_codes
    assert result.outcome is not LS


@pytest.mark.parametrize("empty", [[], (), set(), frozenset()], ids=repr)
def test_empty_multi_select_counts_as_missing(empty: object) -> None:
    result = assess(make_answers(skin_problem_at_site=empty))

    assert result.reason_codes == ("NR-MISSING",)
    assert result.outcome is NR


def test_empty_mapping_needs_review_for_missing_answers_and_date_of_birth() -> None:
    result = assess({})

    assert result.outcome is NR
    assert set(result.reason_codes) == {"NR-MISSING", "NR-DOB"}


def test_missing_answer_does_not_hide_a_contraindication() -> None:
    answers = make_answers(cancer_at_site="yes")
    del answers["condition"]

    result = assess(answers)

    assert result.outcome is NS
    assert result.reason_codes == ("NS-CANCER", "NR-MISSING")


# --- Unknown codes and wrong types ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("pregnant", "maybe"),
        ("pregnant", "YES"),
        ("pregnant", 1),
        ("pregnant", True),
        ("pregnant", ["yes"]),
        ("body_area", "never_had"),
        ("electrical_therapy_reaction", "none"),
        ("skin_problem_at_site", ["bogus"]),
        ("skin_problem_at_site", ["none", "yes"]),
        ("skin_problem_at_site", "none"),
        ("skin_problem_at_site", 5),
        ("skin_problem_at_site", [1]),
        ("skin_problem_at_site", {"none": True}),
        ("medicine_allergies", "aspirin"),
        ("skin_sensitivity", ["sensitive skin"]),
    ],
    ids=repr,
)
def test_unknown_answer_raises_value_error_naming_the_question(code: str, value: object) -> None:
    with pytest.raises(ValueError, match=code):
        assess(make_answers(**{code: value}))


def test_unknown_question_raises_value_error_naming_it() -> None:
    answers = {**make_answers(), "favourite_colour": "blue"}

    with pytest.raises(ValueError, match="favourite_colour"):
        assess(answers)


def test_unknown_question_alone_raises() -> None:
    with pytest.raises(ValueError, match="pregnent"):
        assess({"pregnent": "no"})


# --- Precedence and order ---------------------------------------------------------------------------


def test_outcome_rank_orders_likely_suitable_below_needs_review_below_not_suitable() -> None:
    assert LS.rank < NR.rank < NS.rank


def test_not_suitable_beats_needs_review_beats_likely_suitable() -> None:
    assert assess(make_answers()).outcome is LS
    assert assess(make_answers(metal_near_site="yes")).outcome is NR
    assert assess(make_answers(metal_near_site="yes", body_area="eye_area")).outcome is NS
    assert assess(make_answers(body_area="eye_area")).outcome is NS


def test_reasons_list_not_suitable_first() -> None:
    answers = make_answers(
        condition="other",
        depth="deep",
        pregnant="yes",
        metal_near_site="unsure",
        electrical_therapy_reaction="yes",
    )
    del answers["can_attend_sessions"]

    result = assess(answers, deep_site_outcome=NS, pregnancy_outcome=NR)

    outcomes = [r.outcome for r in result.reasons]
    assert outcomes == sorted(outcomes, key=lambda o: -o.rank)
    assert set(result.reason_codes[:2]) == {"NS-ESTIM-REACTION", "NR-DEPTH"}
    assert set(result.reason_codes[2:]) == {"NR-MISSING", "NS-PREGNANT", "NR-CONDITION", "NR-METAL"}


# --- triggered_answers ------------------------------------------------------------------------------


def _triggered(**overrides: Any) -> dict[str, list[str]]:
    answers = make_answers(**overrides)
    return rules.triggered_answers(answers, assess(answers).reason_codes)


def test_triggered_answers_is_empty_for_clear_answers() -> None:
    assert _triggered() == {}


def test_triggered_answers_highlights_the_implant_answer() -> None:
    assert _triggered(has_implanted_electronic_device="yes") == {
        "has_implanted_electronic_device": ["NS-IMPLANT"]
    }


def test_triggered_answers_highlights_drug_and_allergy_for_a_drug_allergy() -> None:
    triggered = _triggered(prescribed_medication="lidocaine", medicine_allergies=["numbing", "sulfite"])

    assert triggered == {
        "prescribed_medication": ["NS-DRUG-ALLERGY"],
        "medicine_allergies": ["NS-DRUG-ALLERGY", "NR-ALLERGY"],
    }


def test_triggered_answers_highlights_every_unsure_safety_answer() -> None:
    triggered = _triggered(pregnant="unsure", skin_problem_at_site=["unsure"], metal_near_site="unsure")

    assert triggered == {
        "pregnant": ["NR-UNSURE"],
        "skin_problem_at_site": ["NR-UNSURE"],
        "metal_near_site": ["NR-METAL"],
    }


def test_triggered_answers_highlights_date_of_birth_for_age_rules() -> None:
    assert _triggered(date_of_birth="2015-01-01") == {"date_of_birth": ["NR-MINOR"]}
    assert _triggered(date_of_birth="1990-02-30") == {"date_of_birth": ["NR-DOB"]}


def test_triggered_answers_highlights_the_missing_questions() -> None:
    answers = make_answers(skin_sensitivity=[])
    del answers["condition"]

    triggered = rules.triggered_answers(answers, assess(answers).reason_codes)

    assert triggered == {"condition": ["NR-MISSING"], "skin_sensitivity": ["NR-MISSING"]}


def test_triggered_answers_highlights_each_question_of_a_combination() -> None:
    triggered = _triggered(body_area="chest", depth="deep", can_attend_sessions="no")

    assert triggered == {
        "body_area": ["NR-BODY-AREA"],
        "depth": ["NR-DEPTH"],
        "can_attend_sessions": ["NR-ATTENDANCE"],
    }


# --- Properties -------------------------------------------------------------------------------------
# Strategies are built once from questions.QUESTIONS, so they reach every option of every question.

_INVALID_DATES = ("1990-02-30", "2001-02-29", "yesterday", "")


def _multi_answers(question: Question) -> st.SearchStrategy[list[str]]:
    """One exclusive option alone (`none`, `unsure`; clinical.md §3), or any of the others."""
    codes = [o.code for o in question.options]
    exclusive = [c for c in codes if c in EXCLUSIVE_OPTIONS]
    flags = [c for c in codes if c not in EXCLUSIVE_OPTIONS]
    return st.one_of(
        st.sampled_from(exclusive).map(lambda code: [code]),
        st.lists(st.sampled_from(flags), min_size=1, unique=True),
    )


_CHOICE_ANSWERS: dict[str, st.SearchStrategy[Any]] = {
    q.code: st.sampled_from([o.code for o in q.options]) if q.kind is Kind.SINGLE else _multi_answers(q)
    for q in QUESTIONS
    if q.kind is not Kind.DATE
}
_BOOLEANS = st.booleans()
_DOB_FORMS = st.sampled_from(["date", "iso", *_INVALID_DATES])
_AGE_AND_SHIFT = st.tuples(st.integers(0, 110), st.integers(-2, 2))
_ANY_DATE = st.dates(date(1900, 1, 1), date(2100, 12, 31))
_TODAYS = st.dates(date(2000, 1, 1), date(2060, 12, 31))
_CHANGED_QUESTIONS = st.lists(st.sampled_from(ALL_CODES), max_size=3, unique=True)
_BLANKED_QUESTIONS = st.lists(st.sampled_from(ALL_CODES), max_size=2, unique=True)
_BLANKS = {q.code: st.sampled_from(["left out", None, _empty(q)]) for q in QUESTIONS}
_CAUTIOUS = st.sampled_from([NR, NS])
_CONFIG_KINDS = st.sampled_from(["default", "clinic", "any"])


def _date_of_birth(draw: st.DrawFn, today: date) -> object:
    """A date near a birthday, any date at all, or not a date; as a date object or an ISO string."""
    form = draw(_DOB_FORMS)
    if form not in ("date", "iso"):
        return form
    if draw(_BOOLEANS):
        years, shift = draw(_AGE_AND_SHIFT)
        dob = date(today.year - years, today.month, 1) + timedelta(days=today.day - 1 + shift)
    else:
        dob = draw(_ANY_DATE)
    return dob if form == "date" else dob.isoformat()


def _answer(draw: st.DrawFn, code: str, today: date) -> object:
    return _date_of_birth(draw, today) if code == "date_of_birth" else draw(_CHOICE_ANSWERS[code])


@st.composite
def configs(draw: st.DrawFn) -> RulesConfig | None:
    """None (the default), a choice a clinic might make, or any valid config."""
    kind = draw(_CONFIG_KINDS)
    if kind == "default":
        return None
    if kind == "clinic":
        adult_age, very_elderly_age = 18, draw(st.integers(80, 85))
    else:
        adult_age = draw(st.integers(1, 100))
        very_elderly_age = draw(st.integers(adult_age + 1, 130))
    return RulesConfig(very_elderly_age, adult_age, draw(_CAUTIOUS), draw(_CAUTIOUS))


@st.composite
def screenings(draw: st.DrawFn) -> tuple[dict[str, Any], date, RulesConfig | None]:
    """Answers, a screening date and a config (None for the default).

    Half the time every answer is random; otherwise the clear answers with a few changed, so that
    single rules and likely_suitable outcomes come up often. Any answer may be left out or blank.
    """
    today = draw(_TODAYS)
    config = draw(configs())
    if draw(_BOOLEANS):
        answers = {code: _answer(draw, code, today) for code in ALL_CODES}
    else:
        answers = make_answers(date_of_birth=years_before(today.replace(day=1), 40).isoformat())
        for code in draw(_CHANGED_QUESTIONS):
            answers[code] = _answer(draw, code, today)
    for code in draw(_BLANKED_QUESTIONS):
        blank = draw(_BLANKS[code])
        if blank == "left out":
            del answers[code]
        else:
            answers[code] = blank
    return answers, today, config


def _rank(answers: Mapping[str, Any], today: date, config: RulesConfig | None) -> int:
    return rules.assess(answers, today=today, config=config).outcome.rank


def _add_option(answers: Mapping[str, Any], code: str, option: str) -> dict[str, Any]:
    """The answers with `option` added to the multi-select `code`, and `none` taken away."""
    current = answers.get(code) or []
    return {**answers, code: sorted((set(current) - {"none"}) | {option})}


def _contraindications(config: RulesConfig) -> list[Callable[[dict[str, Any]], dict[str, Any]]]:
    """Changes to the answers that each add a contraindication of clinical.md §4.3 under config."""
    changes: list[Callable[[dict[str, Any]], dict[str, Any]]] = [
        lambda a: {**a, "has_implanted_electronic_device": "yes"},
        lambda a: {**a, "infection_at_site": "yes"},
        lambda a: {**a, "cancer_at_site": "yes"},
        lambda a: {**a, "blood_clot_at_site": "yes"},
        lambda a: {**a, "electrical_therapy_reaction": "yes"},
        lambda a: {**a, "body_area": "eye_area"},
        lambda a: {
            **_add_option(a, "medicine_allergies", "steroid"),
            "prescribed_medication": "dexamethasone",
        },
        lambda a: {**_add_option(a, "medicine_allergies", "numbing"), "prescribed_medication": "lidocaine"},
    ]
    changes += [
        lambda a, flag=flag: _add_option(a, "skin_problem_at_site", flag)
        for flag in ("open_wound", "rash_or_irritation", "recent_scar")
    ]
    if config.pregnancy_outcome is NS:
        changes.append(lambda a: {**a, "pregnant": "yes"})
    if config.deep_site_outcome is NS:
        changes.append(lambda a: {**a, "depth": "deep"})
    return changes


@PROPERTY
@given(screenings(), st.data())
def test_any_contraindication_gives_not_suitable(
    screening: tuple[dict[str, Any], date, RulesConfig | None], data: st.DataObject
) -> None:
    answers, today, config = screening
    change = data.draw(st.sampled_from(_contraindications(config or RulesConfig())))

    result = rules.assess(change(answers), today=today, config=config)

    assert result.outcome is NS


@pytest.mark.parametrize(
    ("config", "extra"),
    [
        (RulesConfig(), {"NS-PREGNANT"}),
        (RulesConfig(pregnancy_outcome=NR), set()),
        (RulesConfig(pregnancy_outcome=NR, deep_site_outcome=NS), {"NR-DEPTH"}),
    ],
    ids=["default", "pregnancy-needs-review", "deep-not-suitable"],
)
def test_the_contraindication_changes_reach_every_not_suitable_reason_under_config(
    config: RulesConfig, extra: set[str]
) -> None:
    # Each change alone, on the clear answers, gives one not_suitable reason; together they reach
    # every not_suitable reason of clinical.md §4.3 that the config leaves not_suitable.
    reached = set()
    for change in _contraindications(config):
        result = rules.assess(change(make_answers()), today=TODAY, config=config)
        (code,) = (r.code for r in result.reasons if r.outcome is NS)
        reached.add(code)

    ns_reasons = {code for code, reason in reasons.REASONS.items() if reason.outcome is NS}
    assert reached == (ns_reasons - {"NS-PREGNANT"}) | extra


# Single-choice answers from clear to flagged: moving an answer to the right never lowers the rank.
# For `can_attend_sessions` "no" is the flagged answer, so it runs the other way round.
ESCALATIONS: dict[str, tuple[str, ...]] = {
    **{
        q.code: ("no", "unsure", "yes")
        for q in QUESTIONS
        if q.kind is Kind.SINGLE and q.option_codes == {"yes", "no", "unsure"}
    },
    "can_attend_sessions": ("yes", "unsure", "no"),
    "electrical_therapy_reaction": ("never_had", "no", "unsure", "yes"),
    "depth": ("just_under_skin", "unsure", "deep"),
    "condition": ("tendonitis", "bursitis", "arthritis", "calcium_deposit", "other", "unsure"),
}


def test_escalations_cover_every_yes_no_question_and_every_option() -> None:
    yes_no = {q.code for q in QUESTIONS if q.kind is Kind.SINGLE and "no" in q.option_codes}

    assert yes_no <= set(ESCALATIONS)
    for code, order in ESCALATIONS.items():
        assert set(order) == QUESTIONS_BY_CODE[code].option_codes


@PROPERTY
@given(screenings(), st.data())
def test_changing_a_no_to_unsure_or_yes_never_lowers_the_outcome(
    screening: tuple[dict[str, Any], date, RulesConfig | None], data: st.DataObject
) -> None:
    answers, today, config = screening
    code = data.draw(st.sampled_from(sorted(ESCALATIONS)))
    order = ESCALATIONS[code]
    before = data.draw(st.integers(0, len(order) - 2))
    after = data.draw(st.integers(before + 1, len(order) - 1))
    lower = {**answers, code: order[before]}
    higher = {**answers, code: order[after]}

    assert _rank(higher, today, config) >= _rank(lower, today, config)


@PROPERTY
@given(screenings(), st.data())
def test_adding_a_flagged_option_to_a_multi_select_never_lowers_the_outcome(
    screening: tuple[dict[str, Any], date, RulesConfig | None], data: st.DataObject
) -> None:
    answers, today, config = screening
    question = data.draw(st.sampled_from([q for q in QUESTIONS if q.kind is Kind.MULTI]))
    answers = {**answers, question.code: data.draw(_multi_answers(question))}
    option = data.draw(st.sampled_from(sorted(question.option_codes - {"none"})))

    assert _rank(_add_option(answers, question.code, option), today, config) >= _rank(answers, today, config)


@PROPERTY
@given(screenings())
def test_outcome_is_the_most_cautious_of_its_reasons_and_likely_suitable_has_none(
    screening: tuple[dict[str, Any], date, RulesConfig | None],
) -> None:
    result = rules.assess(screening[0], today=screening[1], config=screening[2])

    if result.outcome is LS:
        assert result.reasons == ()
    else:
        assert result.reasons
        assert result.outcome is max((r.outcome for r in result.reasons), key=lambda o: o.rank)
    assert all(r.outcome is not LS for r in result.reasons)
    assert len(set(result.reason_codes)) == len(result.reason_codes)
    ranks = [r.outcome.rank for r in result.reasons]
    assert ranks == sorted(ranks, reverse=True)  # not_suitable reasons first


@PROPERTY
@given(screenings())
def test_assess_is_deterministic_never_raises_and_sets_the_rules_version(
    screening: tuple[dict[str, Any], date, RulesConfig | None],
) -> None:
    answers, today, config = screening
    reordered = dict(reversed(list(answers.items())))
    as_tuples = {k: tuple(v) if isinstance(v, list) and v else v for k, v in answers.items()}

    first = rules.assess(answers, today=today, config=config)

    assert rules.assess(answers, today=today, config=config) == first
    assert rules.assess(reordered, today=today, config=config) == first
    assert rules.assess(as_tuples, today=today, config=config) == first
    assert first.rules_version == rules.RULES_VERSION
    assert isinstance(first.rules_version, str)
    assert first.rules_version


def _whole_years(date_of_birth: object, today: date) -> int | None:
    """Age as clinical.md §3 defines it, written out independently of rules.age_on."""
    if isinstance(date_of_birth, str):
        try:
            date_of_birth = date.fromisoformat(date_of_birth)
        except ValueError:
            return None
    if not isinstance(date_of_birth, date) or date_of_birth > today:
        return None
    month, day = date_of_birth.month, date_of_birth.day
    if (month, day) == (2, 29) and not calendar.isleap(today.year):
        month, day = 3, 1
    return today.year - date_of_birth.year - ((today.month, today.day) < (month, day))


def _reference_reasons(answers: Mapping[str, Any], today: date, cfg: RulesConfig) -> dict[str, Outcome]:
    """clinical.md §4.4's pseudo-code, transcribed line by line, with §4.3's NR-ALLERGY wording.

    Each reason code maps to the outcome of the list §4.4 puts it in (ns or nr).
    """
    a = {q.code: answers.get(q.code) for q in QUESTIONS}

    def many(code: str) -> set[str]:
        return set(a[code] or ())

    ns: list[str] = []
    nr: list[str] = []
    if any(value in (None, "", []) for value in a.values()):
        nr.append("NR-MISSING")
    if a["has_implanted_electronic_device"] == "yes":
        ns.append("NS-IMPLANT")
    if a["pregnant"] == "yes":
        (ns if cfg.pregnancy_outcome == "not_suitable" else nr).append("NS-PREGNANT")
    if many("skin_problem_at_site") & {"open_wound", "rash_or_irritation", "recent_scar"}:
        ns.append("NS-SKIN")
    if a["infection_at_site"] == "yes":
        ns.append("NS-INFECTION")
    if a["cancer_at_site"] == "yes":
        ns.append("NS-CANCER")
    if a["blood_clot_at_site"] == "yes":
        ns.append("NS-CLOT")
    if a["electrical_therapy_reaction"] == "yes":
        ns.append("NS-ESTIM-REACTION")
    if a["body_area"] == "eye_area":
        ns.append("NS-EYE")
    counted = {"dexamethasone": "steroid", "lidocaine": "numbing"}.get(a["prescribed_medication"])
    drug_allergy = counted in many("medicine_allergies")
    if drug_allergy:
        ns.append("NS-DRUG-ALLERGY")
    if a["condition"] in ("other", "unsure"):
        nr.append("NR-CONDITION")
    if a["depth"] == "unsure":
        nr.append("NR-DEPTH")
    if a["depth"] == "deep":
        (nr if cfg.deep_site_outcome == "needs_review" else ns).append("NR-DEPTH")
    age = _whole_years(a["date_of_birth"], today)
    if age is None:
        nr.append("NR-DOB")
    elif age < cfg.adult_age:
        nr.append("NR-MINOR")
    elif age >= cfg.very_elderly_age:
        nr.append("NR-VERY-ELDERLY")
    if "unsure" in (
        a["has_implanted_electronic_device"],
        a["pregnant"],
        a["infection_at_site"],
        a["cancer_at_site"],
        a["blood_clot_at_site"],
        a["electrical_therapy_reaction"],
    ) or "unsure" in many("skin_problem_at_site"):
        nr.append("NR-UNSURE")
    if a["reduced_feeling_at_site"] in ("yes", "unsure"):
        nr.append("NR-REDUCED-FEELING")
    if a["metal_near_site"] in ("yes", "unsure"):
        nr.append("NR-METAL")
    if many("skin_sensitivity") & {"tape_or_adhesive", "eczema_or_psoriasis", "sensitive_skin", "unsure"}:
        nr.append("NR-SKIN-SENSITIVE")
    if a["prescribed_medication"] == "other":
        nr.append("NR-MED-OTHER")
    al = many("medicine_allergies")
    # §4.3's wording, not §4.4's pseudo-code: only the allergy NS-DRUG-ALLERGY counted is dropped.
    other_allergy = al & (
        {"steroid", "numbing", "sulfite", "unsure"} - ({counted} if drug_allergy else set())
    )
    if other_allergy or ("aspirin" in al and a["prescribed_medication"] in ("other", "dont_know")):
        nr.append("NR-ALLERGY")
    if a["heart_or_seizure_condition"] in ("yes", "unsure"):
        nr.append("NR-HEART-SEIZURE")
    if a["body_area"] in ("head_face", "neck", "chest"):
        nr.append("NR-BODY-AREA")
    if a["can_attend_sessions"] in ("no", "unsure"):
        nr.append("NR-ATTENDANCE")
    return {**dict.fromkeys(nr, NR), **dict.fromkeys(ns, NS)}


@PROPERTY
@given(screenings())
def test_reasons_match_the_reference_logic_of_clinical_md(
    screening: tuple[dict[str, Any], date, RulesConfig | None],
) -> None:
    answers, today, config = screening

    result = rules.assess(answers, today=today, config=config)

    expected = _reference_reasons(answers, today, config or RulesConfig())
    assert {r.code: r.outcome for r in result.reasons} == expected
    assert len(result.reasons) == len(expected)
    # §4.4's last line: not_suitable if any ns reason, else needs_review if any nr reason.
    assert result.outcome is (NS if NS in expected.values() else NR if expected else LS)


def test_a_datetime_date_of_birth_counts_by_its_date() -> None:
    moment = datetime(2008, 11, 23, 23, 59)
    assert rules.age_on(moment, date(2026, 11, 23)) == 18
    assert rules.age_on(moment, date(2026, 11, 22)) == 17


# --- Parsing past a blank answer --------------------------------------------------------------------


@pytest.mark.parametrize("empty", [[], (), set(), frozenset()], ids=repr)
def test_an_empty_multi_select_does_not_stop_later_answers_from_being_read(empty: object) -> None:
    # skin_problem_at_site is question 7: every question after it must still be parsed and judged.
    answers = make_answers(skin_problem_at_site=empty, infection_at_site="yes", can_attend_sessions="no")

    parsed = rules.Answers.parse(answers, today=TODAY)
    result = assess(answers)

    assert parsed.missing == {"skin_problem_at_site"}
    assert parsed.one("infection_at_site") == "yes"
    assert parsed.one("can_attend_sessions") == "no"
    assert result.reason_codes == ("NS-INFECTION", "NR-MISSING", "NR-ATTENDANCE")


def test_parse_names_every_missing_question_and_keeps_the_answered_ones() -> None:
    answers = make_answers(condition="", skin_sensitivity=[], date_of_birth=None)
    del answers["can_attend_sessions"]

    parsed = rules.Answers.parse(answers, today=TODAY)

    assert parsed.missing == {"condition", "skin_sensitivity", "date_of_birth", "can_attend_sessions"}
    assert parsed.age is None
    assert "condition" not in parsed.single
    assert parsed.many("skin_problem_at_site") == {"none"}
    assert parsed.given("skin_problem_at_site") == {"none"}
    assert parsed.given("pregnant") == {"no"}
    assert parsed.given("condition") == frozenset()


@pytest.mark.parametrize("empty", [[], ()], ids=repr)
def test_a_single_choice_answered_with_an_empty_list_is_missing_not_an_error(empty: object) -> None:
    assert assess(make_answers(pregnant=empty)).reason_codes == ("NR-MISSING",)


@pytest.mark.parametrize("empty", [[], ()], ids=repr)
def test_a_date_of_birth_answered_with_an_empty_list_is_missing_and_nr_dob(empty: object) -> None:
    assert assess(make_answers(date_of_birth=empty)).reason_codes == ("NR-MISSING", "NR-DOB")


# --- The order of stored reason codes -----------------------------------------------------------------
# `reassess` compares stored reason codes as a sequence, so their order is part of the contract.

_EVERY_FLAG = {
    "condition": "unsure",
    "body_area": "eye_area",
    "depth": "deep",
    "date_of_birth": "yesterday",
    "has_implanted_electronic_device": "yes",
    "pregnant": "yes",
    "skin_problem_at_site": ["open_wound", "unsure"],
    "infection_at_site": "yes",
    "cancer_at_site": "yes",
    "blood_clot_at_site": "yes",
    "reduced_feeling_at_site": "yes",
    "metal_near_site": "unsure",
    "skin_sensitivity": ["tape_or_adhesive"],
    "prescribed_medication": "lidocaine",
    "medicine_allergies": ["numbing", "sulfite"],
    "electrical_therapy_reaction": "yes",
    "heart_or_seizure_condition": "yes",
}
_CONTRAINDICATION_ORDER = (
    "NS-IMPLANT",
    "NS-PREGNANT",
    "NS-SKIN",
    "NS-INFECTION",
    "NS-CANCER",
    "NS-CLOT",
    "NS-ESTIM-REACTION",
    "NS-EYE",
    "NS-DRUG-ALLERGY",
)
_PRECAUTION_ORDER = (
    "NR-MISSING",
    "NR-CONDITION",
    "NR-DEPTH",
    "NR-DOB",
    "NR-UNSURE",
    "NR-REDUCED-FEELING",
    "NR-METAL",
    "NR-HEART-SEIZURE",
    "NR-SKIN-SENSITIVE",
    "NR-ALLERGY",
)


def test_reason_codes_keep_their_order_under_the_default_config() -> None:
    assert assess(_EVERY_FLAG).reason_codes == _CONTRAINDICATION_ORDER + _PRECAUTION_ORDER


def test_configured_outcomes_move_a_reason_between_groups_keeping_its_place() -> None:
    result = assess(_EVERY_FLAG, pregnancy_outcome=NR, deep_site_outcome=NS)

    ns = (*(c for c in _CONTRAINDICATION_ORDER if c != "NS-PREGNANT"), "NR-DEPTH")
    nr = ("NR-MISSING", "NS-PREGNANT", *(c for c in _PRECAUTION_ORDER if c not in ("NR-MISSING", "NR-DEPTH")))
    assert result.reason_codes == ns + nr


def test_the_other_precautions_keep_their_order() -> None:
    answers = make_answers(
        prescribed_medication="other",
        body_area="neck",
        can_attend_sessions="unsure",
        skin_sensitivity=["unsure"],
        medicine_allergies=["aspirin"],
        date_of_birth=years_before(TODAY, 10).isoformat(),
    )

    assert assess(answers).reason_codes == (
        "NR-MINOR",
        "NR-MED-OTHER",
        "NR-BODY-AREA",
        "NR-ATTENDANCE",
        "NR-SKIN-SENSITIVE",
        "NR-ALLERGY",
    )


# --- The rules' declarations --------------------------------------------------------------------------


def test_every_reason_is_given_by_exactly_one_rule() -> None:
    codes = [code for rule in rules.RULES for code in rule.codes]

    assert sorted(codes) == sorted(reasons.REASONS)


@pytest.mark.parametrize(
    "rule", [r for r in rules.RULES if isinstance(r, rules.AnswerRule)], ids=lambda rule: rule.code
)
def test_each_answer_rule_names_real_questions_answers_and_settings(rule: rules.AnswerRule) -> None:
    for question in rule.questions:
        assert rule.answers & QUESTIONS_BY_CODE[question].option_codes == rule.answers
    assert set(rule.configured) <= rule.answers
    assert set(rule.configured.values()) <= {"pregnancy_outcome", "deep_site_outcome"}
    # A configured answer must belong to a single choice, where it is the only answer given.
    if rule.configured:
        assert all(QUESTIONS_BY_CODE[q].kind is Kind.SINGLE for q in rule.questions)


# --- What the therapist's page highlights, rule by rule --------------------------------------------------

# For every reason code: answers that fire it (on top of the clear ones) and the questions the
# therapist's page then highlights for that code.
HIGHLIGHTS = [
    ("NS-IMPLANT", {"has_implanted_electronic_device": "yes"}, ["has_implanted_electronic_device"]),
    ("NS-PREGNANT", {"pregnant": "yes"}, ["pregnant"]),
    ("NS-SKIN", {"skin_problem_at_site": ["recent_scar"]}, ["skin_problem_at_site"]),
    ("NS-INFECTION", {"infection_at_site": "yes"}, ["infection_at_site"]),
    ("NS-CANCER", {"cancer_at_site": "yes"}, ["cancer_at_site"]),
    ("NS-CLOT", {"blood_clot_at_site": "yes"}, ["blood_clot_at_site"]),
    ("NS-ESTIM-REACTION", {"electrical_therapy_reaction": "yes"}, ["electrical_therapy_reaction"]),
    ("NS-EYE", {"body_area": "eye_area"}, ["body_area"]),
    (
        "NS-DRUG-ALLERGY",
        {"prescribed_medication": "dexamethasone", "medicine_allergies": ["steroid"]},
        ["prescribed_medication", "medicine_allergies"],
    ),
    ("NR-CONDITION", {"condition": "unsure"}, ["condition"]),
    ("NR-DEPTH", {"depth": "deep"}, ["depth"]),
    ("NR-MINOR", {"date_of_birth": "2015-01-01"}, ["date_of_birth"]),
    ("NR-VERY-ELDERLY", {"date_of_birth": "1930-01-01"}, ["date_of_birth"]),
    ("NR-DOB", {"date_of_birth": "1990-02-30"}, ["date_of_birth"]),
    (
        "NR-UNSURE",
        {"cancer_at_site": "unsure", "electrical_therapy_reaction": "unsure"},
        ["cancer_at_site", "electrical_therapy_reaction"],
    ),
    ("NR-REDUCED-FEELING", {"reduced_feeling_at_site": "unsure"}, ["reduced_feeling_at_site"]),
    ("NR-METAL", {"metal_near_site": "yes"}, ["metal_near_site"]),
    ("NR-SKIN-SENSITIVE", {"skin_sensitivity": ["sensitive_skin"]}, ["skin_sensitivity"]),
    ("NR-MED-OTHER", {"prescribed_medication": "other"}, ["prescribed_medication"]),
    (
        "NR-ALLERGY",
        {"prescribed_medication": "dont_know", "medicine_allergies": ["aspirin"]},
        ["medicine_allergies"],
    ),
    ("NR-HEART-SEIZURE", {"heart_or_seizure_condition": "yes"}, ["heart_or_seizure_condition"]),
    ("NR-BODY-AREA", {"body_area": "head_face"}, ["body_area"]),
    ("NR-ATTENDANCE", {"can_attend_sessions": "no"}, ["can_attend_sessions"]),
    (
        "NR-MISSING",
        {"condition": None, "skin_sensitivity": [], "metal_near_site": ""},
        ["condition", "metal_near_site", "skin_sensitivity"],
    ),
]


def test_highlights_cover_every_reason_code() -> None:
    assert sorted(code for code, _, _ in HIGHLIGHTS) == sorted(reasons.REASONS)


@pytest.mark.parametrize(("code", "overrides", "questions"), HIGHLIGHTS, ids=[h[0] for h in HIGHLIGHTS])
def test_the_therapists_page_highlights_the_answers_that_fired_each_rule(
    code: str, overrides: dict[str, Any], questions: list[str]
) -> None:
    answers = make_answers(**overrides)
    assert code in assess(answers).reason_codes

    # As the page gets them: the stored answers, back from JSON, and the stored codes.
    stored = json.loads(json.dumps(answers))
    assert rules.triggered_answers(stored, [code]) == {q: [code] for q in questions}
    assert list(rules.triggered_answers(stored, (code,))) == questions


@pytest.mark.parametrize(("code", "overrides", "questions"), HIGHLIGHTS, ids=[h[0] for h in HIGHLIGHTS])
def test_clear_answers_highlight_nothing_for_a_code_except_the_date_of_birth(
    code: str, overrides: dict[str, Any], questions: list[str]
) -> None:
    # The age rules point at the date of birth whatever it holds; every other rule needs its answer.
    # (Acetic acid: dexamethasone, the clear answers' drug, is itself a drug-allergy trigger.)
    expected = {"date_of_birth": [code]} if questions == ["date_of_birth"] else {}

    assert rules.triggered_answers(make_answers(prescribed_medication="acetic_acid"), [code]) == expected


def test_a_retired_reason_code_highlights_nothing() -> None:
    answers = make_answers(pregnant="yes")

    assert rules.triggered_answers(answers, ["NS-RETIRED", "NS-PREGNANT"]) == {"pregnant": ["NS-PREGNANT"]}


def test_a_multi_select_stored_as_a_set_or_tuple_is_highlighted_as_a_list_is() -> None:
    for stored in (["open_wound"], ("open_wound",), {"open_wound"}, frozenset({"open_wound"})):
        answers = make_answers(skin_problem_at_site=stored)
        assert rules.triggered_answers(answers, ["NS-SKIN"]) == {"skin_problem_at_site": ["NS-SKIN"]}


def test_the_drug_allergy_highlights_each_of_its_two_answers_on_its_own() -> None:
    # Each answer is matched against its own trigger values, as the old TRIGGERS table did.
    drug_only = make_answers(prescribed_medication="lidocaine", medicine_allergies=["sulfite"])
    allergy_only = make_answers(prescribed_medication="acetic_acid", medicine_allergies=["numbing"])

    assert rules.triggered_answers(drug_only, ["NS-DRUG-ALLERGY"]) == {
        "prescribed_medication": ["NS-DRUG-ALLERGY"]
    }
    assert rules.triggered_answers(allergy_only, ["NS-DRUG-ALLERGY"]) == {
        "medicine_allergies": ["NS-DRUG-ALLERGY"]
    }
