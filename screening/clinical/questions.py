"""The patient questionnaire of shared/clinical.md section 3: codes, wording and options.

Pure Python, no Django imports: the rules read the codes, the intake form reads the wording.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum


def N_(text: str) -> str:
    """Marks a string for translation without translating it (makemessages --keyword=N_)."""
    return text


class Kind(StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    DATE = "date"


@dataclass(frozen=True)
class Option:
    code: str
    label: str


@dataclass(frozen=True)
class Question:
    code: str
    section: str
    text: str
    kind: Kind
    options: tuple[Option, ...] = ()
    help_text: str = ""

    @functools.cached_property  # read for every answer the rules parse
    def option_codes(self) -> frozenset[str]:
        return frozenset(o.code for o in self.options)


# In a multi-select these exclude every other option (clinical.md §3 conventions).
EXCLUSIVE_OPTIONS = frozenset({"none", "unsure"})

_YES = Option("yes", N_("Yes"))
_NO = Option("no", N_("No"))
_UNSURE = Option("unsure", N_("Not sure"))
_YES_NO_UNSURE = (_YES, _NO, _UNSURE)

SECTIONS = (
    ("about", N_("About you")),
    ("condition", N_("Your condition")),
    ("skin", N_("Your skin")),
    ("safety", N_("Safety questions")),
)

QUESTIONS: tuple[Question, ...] = (
    Question(
        "condition",
        "condition",
        N_("What problem is your therapist treating?"),
        Kind.SINGLE,
        (
            Option(
                "tendonitis",
                N_("Tendonitis (a sore tendon, like tennis elbow or heel pain)"),
            ),
            Option("bursitis", N_('Bursitis (a swollen, sore "cushion" near a joint)')),
            Option("arthritis", N_("Arthritis (a sore, swollen joint)")),
            Option(
                "calcium_deposit",
                N_("A calcium deposit (a hard bump, or seen on an X-ray)"),
            ),
            Option("other", N_("Something else")),
            _UNSURE,
        ),
    ),
    Question(
        "body_area",
        "condition",
        N_("Where is the sore spot?"),
        Kind.SINGLE,
        (
            Option("shoulder", N_("Shoulder")),
            Option("elbow", N_("Elbow")),
            Option("wrist_hand", N_("Wrist or hand")),
            Option("hip", N_("Hip")),
            Option("knee", N_("Knee")),
            Option("ankle_foot", N_("Ankle, foot or heel")),
            Option("back", N_("Back")),
            Option("neck", N_("Neck")),
            Option("chest", N_("Chest or ribs")),
            Option("head_face", N_("Head, face or jaw")),
            Option("eye_area", N_("Around the eye")),
            Option("other", N_("Somewhere else")),
        ),
    ),
    Question(
        "depth",
        "condition",
        N_("Press the sore spot with one finger. Which is most true?"),
        Kind.SINGLE,
        (
            Option(
                "just_under_skin",
                N_(
                    "Close to the skin: right under my finger I feel bone or a firm cord. Like the "
                    "elbow, wrist, heel or below the kneecap."
                ),
            ),
            Option(
                "deep",
                N_(
                    "Deep inside: lots of muscle or fat on top, or I can't press on it. Like deep in "
                    "the hip, buttock or thigh."
                ),
            ),
            _UNSURE,
        ),
        N_("This treatment reaches only about 1.3 cm (half an inch) deep."),
    ),
    Question(
        "date_of_birth",
        "about",
        N_("What is your date of birth?"),
        Kind.DATE,
        help_text=N_("For example, 27 3 1950"),
    ),
    Question(
        "has_implanted_electronic_device",
        "safety",
        N_("Do you have a device inside your body that runs on a battery or electricity?"),
        Kind.SINGLE,
        _YES_NO_UNSURE,
        N_(
            "Like a pacemaker or defibrillator (ICD). Or a nerve or brain stimulator, cochlear "
            "implant, or medicine pump under the skin."
        ),
    ),
    Question(
        "pregnant",
        "safety",
        N_("Are you pregnant, or could you be pregnant?"),
        Kind.SINGLE,
        _YES_NO_UNSURE,
    ),
    Question(
        "skin_problem_at_site",
        "skin",
        N_("Look at the skin on and around the sore spot. What do you see?"),
        Kind.MULTI,
        (
            Option("open_wound", N_("A cut, scrape, blister or open sore")),
            Option(
                "rash_or_irritation",
                N_("A rash, eczema flare, acne, sunburn, or red, itchy or peeling skin"),
            ),
            Option(
                "recent_scar",
                N_("A new scar, still healing (pink, red or tender)"),
            ),
            Option("none", N_("None, it looks normal")),
            Option("unsure", N_("Not sure, or can't see it")),
        ),
        N_("Choose all that apply."),
    ),
    Question(
        "infection_at_site",
        "safety",
        N_(
            "Has a doctor or nurse found an infection in or near the sore spot? Or is there pus, "
            "spreading redness or a fever?"
        ),
        Kind.SINGLE,
        _YES_NO_UNSURE,
    ),
    Question(
        "cancer_at_site",
        "safety",
        N_("Do you have cancer in or near the sore spot? Or has a doctor said a lump there might be cancer?"),
        Kind.SINGLE,
        _YES_NO_UNSURE,
    ),
    Question(
        "blood_clot_at_site",
        "safety",
        N_(
            "Is there a blood clot (DVT) or a swollen, painful vein in the arm or leg with the sore spot now?"
        ),
        Kind.SINGLE,
        _YES_NO_UNSURE,
    ),
    Question(
        "reduced_feeling_at_site",
        "skin",
        N_(
            "Is the skin around the sore spot numb, or does it feel touch, heat or cold less than "
            "the other side?"
        ),
        Kind.SINGLE,
        _YES_NO_UNSURE,
        N_("Diabetes or a nerve injury can cause this."),
    ),
    Question(
        "metal_near_site",
        "safety",
        N_("Is there metal inside your body in or near the sore spot?"),
        Kind.SINGLE,
        _YES_NO_UNSURE,
        N_("Like a joint replacement, plates, screws, pins, wires, or metal bits from an injury."),
    ),
    Question(
        "skin_sensitivity",
        "skin",
        N_("Does your skin react easily?"),
        Kind.MULTI,
        (
            Option(
                "tape_or_adhesive",
                N_("Tape, bandages or sticky pads give me a rash or itch"),
            ),
            Option("eczema_or_psoriasis", N_("Eczema or psoriasis")),
            Option("sensitive_skin", N_("My skin is very sensitive or goes red easily")),
            Option("none", N_("None")),
            _UNSURE,
        ),
        N_("Choose all that apply."),
    ),
    Question(
        "prescribed_medication",
        "condition",
        N_("Have you been told which medicine will be used?"),
        Kind.SINGLE,
        (
            Option("dexamethasone", N_("Dexamethasone (a steroid)")),
            Option("lidocaine", N_("Lidocaine (numbing medicine)")),
            Option("acetic_acid", N_("Acetic acid (for calcium deposits)")),
            Option("other", N_("Another medicine")),
            Option("dont_know", N_("I don't know yet")),
        ),
    ),
    Question(
        "medicine_allergies",
        "safety",
        N_("Have you ever had an allergy or bad reaction to any of these?"),
        Kind.MULTI,
        (
            Option(
                "steroid",
                N_(
                    "Steroids, like dexamethasone, cortisone, hydrocortisone or prednisone (pills, "
                    "shots or creams)"
                ),
            ),
            Option(
                "numbing",
                N_("Numbing medicine, like lidocaine, Novocain or a dentist's numbing shot"),
            ),
            Option("sulfite", N_("Sulfites (in some wines, dried fruit and medicines)")),
            Option("aspirin", N_("Aspirin or other salicylates")),
            Option("none", N_("None")),
            _UNSURE,
        ),
        N_("Choose all that apply."),
    ),
    Question(
        "electrical_therapy_reaction",
        "safety",
        N_(
            "Has electric current on your skin ever given you a burn, blister, bad rash, or made you "
            "feel faint?"
        ),
        Kind.SINGLE,
        (_YES, _NO, Option("never_had", N_("I never had this treatment")), _UNSURE),
        N_("Like TENS, muscle stimulation or iontophoresis."),
    ),
    Question(
        "heart_or_seizure_condition",
        "safety",
        N_(
            "Is your heartbeat irregular, or do you have another serious heart problem? Or seizures (epilepsy)?"
        ),
        Kind.SINGLE,
        _YES_NO_UNSURE,
    ),
    Question(
        "can_attend_sessions",
        "condition",
        N_("Can you come to about 6 short visits over 2 to 3 weeks?"),
        Kind.SINGLE,
        _YES_NO_UNSURE,
    ),
)

QUESTIONS_BY_CODE: dict[str, Question] = {q.code: q for q in QUESTIONS}


def option_labels(question_code: str, value: object) -> list[str]:
    """The patient's wording for a stored answer: option labels, a date as stored, [] if unanswered."""
    question = QUESTIONS_BY_CODE[question_code]
    given = value if isinstance(value, list | tuple) else [] if value in (None, "") else [value]
    labels = {o.code: o.label for o in question.options}
    return [labels.get(str(code), str(code)) for code in given]
