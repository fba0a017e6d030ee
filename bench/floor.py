"""The floor for `make bench`: the least Django does for one intake, to compare the real one with.

A form with the intake form's fields, rendered by Django's default form template, validated field
by field, one row inserted, and a note page that reads it back: no crispy layout, no signed token,
no rules, no session. Routed only when BENCH_FLOOR_VIEW is set (bench/urls.py).
"""

from __future__ import annotations

import copy
import uuid
from datetime import date
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template import engines

from screening.forms.intake import CONTACT_FIELDS, IntakeForm
from screening.models import Outcome, Submission

_FIELDS = IntakeForm().fields
_PAGE = engines["django"].from_string(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Floor</title></head><body>'
    '<form method="post" id="intake-form">{% csrf_token %}{{ form }}<button type="submit">Send</button>'
    "</form></body></html>"
)
_NOTE = engines["django"].from_string(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Note</title></head><body>'
    '<p data-testid="reference">{{ submission.reference }}</p></body></html>'
)


class FloorForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(copy.deepcopy(_FIELDS))
        self.initial["form_token"] = str(uuid.uuid4())


def floor_form(request: HttpRequest) -> HttpResponse:
    form = FloorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        answers = {
            name: value.isoformat() if isinstance(value, date) else value
            for name, value in data.items()
            if name not in (*CONTACT_FIELDS, "consent", "form_token")
        }
        submission = Submission.objects.create(
            **{name: data[name] for name in CONTACT_FIELDS},
            answers=answers,
            outcome=Outcome.NEEDS_REVIEW,
            rules_version="floor",
            form_token=uuid.UUID(data["form_token"]),
        )
        return redirect("bench-floor-note", submission.code)
    return HttpResponse(_PAGE.render({"form": form}, request))


def floor_note(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return HttpResponse(_NOTE.render({"submission": get_object_or_404(Submission, code=code)}, request))
