"""What the patient and the therapist read for each reason a rule gives (clinical.md §4.3).

Pure Python, no Django imports. Patient texts are marked with N_() for translation; therapist texts
stay in English, as the clinic's records are.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from screening.clinical.questions import N_


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
class Reason:
    code: str
    outcome: Outcome
    patient_text: str
    therapist_text: str


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


# What a reason code that a later rules version retired reads as, on every page that shows it.
RETIRED_PATIENT_TEXT = N_("Your therapist will go over your answers with you.")
RETIRED_THERAPIST_TEXT = "Reason from an earlier rules version."


def reason_for(code: str) -> Reason:
    """The reason for a stored code; a stand-in needing review for a code no longer in REASONS."""
    return REASONS.get(code) or Reason(
        code, Outcome.NEEDS_REVIEW, RETIRED_PATIENT_TEXT, RETIRED_THERAPIST_TEXT
    )
