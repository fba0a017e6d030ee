from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django import template

from screening import presenters
from screening.models.therapist import therapist_display

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from screening.clinical.reasons import Reason

register = template.Library()


@register.filter
def tel_href(phone: str) -> str:
    """A phone number as typed ("(555) 010-1234") as a valid tel: link: digits and "+" only."""
    return presenters.tel_href(phone)


@register.filter
def machine_time(moment: datetime) -> str:
    """A <time datetime> value HTML accepts: to the second (HTML allows at most three decimals)."""
    return presenters.machine_time(moment)


@register.filter
def therapist_name(user: AbstractBaseUser) -> str:
    """The therapist's full name (or username) and credentials: "Tess Ortiz, PT, DPT"."""
    return therapist_display(user)


@register.filter
def reason_view(reason: Reason | str) -> presenters.ReasonView:
    """A reason (or its code) as templates/screening/review/_reason.html shows it."""
    return presenters.reason_view(reason)
