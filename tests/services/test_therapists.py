"""A therapist's credentials: stored beside the login, plain and short, shown after the name."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from screening import services
from screening.models import TherapistProfile, credentials_of, therapist_display

pytestmark = pytest.mark.django_db


def test_credentials_follow_the_full_name_and_a_therapist_without_any_is_named_alone(therapist: User) -> None:
    assert therapist_display(therapist) == "thea"  # no name, no profile: the username
    therapist.first_name, therapist.last_name = "Thea", "Lindqvist"
    assert therapist_display(therapist) == "Thea Lindqvist"
    services.therapist_credentials_set(user=therapist, credentials="  PT,   DPT ")
    therapist.refresh_from_db()
    assert credentials_of(therapist) == "PT, DPT"
    assert therapist_display(therapist) == "thea, PT, DPT"


def test_setting_credentials_again_changes_the_one_profile_and_blank_clears_them(therapist: User) -> None:
    services.therapist_credentials_set(user=therapist, credentials="PT")
    services.therapist_credentials_set(user=therapist, credentials="PT, DPT, OCS")
    assert TherapistProfile.objects.get(user=therapist).credentials == "PT, DPT, OCS"
    services.therapist_credentials_set(user=therapist, credentials="")
    assert TherapistProfile.objects.get(user=therapist).credentials == ""
    assert TherapistProfile.objects.count() == 1


@pytest.mark.parametrize(
    "good", ["PT", "PT, DPT", "M.Sc. (Physio)", "PTA/ATC", "Fisioterapeuta, Lic.", "Ph.D."]
)
def test_ordinary_credentials_are_accepted(therapist: User, good: str) -> None:
    assert services.therapist_credentials_set(user=therapist, credentials=good).credentials == good


@pytest.mark.parametrize(
    "bad",
    ["<b>PT</b>", "PT;DROP", "PT,", "-PT", "PT\u202e", "x" * 41, "PT {{ x }}", "PT\x00"],
)
def test_markup_control_characters_and_long_credentials_are_refused_and_nothing_is_saved(
    therapist: User, bad: str
) -> None:
    with pytest.raises(ValidationError):
        services.therapist_credentials_set(user=therapist, credentials=bad)
    assert not TherapistProfile.objects.exists()


def test_the_profile_goes_with_the_login(therapist: User) -> None:
    services.therapist_credentials_set(user=therapist, credentials="PT")
    User.objects.filter(pk=therapist.pk).delete()
    assert not TherapistProfile.objects.exists()
