"""What a therapist's login does not hold: the credentials written after their name.

A profile beside Django's user, one to one, rather than a swapped user model. A therapist without
one, or with empty credentials, is shown by name alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

CREDENTIALS_MAX_LENGTH = 40

# Letters (any alphabet), digits, spaces and the punctuation that credentials use: "PT, DPT, OCS",
# "M.Sc. (Physio)", "PTA/ATC". No markup, no line breaks: the text goes into a PDF and into FHIR.
validate_credentials = RegexValidator(
    r"\A[^\W_](?:[\w .,/()&'+-]*[\w.)])?\Z",
    _("Use letters, digits, spaces and , . / ( ) & ' + - only, starting with a letter or digit."),
)


class TherapistProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="therapist_profile"
    )
    credentials = models.CharField(
        _("credentials"),
        max_length=CREDENTIALS_MAX_LENGTH,
        blank=True,
        validators=[validate_credentials],
        help_text=_("Shown after the full name in decisions, summaries and exports, e.g. PT, DPT."),
    )

    class Meta:
        verbose_name = _("therapist profile")

    def __str__(self) -> str:
        return self.credentials or "–"


def credentials_of(user: AbstractBaseUser) -> str:
    """The user's credentials, or "" if they have none. No query when the profile was selected
    with the user (select_related("…__therapist_profile")), whether or not it exists."""
    try:
        return user.therapist_profile.credentials  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return ""


def therapist_display(user: AbstractBaseUser) -> str:
    """The full name (or the username) followed by the credentials: "Tess Ortiz, PT, DPT"."""
    name = user.get_full_name() or user.get_username()  # type: ignore[attr-defined]
    credentials = credentials_of(user)
    return f"{name}, {credentials}" if credentials else name
