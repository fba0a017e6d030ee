"""`manage.py create_therapist`: a therapist login whose password the validators accept."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from screening.models import TherapistProfile, credentials_of

pytestmark = pytest.mark.django_db


def create_therapist(*args: str, stdin: str = "", **options: Any) -> str:
    out = io.StringIO()
    call_command("create_therapist", *args, stdin=io.StringIO(stdin), stdout=out, **options)
    return out.getvalue()


def test_create_therapist_reads_the_password_from_stdin_and_grants_review() -> None:
    output = create_therapist("tess", "--password-stdin", stdin="a-long-enough-passphrase\n")
    assert output == "Therapist 'tess' created.\n"
    tess = User.objects.get(username="tess")
    assert tess.check_password("a-long-enough-passphrase")
    assert tess.has_perm("screening.review_submission")
    assert not tess.is_staff


@pytest.mark.parametrize("password", ["short", "1234567890123", "password123", "tessmorgan1"])
def test_create_therapist_refuses_a_password_the_validators_reject(password: str) -> None:
    with pytest.raises(CommandError, match="Password not accepted"):
        create_therapist("tessmorgan", "--password-stdin", stdin=password + "\n")
    assert not User.objects.filter(username="tessmorgan").exists()


def test_create_therapist_refuses_an_existing_username(therapist: User) -> None:
    with pytest.raises(CommandError, match="already exists"):
        create_therapist("thea", "--password-stdin", stdin="a-long-enough-passphrase\n")


def test_create_therapist_prompts_twice_and_refuses_a_mismatch(monkeypatch: pytest.MonkeyPatch) -> None:
    typed = iter(["a-long-enough-passphrase", "a-different-passphrase"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    with pytest.raises(CommandError, match="differ"):
        create_therapist("tess")
    assert not User.objects.filter(username="tess").exists()


def test_create_therapist_stores_the_credentials_given() -> None:
    create_therapist(
        "tess", "--credentials", "PT, DPT", "--password-stdin", stdin="a-long-enough-passphrase\n"
    )
    assert credentials_of(User.objects.get(username="tess")) == "PT, DPT"


def test_create_therapist_without_credentials_stores_none() -> None:
    create_therapist("tess", "--password-stdin", stdin="a-long-enough-passphrase\n")
    assert not TherapistProfile.objects.exists()


def test_create_therapist_refuses_credentials_with_markup_and_creates_no_login() -> None:
    with pytest.raises(CommandError, match="Credentials not accepted"):
        create_therapist(
            "tess", "--credentials", "<i>PT</i>", "--password-stdin", stdin="a-long-enough-passphrase\n"
        )
    assert not User.objects.filter(username="tess").exists()
