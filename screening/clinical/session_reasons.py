"""What the patient and the therapist read for each reason a check-in gives (treatment-course.md §2).

Pure Python, no Django imports. Same Reason shape as the screening reasons: a contraindication is a
NOT_SUITABLE reason (the session's "do not treat"), a precaution a NEEDS_REVIEW one ("therapist must
clear"). Patient texts are marked with N_() for translation; therapist texts stay in English.
"""

from __future__ import annotations

from screening.clinical.questions import N_
from screening.clinical.reasons import Outcome, Reason

NS, NR = Outcome.NOT_SUITABLE, Outcome.NEEDS_REVIEW

SESSION_REASONS: dict[str, Reason] = {
    r.code: r
    for r in (
        Reason(
            "CI-SESSION-BURN",
            NS,
            N_(
                "You had a blister or a burn where the pads were. We will not treat you today. "
                "A doctor needs to look at it before any more treatment."
            ),
            therapist_text=(
                "Burn or blister after the last session: do not treat; no further sessions until a "
                "physician is consulted. Record the adverse event."
            ),
            headline=N_("Burn or blister after the last session"),
            sources=("ACTV", "IBRE"),
        ),
        Reason(
            "CI-COURSE-SUSPENDED",
            NS,
            N_("Your treatment is on hold until a doctor has seen the skin reaction from an earlier visit."),
            therapist_text=(
                "Course suspended after a burn or blister: record the physician consult before any "
                "further session."
            ),
            headline=N_("Course on hold after a burn or blister"),
            sources=("ACTV",),
        ),
        Reason(
            "CI-SKIN-TODAY",
            NS,
            N_(
                "The skin where the pads go is broken, sunburnt or newly scarred today. We will not "
                "treat that skin today."
            ),
            therapist_text=(
                "Broken, sunburnt or newly scarred skin at the electrode site today: do not apply. "
                "Re-check after healing or move the electrodes."
            ),
            headline=N_("Broken, sunburnt or newly scarred skin today"),
            sources=("ACTV", "CHAT", "IBRE"),
        ),
        Reason(
            "NR-SESSION-BURN-SEEN",
            NR,
            N_("Your therapist will check the skin where you had a reaction before treating you again."),
            therapist_text=(
                "Burn or blister after the last session, and a physician was consulted since: inspect the "
                "site and record the physician's advice before going ahead."
            ),
            headline=N_("Burn or blister before, physician since consulted"),
            sources=("ACTV",),
        ),
        Reason(
            "NR-SESSION-SKIN-REACTION",
            NR,
            N_("Your therapist will look at your skin from the last visit before treating you."),
            therapist_text=(
                "Redness over 24 h, rash or itching (or unsure) after the last session: inspect the site; "
                "consider lower current, a longer time or moving the electrodes."
            ),
            headline=N_("Skin reaction after the last session"),
            sources=("ACTV", "DYNA", "IBRE"),
        ),
        Reason(
            "NR-SESSION-FEELING",
            NR,
            N_(
                "Because the skin may feel less than before, your therapist will test it first. You "
                "need to be able to feel the treatment to stay safe."
            ),
            therapist_text=(
                "New or unsure reduced sensation at the site: sensory test before treatment; most "
                "reported burns were over numb skin."
            ),
            headline=N_("New or unsure reduced feeling at the site"),
            sources=("DYNA", "BURN"),
        ),
        Reason(
            "NR-SESSION-MEDICINE",
            NR,
            N_("Your therapist will check your medicine before the treatment."),
            therapist_text=(
                "Medicine changed or a new allergy (or unsure): check the prescription and the package "
                "insert before treating."
            ),
            headline=N_("Medicine changed or a new allergy"),
            sources=("ACTV",),
        ),
        Reason(
            "NR-SESSION-METAL",
            NR,
            N_("Please take off any jewellery or metal where the pads go before the treatment."),
            therapist_text=("Metal on the site: remove it before treatment."),
            headline=N_("Metal on the treatment site"),
            sources=("ACTV", "IBRE"),
        ),
        Reason(
            "NR-SESSION-UNSURE",
            NR,
            N_("You weren't sure about one or more questions. Your therapist will go over them with you."),
            therapist_text=(
                "Check-in safety item unresolved (skin today or a new safety change): each is a "
                "contraindication if confirmed."
            ),
            headline=N_("Unsure about a check-in question"),
            sources=(),
        ),
        Reason(
            "NR-SESSION-MISSING",
            NR,
            N_("Some questions were not answered. Your therapist will ask you about them."),
            therapist_text=("Incomplete check-in."),
            headline=N_("Check-in questions not answered"),
            sources=(),
        ),
        Reason(
            "NR-SESSION-ACCEPTED-CI",
            NR,
            N_("Your therapist will confirm with you that the treatment can go ahead today."),
            therapist_text=(
                "A contraindication accepted at booking still applies: confirm again, with a note, at "
                "every session."
            ),
            headline=N_("Contraindication accepted at booking"),
            sources=(),
        ),
    )
}

GO_PATIENT_TEXT = N_(
    "Thank you. Nothing in your answers stops today's treatment. Your therapist will check too."
)
GO_THERAPIST_TEXT = (
    "No new contraindication or precaution since booking. Check skin and sensation before applying."
)
