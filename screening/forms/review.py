"""The therapist's forms: the queue filter, a decision, and erasure on request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from screening import duplicates
from screening.models import DecisionChoice, Outcome, as_reference, is_override
from screening.queue import DecisionStatus, QueueSort, ReviewFilter

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
    # Posted on its own by the sort control beside the table; the view keeps the rest of the filter.
    sort = forms.ChoiceField(
        label=_("Sort"),
        choices=QueueSort.choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
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
            sort=data["sort"],
        )

    def session_data(self) -> dict[str, str]:
        """The values, as plain strings that the session can store and the form can read back."""
        return {name: str(self.data.get(name, "")) for name in self.fields}

    def sort_choice(self, review_filter: ReviewFilter) -> None:
        """Shows the order the queue is in, chosen or the status's default, as the sort's selection."""
        self.initial["sort"] = review_filter.effective_sort
        if self.is_bound:
            self.data = {**self.data, "sort": review_filter.effective_sort.value}


class DecisionForm(forms.Form):
    """A therapist's decision on one submission, with the latest decision they saw when the page opened."""

    error_messages = {
        "note_required": _(
            "This decision goes against the automated outcome: please say why in the note, so the clinic "
            "can learn from it."
        ),
        "duplicate_required": _("Choose which submission this one duplicates."),
        "no_duplicate": _(
            "No other submission matches this one's name and birth date, phone or e-mail within 90 "
            "days, so it cannot be closed as a duplicate."
        ),
        "decided_meanwhile": _(
            "Someone else recorded a decision while you had this page open (shown below). Your decision "
            "was not saved. Please check it and send it again."
        ),
    }

    choice = forms.ChoiceField(
        label=_("Your decision"), choices=DecisionChoice.choices, widget=forms.RadioSelect
    )
    duplicate_of = forms.ChoiceField(
        label=_("Duplicate of"),
        required=False,
        help_text=_("For “Duplicate of another submission”: the patient's other submission."),
        error_messages={
            "invalid_choice": _(
                "That submission is not a possible duplicate of this one (any more): choose one from the list."
            )
        },
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

    def __init__(
        self,
        *args: Any,
        submission: Submission,
        candidates: list[duplicates.Match] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.submission = submission
        self.fields["seen_decision"].initial = submission.latest_decision_id
        self.candidates = {str(m.code): m for m in candidates or []}
        if self.candidates:
            self.fields["duplicate_of"].choices = [
                ("", _("Choose the other submission")),
                *((code, _candidate_label(m)) for code, m in self.candidates.items()),
            ]
            if len(self.candidates) == 1:
                self.fields["duplicate_of"].initial = next(iter(self.candidates))
        else:
            # Nothing to close it against: neither the choice nor the list is offered (a stale
            # page sending it anyway is told why in clean()).
            del self.fields["duplicate_of"]
            self.fields["choice"].widget.choices = [
                c for c in DecisionChoice.choices if c[0] != DecisionChoice.DUPLICATE
            ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        choice = cleaned.get("choice")
        if choice == DecisionChoice.DUPLICATE:
            self._clean_duplicate(cleaned)
        else:
            cleaned["duplicate_of"] = None
        if choice and is_override(choice, self.submission.outcome) and not cleaned.get("note", "").strip():
            self.add_error(
                "note", ValidationError(self.error_messages["note_required"], code="note_required")
            )
        return cleaned

    def _clean_duplicate(self, cleaned: dict[str, Any]) -> None:
        if not self.candidates:
            self.add_error(
                "choice", ValidationError(self.error_messages["no_duplicate"], code="no_duplicate")
            )
        elif not cleaned.get("duplicate_of"):
            if "duplicate_of" not in self.errors:
                self.add_error(
                    "duplicate_of",
                    ValidationError(self.error_messages["duplicate_required"], code="duplicate_required"),
                )
        else:
            cleaned["duplicate_of"] = self.candidates[cleaned["duplicate_of"]].pk

    def decided_meanwhile(self, latest: Decision | None) -> None:
        """Asks again: the error above the form, and the newer decision as the one now seen."""
        self.data = self.data.copy()
        self.data["seen_decision"] = str(latest.pk) if latest else ""
        self.add_error(
            None, ValidationError(self.error_messages["decided_meanwhile"], code="decided_meanwhile")
        )


def _candidate_label(match: duplicates.Match) -> str:
    sent = formats.date_format(timezone.localtime(match.created_at), "Y-m-d")
    return _("%(reference)s, sent %(date)s") % {"reference": match.reference, "date": sent}


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
