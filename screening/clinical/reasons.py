"""What the patient and the therapist read for each reason a rule gives (clinical.md §4.3).

Pure Python, no Django imports. Patient texts and the therapist's headlines are marked with N_() for
translation; therapist texts stay in English, as the clinic's records are. No therapist text carries a
source's abbreviation: each reason names its sources' keys, and clinical/sources.py gives their titles.
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
    therapist_text: str  # clinical plain language, no source abbreviations: the sources are named below
    headline: str  # a few words a therapist reads at a glance, e.g. "Pregnancy"; translated
    sources: tuple[str, ...] = ()  # keys of clinical/sources.py SOURCES, shown as "Sources"


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
            therapist_text=(
                "Implanted electronic device reported (pacemaker, ICD, neurostimulator or implanted "
                "pump). Every device manual read lists it as a contraindication."
            ),
            headline=N_("Pacemaker or other implanted electrical device"),
            sources=("CHAT", "ACTV", "HIDX", "EMPX", "INTL", "SANO", "SGS", "GALE", "FLA2"),
        ),
        Reason(
            "NS-PREGNANT",
            NS,
            N_(
                "You said you are pregnant. We do not use this treatment during pregnancy because "
                "its safety has not been shown."
            ),
            therapist_text=(
                "Pregnancy reported. A contraindication in several sources; the main physical-therapy device manual says only that safety has not been established. Override only with the prescriber's agreement."
            ),
            headline=N_("Pregnancy"),
            sources=("HIDX", "SANO", "SGS", "GALE", "FLA2", "CHAT", "QUIZ"),
        ),
        Reason(
            "NS-SKIN",
            NS,
            N_(
                "The skin where the pads would go has a cut, sore, rash or new scar. This treatment "
                "could hurt or burn that skin. It may be possible after your skin heals."
            ),
            therapist_text=(
                "Do not apply current over it (device manuals). Temporary: re-screen after healing, or place the electrodes away from it."
            ),
            headline=N_("Broken skin or a recent scar where the pads go"),
            sources=("ACTV", "CHAT", "IBRE", "EMPX", "INTL", "HIDX", "FPNB"),
        ),
        Reason(
            "NS-INFECTION",
            NS,
            N_(
                "You said there may be an infection at the sore spot. This treatment should not be "
                "used there until the infection is gone."
            ),
            therapist_text=(
                "Local infection reported: a contraindication in the device manuals. Dexamethasone is "
                "contraindicated in systemic fungal infection, and steroids can mask infection."
            ),
            headline=N_("Infection at the treatment site"),
            sources=("HIDX", "EMPX", "ZIMM", "INTL", "DEXL"),
        ),
        Reason(
            "NS-CANCER",
            NS,
            N_("You said there may be cancer near the sore spot. This treatment is not used near cancer."),
            therapist_text=(
                "Malignant or possibly malignant lesion at or near the site: the device manuals say not "
                "to apply current there."
            ),
            headline=N_("Cancer, or a possibly cancerous lesion, near the site"),
            sources=("EMPX", "ZIMM", "INTL", "HIDX", "FLA2"),
        ),
        Reason(
            "NS-CLOT",
            NS,
            N_(
                "You said you have a blood clot or a sore, swollen vein in that arm or leg. This "
                "treatment should not be used there right now."
            ),
            therapist_text=(
                "Thrombophlebitis or deep-vein thrombosis in the limb: the device should not be used "
                "there, because of the risk of embolism."
            ),
            headline=N_("Blood clot or inflamed vein in the limb"),
            sources=("DYNA", "RICH"),
        ),
        Reason(
            "NS-ESTIM-REACTION",
            NS,
            N_(
                "You had a bad reaction to an electrical treatment before. This treatment also uses "
                "electric current, so it is not a good choice for you."
            ),
            therapist_text=(
                "Known adverse reaction to electrical current: a contraindication in the device manuals, "
                "which also advise no further treatments after prolonged irritation or burns. Check the "
                "details: mild, short-lived redness is not an adverse reaction."
            ),
            headline=N_("Bad reaction to electrical treatment before"),
            sources=("CHAT", "DUPB", "ACTV"),
        ),
        Reason(
            "NS-EYE",
            NS,
            N_("This treatment is not used around the eyes."),
            therapist_text=("Orbital region: contraindicated in the device manual."),
            headline=N_("Treatment area around the eyes"),
            sources=("ACTV",),
        ),
        Reason(
            "NS-DRUG-ALLERGY",
            NS,
            N_(
                "You are allergic to the medicine planned for this treatment, so it should not be "
                "used. Your doctor and therapist may look at other choices."
            ),
            therapist_text=(
                "Known sensitivity to the drug to be given: a contraindication. The prescriber may choose "
                "another drug; re-screen."
            ),
            headline=N_("Allergy to the planned medicine"),
            sources=("CHAT", "ACTV", "FLA1", "QUIZ", "LIDE"),
        ),
        Reason(
            "NR-CONDITION",
            NR,
            N_("Your therapist will check whether this treatment fits your problem."),
            therapist_text=(
                "Indication not tendonitis, bursitis, arthritis or a calcium deposit: confirm the diagnosis and the drug."
            ),
            headline=N_("Condition not among the usual ones for iontophoresis"),
            sources=("VWMD", "CICC", "EORT"),
        ),
        Reason(
            "NR-DEPTH",
            NR,
            N_(
                "The medicine only reaches a short way under the skin. Your therapist will check "
                "whether it can reach your sore spot."
            ),
            therapist_text=(
                "Target may be deeper than about 1–1.3 cm: confirm by palpation or imaging. A limit of efficacy, not of safety."
            ),
            headline=N_("Sore spot may be too deep for the medicine to reach"),
            sources=("ANDE", "IPAT", "FLA3", "FLA2", "GURN"),
        ),
        Reason(
            "NR-MINOR",
            NR,
            N_(
                "Because you are under 18, your therapist and a parent or guardian need to talk "
                "about this treatment first."
            ),
            therapist_text=(
                "Minor. No physical-therapy device sets an age limit; the trials were in adults; the "
                "lidocaine iontophoresis patch is labelled from 5 years; one hyperhidrosis source says "
                "not under 6. Guardian consent."
            ),
            headline=N_("Patient under 18"),
            sources=("LIDS", "PEDI", "SGS", "DEXA"),
        ),
        Reason(
            "NR-VERY-ELDERLY",
            NR,
            N_(
                "Your therapist will check your skin and comfort before deciding, because this "
                "treatment can be harder on older skin."
            ),
            therapist_text=(
                "Age at or above the clinic's threshold: the clinic article cautions for the very "
                "elderly. Check skin integrity, sensation and ability to report burning."
            ),
            headline=N_("Very elderly patient"),
            sources=("JAUL", "OLD80"),
        ),
        Reason(
            "NR-DOB",
            NR,
            N_("Please check your date of birth. Your therapist will confirm it."),
            therapist_text=("Age could not be computed."),
            headline=N_("Date of birth to check"),
            sources=(),
        ),
        Reason(
            "NR-UNSURE",
            NR,
            N_(
                "You weren't sure about one or more safety questions. Your therapist will go over "
                "them with you."
            ),
            therapist_text=("Each unsure answer is a contraindication if confirmed."),
            headline=N_("Unsure about a safety question"),
            sources=(),
        ),
        Reason(
            "NR-REDUCED-FEELING",
            NR,
            N_(
                "Because the skin may have less feeling, your therapist will test it first. You "
                "need to be able to feel the treatment to stay safe."
            ),
            therapist_text=(
                "Impaired sensation: a contraindication in some sources, a caution in the "
                "physical-therapy device manuals. Sensory test before any treatment."
            ),
            headline=N_("Reduced feeling in the skin at the site"),
            sources=("HIDX", "SANO", "FPNB", "ZIMM", "DYNA", "INTL", "FLA2"),
        ),
        Reason(
            "NR-METAL",
            NR,
            N_("Because there may be metal near the sore spot, your therapist will plan where the pads go."),
            therapist_text=("Keep it out of the current path, or weigh the pros and cons."),
            headline=N_("Metal implant near the site"),
            sources=("HIDX", "SGS", "GALE", "FPNB", "FLA2", "SANO"),
        ),
        Reason(
            "NR-SKIN-SENSITIVE",
            NR,
            N_(
                "Because your skin can react easily, your therapist may use special pads or a "
                "gentler setting, or choose another treatment."
            ),
            therapist_text=(
                "Lower current and a longer time, with caution; hypo-allergenic electrodes for an adhesive allergy. May not suit sensitive skin."
            ),
            headline=N_("Sensitive skin or an allergy to adhesive"),
            sources=("DYNA", "IBRE"),
        ),
        Reason(
            "NR-MED-OTHER",
            NR,
            N_("Your therapist will check the medicine you were given."),
            therapist_text=(
                "Non-standard drug: confirm polarity, strength and its own label contraindications."
            ),
            headline=N_("Medicine other than the usual ones"),
            sources=("CICC",),
        ),
        Reason(
            "NR-ALLERGY",
            NR,
            N_(
                "You may be allergic to a medicine used in this treatment. Your therapist will "
                "check before choosing a medicine."
            ),
            therapist_text=(
                "Allergy to a candidate drug or excipient. Dexamethasone sodium phosphate 4 mg/mL "
                "products can contain sodium sulfite; lidocaine/epinephrine products can contain sodium "
                "metabisulfite; check the actual product. Dexamethasone and lidocaine are sometimes "
                "combined."
            ),
            headline=N_("Possible allergy to a medicine or an additive"),
            sources=("DEXL", "DEXS", "LIDS", "LIDE", "DALU"),
        ),
        Reason(
            "NR-HEART-SEIZURE",
            NR,
            N_("Because of your heart or seizure history, your therapist will check with you first."),
            therapist_text=(
                "Heart disease, arrhythmia or epilepsy: a caution in the device manuals, a contraindication in one. Keep the current path away from the chest."
            ),
            headline=N_("Heart problem or epilepsy"),
            sources=("HIDX", "SANO", "INTL", "FLA2"),
        ),
        Reason(
            "NR-BODY-AREA",
            NR,
            N_("For this part of the body, your therapist needs to plan carefully where the pads go."),
            therapist_text=(
                "Avoid across the temples or head, over the carotid sinus (front of the neck), and across "
                "the chest."
            ),
            headline=N_("Head, neck or chest: plan where the pads go"),
            sources=("ACTV", "DYNA", "EMPX", "ZIMM", "HIDX", "INTL", "CHAT"),
        ),
        Reason(
            "NR-ATTENDANCE",
            NR,
            N_(
                "This treatment needs several visits. Your therapist will talk with you about "
                "timing or other options."
            ),
            therapist_text=(
                "Typical course about 6 sessions in about 2 weeks: discuss the schedule or alternatives."
            ),
            headline=N_("May not manage several visits"),
            sources=("NIRS", "GUDE", "OSBO"),
        ),
        Reason(
            "NR-MISSING",
            NR,
            N_("Some questions were not answered. Your therapist will ask you about them."),
            therapist_text=("Incomplete form."),
            headline=N_("Questions not answered"),
            sources=(),
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
RETIRED_HEADLINE = N_("Reason from an earlier rules version")


def reason_for(code: str) -> Reason:
    """The reason for a stored code; a stand-in needing review for a code no longer in REASONS."""
    return REASONS.get(code) or Reason(
        code, Outcome.NEEDS_REVIEW, RETIRED_PATIENT_TEXT, RETIRED_THERAPIST_TEXT, RETIRED_HEADLINE
    )
