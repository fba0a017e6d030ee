"""The status look-up's form: the reference code and the date of birth, asked as a step page asks.

It is a StepForm over a page of its own, so the date of birth is the intake's three boxes with the
same checks and messages, and the page shows its questions, hints and errors the same way.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from screening.forms.steps import Step, StepForm
from screening.references import as_reference

STATUS_STEP = Step(
    "status", ("reference", "date_of_birth"), "status", _("Check the status of your screening")
)


class StatusForm(StepForm):
    error_messages = {
        **StepForm.error_messages,
        "reference_required": _("Enter your reference code"),
        "reference_invalid": _("Enter the reference code as it was given to you, like K7MQ-4XPD"),
    }

    def __init__(self, *args: Any, kiosk: bool = False, **kwargs: Any) -> None:
        super().__init__(STATUS_STEP, *args, kiosk=kiosk, **kwargs)
        field = forms.CharField(label=_("Your reference code"), max_length=20)
        field.help_text = _(
            "It has 8 letters and numbers, like K7MQ-4XPD. You got it when you sent your answers."
        )
        field.error_messages["required"] = self.error_messages["reference_required"]
        field.widget.attrs.update(
            {
                "class": "form-control reference-input",
                "autocomplete": "off",  # a code, not something a browser should remember
                "autocapitalize": "characters",
                "spellcheck": "false",
                "size": 10,
            }
        )
        self.fields = {"reference": field, **{k: v for k, v in self.fields.items() if k != "reference"}}

    def clean_reference(self) -> str:
        reference = as_reference(self.cleaned_data["reference"])
        if reference is None:
            raise self._error("reference_invalid")
        return reference

    def looked_up(self) -> tuple[str, date]:
        """The stored form of the reference, and the date of birth: what the look-up compares."""
        return self.cleaned_data["reference"], self.cleaned_data["date_of_birth"]
