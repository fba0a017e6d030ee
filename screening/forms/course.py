"""The treatment course's forms: opening a course, the check-in, the session note, amendments,
adverse events, the physician consult and closing. They validate and adapt; the rules decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from screening.clinical import questions, session_rules
from screening.models import AdverseEvent, Amendment, Course, SessionNote
from screening.services.courses import COURSE_FIELDS

_DATE = {"type": "date"}
_DATETIME = {"type": "datetime-local"}


class CourseOpenForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = COURSE_FIELDS
        widgets = {
            "prescription_date": forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
            "payer_context": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"payer_context": _("Coverage varies; never assume a session is paid.")}


def _checkin_field(q: questions.Question) -> forms.Field:
    choices = [(o.code, _(o.label)) for o in q.options]
    help_text = _(q.help_text) if q.help_text else ""
    if q.kind is questions.Kind.MULTI:
        return forms.MultipleChoiceField(
            label=_(q.text), help_text=help_text, choices=choices, widget=forms.CheckboxSelectMultiple
        )
    return forms.ChoiceField(label=_(q.text), help_text=help_text, choices=choices, widget=forms.RadioSelect)


class CheckInForm(forms.Form):
    """The check-in questions of treatment-course.md §2; the first session does not ask about a last one."""

    error_messages = {
        "exclusive_option": _("“%(option)s” cannot be chosen together with another answer."),
        "required": _("Please answer this question."),
    }

    def __init__(self, *args: Any, first_session: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for q in session_rules.CHECKIN_QUESTIONS:
            if not (first_session and q.code in session_rules.FIRST_SESSION_SKIPS):
                self.fields[q.code] = _checkin_field(q)
                self.fields[q.code].error_messages["required"] = self.error_messages["required"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for q in session_rules.CHECKIN_QUESTIONS:
            chosen = cleaned.get(q.code)
            if q.kind is questions.Kind.MULTI and chosen and len(chosen) > 1:
                for option in q.options:
                    if option.code in questions.EXCLUSIVE_OPTIONS and option.code in chosen:
                        error = ValidationError(
                            self.error_messages["exclusive_option"],
                            code="exclusive_option",
                            params={"option": _(option.label)},
                        )
                        self.add_error(q.code, error)
                        break
        return cleaned

    def to_answers(self) -> dict[str, object]:
        """The check-in in the stored shape: question code -> answer code(s)."""
        return {
            name: sorted(value) if isinstance(value, list) else value
            for name, value in self.cleaned_data.items()
        }


class CheckInCodeForm(forms.Form):
    error_messages = {
        "unknown": _(
            "This code does not open a check-in. It may have been used already or be too old. "
            "Please ask your therapist for a new one."
        )
    }

    code = forms.CharField(
        label=_("Check-in code"),
        help_text=_("Your therapist gives you this code. It looks like ABCDE-12345."),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


NOTE_FIELDS = (
    "session_date",
    "clinician_credentials",
    "clearance_note",
    "beyond_plan_note",
    "skin_intact",
    "sensation_tested",
    "site_prepared",
    "patient_informed",
    "device",
    "electrode_lot",
    "drug_volume_ml",
    "polarity",
    "placement",
    "current_ma",
    "planned_dose",
    "delivered_dose",
    "override_note",
    "interruptions",
    "patch",
    "patch_applied_at",
    "patch_removed_at",
    "skin_result",
    "aftercare_given",
    "pain_before",
    "pain_after",
    "function_words",
    "started_at",
    "stopped_at",
    "constant_attendance",
)
# The sections of the note's form, as treatment-course.md §3 groups them.
NOTE_SECTIONS = (
    (_("Before"), ("clearance_note", "beyond_plan_note", "skin_intact", "sensation_tested", "site_prepared", "patient_informed")),
    (_("Set-up"), ("device", "electrode_lot", "drug_volume_ml", "polarity", "placement")),
    (_("Dose"), ("current_ma", "planned_dose", "delivered_dose", "override_note", "interruptions")),
    (_("Patch (wearable only)"), ("patch", "patch_applied_at", "patch_removed_at")),
    (_("After"), ("skin_result", "aftercare_given", "pain_before", "pain_after", "function_words")),
    (_("Billing"), ("session_date", "clinician_credentials", "started_at", "stopped_at", "constant_attendance")),
)  # fmt: skip


class SessionNoteForm(forms.ModelForm):
    class Meta:
        model = SessionNote
        fields = NOTE_FIELDS
        widgets = {
            "session_date": forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
            **{
                name: forms.DateTimeInput(attrs=_DATETIME, format="%Y-%m-%dT%H:%M")
                for name in ("started_at", "stopped_at", "patch_applied_at", "patch_removed_at")
            },
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in (
                    "clearance_note",
                    "beyond_plan_note",
                    "override_note",
                    "interruptions",
                    "function_words",
                )
            },
        }

    error_messages = {
        "current_not_positive": _("The current must be more than 0 mA."),
        "stop_before_start": _("The stop time must be after the start time."),
    }

    def clean_current_ma(self) -> Decimal | None:
        # Said here, beside the field, before the database's own check would say it less plainly.
        current = self.cleaned_data.get("current_ma")
        if current is not None and current <= 0:
            raise ValidationError(self.error_messages["current_not_positive"], code="current_not_positive")
        return current

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, stop = cleaned.get("started_at"), cleaned.get("stopped_at")
        if start and stop and stop <= start:
            self.add_error(
                "stopped_at",
                ValidationError(self.error_messages["stop_before_start"], code="stop_before_start"),
            )
        return cleaned

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (title, [self[name] for name in names if name in self.fields]) for title, names in NOTE_SECTIONS
        ]

    def ask_only_what_applies(self, *, needs_clearance: bool, beyond_plan: bool) -> None:
        """Drops the clearance and beyond-plan notes where the session needs neither."""
        if not needs_clearance:
            del self.fields["clearance_note"]
        if not beyond_plan:
            del self.fields["beyond_plan_note"]

    def add_service_errors(self, error: ValidationError) -> None:
        """The service's refusal, each message beside its field (or above the form)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class AmendmentForm(forms.ModelForm):
    class Meta:
        model = Amendment
        fields = ("reason", "text")
        widgets = {"reason": forms.Textarea(attrs={"rows": 2}), "text": forms.Textarea(attrs={"rows": 3})}


class AdverseEventForm(forms.ModelForm):
    class Meta:
        model = AdverseEvent
        fields = ("kind", "occurred_on", "size_and_site", "action_taken", "suspends")
        widgets = {
            "occurred_on": forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
            "action_taken": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "suspends": _("Always on for burns and blisters, until a physician consult is recorded.")
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # A burn or blister suspends the course whatever the box says (the database insists too).
        if cleaned.get("kind") in AdverseEvent.SUSPENDING:
            cleaned["suspends"] = True
        return cleaned


class ConsultForm(forms.Form):
    consulted_at = forms.DateTimeField(
        label=_("Physician consulted at"),
        widget=forms.DateTimeInput(attrs=_DATETIME, format="%Y-%m-%dT%H:%M"),
    )
    physician = forms.CharField(label=_("Physician"), max_length=200)
    advice = forms.CharField(
        label=_("Physician's advice"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CourseCloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("How the course ended"),
        choices=[c for c in Course.Status.choices if c[0] != Course.Status.OPEN],
    )
    reason = forms.CharField(
        label=_("Reason (needed when stopped)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
