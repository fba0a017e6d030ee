"""The rules report's date range: a GET form, since dates are not patient data."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from screening import report

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
MAX_DAYS = 3 * 366  # a longer range draws more weeks than a chart or a table can show


class ReportRangeForm(forms.Form):
    """From and to, both included; empty boxes mean the last 90 days."""

    error_messages = {
        "date_range": _("The first date must not be after the second."),
        "out_of_range": _("Please enter a date between %(earliest)s and %(latest)s."),
        "too_long": _("Please choose at most three years at a time."),
    }

    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data: Any = None, *, today: date, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.today = today

    def _clean_bound(self, name: str) -> date | None:
        value = self.cleaned_data.get(name)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
            )
        return value

    def clean_date_from(self) -> date | None:
        return self._clean_bound("date_from")

    def clean_date_to(self) -> date | None:
        return self._clean_bound("date_to")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        start, end = self.range_from(cleaned)
        if start > end:
            self.add_error("date_to", ValidationError(self.error_messages["date_range"], code="date_range"))
        elif end - start > timedelta(days=MAX_DAYS):
            self.add_error("date_from", ValidationError(self.error_messages["too_long"], code="too_long"))
        return cleaned

    def range_from(self, cleaned: dict[str, Any]) -> tuple[date, date]:
        """The range the boxes describe: an empty "to" is today, an empty "from" 90 days before "to"."""
        end = cleaned.get("date_to") or self.today
        start = cleaned.get("date_from") or end - timedelta(days=report.DEFAULT_DAYS - 1)
        return start, end

    def date_range(self) -> tuple[date, date] | None:
        """The chosen range, or None while the form has errors (the page then shows them, no figures)."""
        if not self.is_bound:
            return report.default_range(self.today)
        return self.range_from(self.cleaned_data) if self.is_valid() else None
