"""The questionnaire one page at a time, as a test client walks it: each page's POST and the walk."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import Client
from django.urls import reverse

from screening.forms.steps import STEPS, Step
from tests.support.answers import make_answers

CHECK = reverse("screening:intake-check")
SEND = reverse("screening:intake-send")
CONTACT = {"first_name": "Rosa", "last_name": "Reyes", "phone": "(555) 010-1234", "email": ""}


def step_url(slug: str, *, change: bool = False) -> str:
    url = reverse("screening:intake-step", args=[slug])
    return f"{url}?change=1" if change else url


def page_data(step: Step, answers: dict[str, Any] | None = None) -> dict[str, Any]:
    """The POST of one page: its fields from the answers (clear answers and Rosa's contact by default)."""
    given = {**make_answers(), **CONTACT, **(answers or {})}
    data: dict[str, Any] = {}
    for name in step.fields:
        if name == "date_of_birth":
            born = date.fromisoformat(given[name])
            data.update(
                date_of_birth_day=str(born.day),
                date_of_birth_month=str(born.month),
                date_of_birth_year=str(born.year),
            )
        elif given.get(name) not in (None, ""):
            data[name] = given[name]
    return data


def walk(client: Client, answers: dict[str, Any] | None = None) -> Any:
    """Answers every page in turn, each POST followed to its redirect; returns the last response."""
    response = None
    for step in STEPS:
        response = client.post(step_url(step.slug), page_data(step, answers))
        assert response.status_code == 302, (step.slug, response.content.decode()[:2000])
    return response


def send(client: Client, **extra: Any) -> Any:
    """Opens "Check your answers" and presses "Send" with the consent ticked."""
    page = client.get(CHECK)
    assert page.status_code == 200
    token = page.context["form_token"]
    return client.post(SEND, {"consent": "on", "form_token": token, **extra})
