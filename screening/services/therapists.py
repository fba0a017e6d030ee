"""A therapist's profile: the credentials shown after their name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from screening.models import TherapistProfile

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def therapist_credentials_set(*, user: AbstractBaseUser, credentials: str) -> TherapistProfile:
    """Stores the user's credentials ("" clears them); a ValidationError if they are not plain and short."""
    profile = TherapistProfile.objects.filter(user=user).first() or TherapistProfile(user=user)
    profile.credentials = " ".join(credentials.split())
    profile.full_clean()
    profile.save()
    return profile
