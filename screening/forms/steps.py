"""The questionnaire one topic per page: the pages, and the form that checks one page.

Each page's form validates only its own fields; the answers of every page are joined into the
one-page `IntakeForm` at "Send", so the steps and the one-page POST store exactly the same thing.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from screening.clinical import branching, questions
from screening.forms.intake import _PHONE_RE, IntakeForm

DOB_PARTS = ("day", "month", "year")
DOB_FIELDS = tuple(f"date_of_birth_{part}" for part in DOB_PARTS)


@dataclass(frozen=True)
class Step:
    slug: str  # in the URL: names the topic, never an answer
    fields: tuple[str, ...]  # question codes, or contact field names
    section: str  # its group on the "Check your answers" page: the steps of a group follow each other
    title: Promise | None = None  # the page heading when it asks more than one question

    @property
    def question_codes(self) -> tuple[str, ...]:
        return tuple(f for f in self.fields if f in questions.QUESTIONS_BY_CODE)


def _one(code: str, slug: str, section: str) -> Step:
    return Step(slug, (code,), section)


# One topic per page, at most four questions, most pages one (issue 10). The order is the one of
# clinical.md §3 where it reads naturally, with the contact details last: patients answer about
# themselves before they are asked how to be reached.
STEPS: tuple[Step, ...] = (
    Step("name", ("first_name", "last_name"), "about", _("What is your name?")),
    _one("date_of_birth", "date-of-birth", "about"),
    _one("condition", "condition", "condition"),
    _one("body_area", "sore-spot", "condition"),
    _one("depth", "depth", "condition"),
    _one("has_implanted_electronic_device", "device", "safety"),
    _one("pregnant", "pregnancy", "safety"),
    _one("skin_problem_at_site", "skin", "safety"),
    Step(
        "health-at-the-sore-spot",
        ("infection_at_site", "cancer_at_site", "blood_clot_at_site"),
        "safety",
        _("Your sore spot"),
    ),
    Step(
        "feeling-and-metal",
        ("reduced_feeling_at_site", "metal_near_site"),
        "safety",
        _("Near the sore spot"),
    ),
    _one("skin_sensitivity", "skin-reactions", "safety"),
    _one("prescribed_medication", "medicine", "safety"),
    _one("medicine_allergies", "allergies", "safety"),
    _one("electrical_therapy_reaction", "electrical-treatment", "safety"),
    _one("heart_or_seizure_condition", "heart", "safety"),
    _one("can_attend_sessions", "visits", "visits"),
    Step("contact", ("phone", "email"), "contact", _("How can we contact you?")),
)
STEPS_BY_SLUG = {s.slug: s for s in STEPS}
SECTION_TITLES = {
    # questions.py only marks its section labels (N_): translated here, when a page shows them.
    **{key: _(label) for key, label in questions.SECTIONS},
    "visits": _("Your visits"),
    "contact": _("How we contact you"),
}


def applicable_steps(answers: Mapping[str, object]) -> tuple[Step, ...]:
    """The pages this patient is shown: a page with questions only while one of them applies."""
    applicable = branching.applicable_questions(answers)
    return tuple(s for s in STEPS if not s.question_codes or set(s.question_codes) & applicable)


# What to do when a question is left unanswered, naming its topic (GOV.UK: "Select yes if ...").
# Shown above the answers and in the summary; the answers themselves offer "I'm not sure".
QUESTION_ERRORS = {
    "condition": _("Select the problem your therapist is treating"),
    "body_area": _("Select where the sore spot is"),
    "depth": _("Select what you feel when you press on the sore spot"),
    "has_implanted_electronic_device": _(
        "Select yes if you have a device inside your body that runs on a battery or electricity"
    ),
    "pregnant": _("Select yes if you are pregnant or could be pregnant"),
    "skin_problem_at_site": _("Select what the skin at the sore spot looks like"),
    "infection_at_site": _("Select yes if you may have an infection at the sore spot"),
    "cancer_at_site": _("Select yes if you may have cancer near the sore spot"),
    "blood_clot_at_site": _("Select yes if you have a blood clot or a sore, swollen vein in that arm or leg"),
    "reduced_feeling_at_site": _("Select yes if the skin at the sore spot feels numb or feels less"),
    "metal_near_site": _("Select yes if there is metal inside your body near the sore spot"),
    "skin_sensitivity": _("Select how your skin reacts, or “None”"),
    "prescribed_medication": _("Select the medicine, or “I don't know yet”"),
    "medicine_allergies": _("Select each medicine you reacted to, or “None”"),
    "electrical_therapy_reaction": _(
        "Select yes if you had a bad reaction to a treatment with electric current"
    ),
    "heart_or_seizure_condition": _("Select yes if you have a heart problem or seizures"),
    "can_attend_sessions": _("Select yes if you can come to about 6 visits"),
}


def _question_field(q: questions.Question) -> forms.Field:
    choices = [(o.code, _(o.label)) for o in q.options]
    required = QUESTION_ERRORS[q.code]
    if q.kind is questions.Kind.SINGLE:
        field: forms.Field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect)
    else:
        field = forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple)
    field.label = _(q.text)
    field.help_text = _(q.help_text) if q.help_text else ""
    field.error_messages["required"] = required
    field.error_messages["invalid_choice"] = required
    field.error_messages["invalid_list"] = required
    return field


def _dob_part(part: str) -> forms.CharField:
    labels = {"day": _("Day"), "month": _("Month"), "year": _("Year")}
    width = 4 if part == "year" else 2
    return forms.CharField(
        label=labels[part],
        required=False,
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": f"bday-{part}",
                "class": f"form-control dob-{part}",
                "size": width,
                "spellcheck": "false",
            }
        ),
    )


class StepForm(forms.Form):
    """One page of the questionnaire: its own fields and their checks, nothing of any other page."""

    error_messages = {
        **IntakeForm.error_messages,
        "first_name_required": _("Enter your first name"),
        "last_name_required": _("Enter your last name"),
        "dob_required": _("Enter your date of birth"),
        "dob_part_missing": _("Date of birth must include a %(part)s"),
        "dob_not_real": _("Date of birth must be a real date, for example 27 3 1950"),
        "email_invalid": _("Enter an e-mail address like name@example.com"),
    }

    def __init__(
        self,
        step: Step,
        *args: Any,
        answers: Mapping[str, object] | None = None,
        planned_medicine: str = "",
        kiosk: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        self.answers = answers or {}
        self.planned_medicine = planned_medicine
        for name in step.fields:
            if name == "date_of_birth":
                for part, field_name in zip(DOB_PARTS, DOB_FIELDS, strict=True):
                    self.fields[field_name] = _dob_part(part)
            elif name in questions.QUESTIONS_BY_CODE:
                self.fields[name] = _question_field(questions.QUESTIONS_BY_CODE[name])
            else:
                self.fields[name] = _contact_field(name)
        if kiosk:
            # A front-desk tablet must not offer the next patient this one's name, birthday or phone.
            for field in self.fields.values():
                if "autocomplete" in field.widget.attrs:
                    field.widget.attrs["autocomplete"] = "off"

    @property
    def single(self) -> bool:
        """True when the page asks one question, whose text is then the page heading."""
        return len(self.step.fields) == 1

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "date_of_birth" in self.step.fields:
            self._clean_date_of_birth(cleaned)
        for code in self.step.question_codes:
            self._refuse_exclusive_with_others(code, cleaned.get(code))
        if "phone" in self.fields:
            reachable = cleaned.get("phone") or cleaned.get("email")
            if not reachable and not self.has_error("phone") and not self.has_error("email"):
                self.add_error("phone", self._error("contact_required"))
        return cleaned

    def _error(self, code: str, **params: object) -> ValidationError:
        return ValidationError(self.error_messages[code], code=code, params=params or None)

    def _clean_date_of_birth(self, cleaned: dict[str, Any]) -> None:
        parts = {part: (cleaned.get(f"date_of_birth_{part}") or "").strip() for part in DOB_PARTS}
        if not any(parts.values()):
            self.add_error("date_of_birth_day", self._error("dob_required"))
            return
        part_names = {"day": _("day"), "month": _("month"), "year": _("year")}
        for part in DOB_PARTS:
            if not parts[part]:
                self.add_error(
                    f"date_of_birth_{part}", self._error("dob_part_missing", part=part_names[part])
                )
                return
        try:
            if not all(p.isdigit() and p.isascii() for p in parts.values()) or len(parts["year"]) != 4:
                raise ValueError
            dob = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            self.add_error("date_of_birth_day", self._error("dob_not_real"))
            return
        if dob > timezone.localdate():
            self.add_error("date_of_birth_day", self._error("dob_future"))
        elif dob.year < 1900:
            self.add_error("date_of_birth_year", self._error("dob_too_early"))
        else:
            cleaned["date_of_birth"] = dob

    def _refuse_exclusive_with_others(self, code: str, chosen: object) -> None:
        q = questions.QUESTIONS_BY_CODE[code]
        if q.kind is not questions.Kind.MULTI or not isinstance(chosen, list) or len(chosen) < 2:
            return
        for option in q.options:
            if option.code in questions.EXCLUSIVE_OPTIONS and option.code in chosen:
                self.add_error(code, self._error("exclusive_option", option=_(option.label)))
                return

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not _PHONE_RE.match(phone):
            raise self._error("phone_invalid")
        return phone

    def values(self) -> dict[str, object]:
        """This page's answers in the stored shape: codes, a sorted list, an ISO date, stripped text."""
        out: dict[str, object] = {}
        for name in self.step.fields:
            value = self.cleaned_data[name]
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, list):
                value = sorted(value)
            elif isinstance(value, str):
                value = value.strip()
            out[name] = value
        return out

    def rows(self) -> list[dict[str, Any]]:
        """What the template shows for each question: its field(s), hint and errors, and their ids.

        The hint and the error sit before the answers and are named by aria-describedby: on the
        fieldset of a choice or of the date of birth, on the box of a text field.
        """
        rows = []
        for name in self.step.fields:
            if name == "date_of_birth":
                q = questions.QUESTIONS_BY_CODE[name]
                parts = [self[f] for f in DOB_FIELDS]
                rows.append(self._row(name, "date", _(q.text), _(q.help_text), parts))
                continue
            bound = self[name]
            multiple = isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
            hint: object = bound.help_text
            if name == "medicine_allergies" and self.planned_medicine:
                # This page's branching: it names the medicine the patient said is planned.
                planned = _("Your planned medicine: %(medicine)s.") % {"medicine": self.planned_medicine}
                hint = format_lazy("{} {}", planned, hint)
            rows.append(self._row(name, "choice" if multiple else "text", bound.label, hint, [bound]))
        return rows

    def _row(self, name: str, kind: str, label: object, hint: object, fields: list[Any]) -> dict[str, Any]:
        errors = [e for f in fields for e in f.errors]
        ids = [f"{name}-hint"] if hint else []
        ids += [f"{name}-error"] if errors else []
        describedby = " ".join(ids)
        if kind == "text":
            fields[0].field.widget.attrs.pop("aria-describedby", None)
            if describedby:
                fields[0].field.widget.attrs["aria-describedby"] = describedby
            if errors:
                fields[0].field.widget.attrs["aria-invalid"] = "true"
        for part in fields if kind == "date" else ():
            # Django would point each box at an "<id>_error" element this page does not have.
            part.field.widget.attrs["aria-describedby"] = describedby
            if part.errors:
                part.field.widget.attrs["aria-invalid"] = "true"
        return {
            "name": name,
            "kind": kind,
            "label": label,
            "hint": hint,
            "errors": errors,
            "describedby": describedby,
            "fields": fields,
            "multiple": kind == "choice" and isinstance(fields[0].field.widget, forms.CheckboxSelectMultiple),
        }

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor id, message) for the summary at the top, in the order of the page."""
        summary = []
        for name, field in self.fields.items():
            bound = self[name]
            anchor = f"{bound.auto_id}_0" if isinstance(field.widget, forms.RadioSelect) else bound.auto_id
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                anchor = f"{bound.auto_id}_0"
            summary.extend((anchor, str(message)) for message in self.errors.get(name, []))
        return summary


def _contact_field(name: str) -> forms.Field:
    if name == "first_name":
        field: forms.Field = forms.CharField(label=_("First name"), max_length=100)
        field.widget.attrs.update(autocomplete="given-name", spellcheck="false")
        field.error_messages["required"] = StepForm.error_messages["first_name_required"]
    elif name == "last_name":
        field = forms.CharField(label=_("Last name"), max_length=100)
        field.widget.attrs.update(autocomplete="family-name", spellcheck="false")
        field.error_messages["required"] = StepForm.error_messages["last_name_required"]
    elif name == "phone":
        field = forms.CharField(label=_("Phone"), max_length=30, required=False)
        field.widget.attrs.update(autocomplete="tel", inputmode="tel", type="tel")
        field.widget.input_type = "tel"
        field.help_text = _("We need a phone number or e-mail.")
    else:
        field = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
        field.widget.attrs.update(autocomplete="email", inputmode="email", spellcheck="false")
        field.error_messages["invalid"] = StepForm.error_messages["email_invalid"]
    field.widget.attrs["class"] = "form-control"
    return field


def initial_for(step: Step, answers: Mapping[str, object]) -> dict[str, object]:
    """What the page shows for answers given before: the date of birth split into its three boxes."""
    initial: dict[str, object] = {}
    for name in step.fields:
        value = answers.get(name)
        if value in (None, "", []):
            continue
        if name == "date_of_birth":
            born = date.fromisoformat(str(value))
            initial.update(zip(DOB_FIELDS, (str(born.day), str(born.month), str(born.year)), strict=True))
        else:
            initial[name] = value
    return initial


@functools.cache
def step_index(slug: str) -> int:
    return [s.slug for s in STEPS].index(slug)
