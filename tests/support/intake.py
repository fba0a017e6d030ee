"""The patient's questionnaire as a test sends it in one POST: its addresses and a complete, valid POST."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from screening.forms.intake import new_form_token
from tests.support.answers import make_answers

INTAKE = reverse("screening:intake")
# The whole questionnaire on one page: GET it for the tokens, then POST every answer to INTAKE.
ONE_PAGE = reverse("screening:intake-one-page")
RESULT = reverse("screening:result")


def form_data(**overrides: Any) -> dict[str, Any]:
    """A complete, valid POST: clear answers, Rosa's contact details, consent and a fresh form token.

    An override of None leaves that field out of the POST.
    """
    data: dict[str, Any] = {
        **make_answers(),
        "first_name": "Rosa",
        "last_name": "Reyes",
        "phone": "(555) 010-1234",
        "email": "",
        "consent": "on",
        "form_token": new_form_token(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def error_codes(response: Any, field: str) -> list[str]:
    """The codes of the errors the intake form gave this field ("__all__" for the form's own)."""
    return [e.code for e in response.context["form"].errors.as_data().get(field, [])]
