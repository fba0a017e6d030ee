"""Zebulon, a patient distinctive enough to spot anywhere, and the strings that identify any patient."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import dateformat

from screening import services
from tests.support.answers import make_answers

if TYPE_CHECKING:
    from screening.models import Submission

ZEBULON = services.Contact(
    first_name="Zebulon",
    last_name="Quixote-Marwick",
    phone="(555) 019-8765",
    email="zebulon.q@example.org",
)
ZEBULON_BIRTH_DATE = "1953-11-07"


def zebulon_answers() -> dict[str, Any]:
    return make_answers(date_of_birth=ZEBULON_BIRTH_DATE)


def zebulon_form() -> dict[str, Any]:
    """Zebulon's answers and contact details as the questionnaire POSTs them."""
    return {**zebulon_answers(), **asdict(ZEBULON)}


def identifying_strings(contact: services.Contact, date_of_birth: str, reference: str = "") -> list[str]:
    """What must never show where the patient's data does not belong: each name and its parts, the
    phone number and its local part, the e-mail and its user, the birth date as a page could print
    it, and the reference."""
    born = date.fromisoformat(date_of_birth)
    found = [
        contact.first_name,
        contact.last_name,
        *contact.last_name.replace("-", " ").split(),
        contact.phone,
        contact.phone[-8:],
        contact.email,
        contact.email.partition("@")[0],
        date_of_birth,
        f"{born:%m/%d/%Y}",
        dateformat.format(born, "N j, Y"),
        reference,
    ]
    # An empty string is "in" every text: leave out what the patient did not give.
    return list(dict.fromkeys(s for s in found if s))


def patient_data(*submissions: Submission) -> list[str]:
    """identifying_strings() of each stored submission."""
    return [
        s
        for submission in submissions
        for s in identifying_strings(
            services.Contact(submission.first_name, submission.last_name, submission.phone, submission.email),
            submission.answers["date_of_birth"],
            submission.reference,
        )
    ]
