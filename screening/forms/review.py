"""The therapist's forms: the queue filter, a decision, and erasure on request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from screening.models import DecisionChoice, Outcome, as_reference, is_override
from screening.queue import DecisionStatus, ReviewFilter

if TYPE_CHECKING:
    from screening.models import Decision, Submission


class ReviewFilterForm(forms.Form):
    """The queue's filter. It is posted and kept in the session, so a searched name never enters a URL."""

    error_messages = {"date_range": _("The first date must not be after the second.")}

    outcome = forms.ChoiceField(
        label=_("Automated outcome"), choices=[("", _("Any outcome")), *Outcome.choices], required=False
    )
    status = forms.ChoiceField(label=_("Decision"), choices=DecisionStatus.choices, required=False)
    submitted_from = forms.DateField(
        label=_("Sent on or after"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    submitted_to = forms.DateField(
        label=_("Sent on or before"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    search = forms.CharField(
        label=_("Patient name or reference"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if start and end and start > end:
            self.add_error(
                "submitted_to", ValidationError(self.error_messages["date_range"], code="date_range")
            )
        return cleaned

    def review_filter(self) -> ReviewFilter:
        """The filter this form describes; the default (undecided, newest first) if it is not valid."""
        if not self.is_bound or not self.is_valid():
            return ReviewFilter()
        data = self.cleaned_data
        return ReviewFilter(
            outcome=data["outcome"],
            status=data["status"] or DecisionStatus.UNDECIDED,
            submitted_from=data["submitted_from"],
            submitted_to=data["submitted_to"],
            search=data["search"].strip(),
        )

    def session_data(self) -> dict[str, str]:
        """The posted values, as plain strings that the session can store and the form can read back."""
        return {name: str(self.data.get(name, "")) for name in self.fields}


class DecisionForm(forms.Form):
    """A therapist's decision on one submission, with the latest decision they saw when the page opened."""

    error_messages = {
        "note_required": _(
            "This decision goes against the automated outcome: please say why in the note, so the clinic "
            "can learn from it."
        ),
        "decided_meanwhile": _(
            "Someone else recorded a decision while you had this page open (shown below). Your decision "
            "was not saved. Please check it and send it again."
        ),
    }

    choice = forms.ChoiceField(
        label=_("Your decision"), choices=DecisionChoice.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when you book a patient the rules found likely not suitable, or turn down one "
            "they found likely suitable."
        ),
    )
    # The id of the latest decision when the page was opened: saving checks it is still the latest.
    seen_decision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, submission: Submission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.submission = submission
        self.fields["seen_decision"].initial = submission.latest_decision_id

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        choice = cleaned.get("choice")
        if choice and is_override(choice, self.submission.outcome) and not cleaned.get("note", "").strip():
            self.add_error(
                "note", ValidationError(self.error_messages["note_required"], code="note_required")
            )
        return cleaned

    def decided_meanwhile(self, latest: Decision | None) -> None:
        """Asks again: the error above the form, and the newer decision as the one now seen."""
        self.data = self.data.copy()
        self.data["seen_decision"] = str(latest.pk) if latest else ""
        self.add_error(
            None, ValidationError(self.error_messages["decided_meanwhile"], code="decided_meanwhile")
        )


class EraseForm(forms.Form):
    """Erasing cannot be undone, so it is never one click: the therapist types the reference again."""

    error_messages = {
        "wrong_reference": _("Nothing was erased: the reference typed was not %(reference)s."),
    }

    reference = forms.CharField(
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, submission: Submission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.submission = submission
        self.fields["reference"].label = _("Type %(reference)s to confirm") % {
            "reference": submission.reference
        }

    def clean_reference(self) -> str:
        typed = self.cleaned_data["reference"]
        if as_reference(typed) != self.submission.reference:
            raise ValidationError(
                self.error_messages["wrong_reference"],
                code="wrong_reference",
                params={"reference": self.submission.reference},
            )
        return typed
