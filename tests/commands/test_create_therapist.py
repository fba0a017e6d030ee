"""Management commands: create_therapist and reassess."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.support.answers import make_answers
from tests.support.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def create_therapist(*args: str, stdin: str = "", **options: Any) -> str:
    out = io.StringIO()
    call_command("create_therapist", *args, stdin=io.StringIO(stdin), stdout=out, **options)
    return out.getvalue()


def test_create_therapist_reads_the_password_from_stdin_and_grants_review() -> None:
    output = create_therapist("tess", "--password-stdin", stdin="a-long-enough-passphrase\n")
    assert "created" in output
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


def reassess(*args: str) -> str:
    out = io.StringIO()
    call_command("reassess", *args, stdout=out)
    return out.getvalue()


def test_reassess_reports_a_changed_age_threshold_by_rule_without_changing_anything(settings) -> None:
    eighty = (timezone.localdate() - timedelta(days=80 * 365 + 30)).isoformat()
    elderly = SubmissionFactory(answers=make_answers(date_of_birth=eighty))
    SubmissionFactory()
    settings.VERY_ELDERLY_AGE = 75
    output = reassess()
    assert "checked 2 submissions" in output
    assert "Outcome would change: 1" in output
    assert "likely_suitable -> needs_review: 1" in output
    assert [line.split() for line in output.splitlines() if line.startswith("NR-VERY-ELDERLY")] == [
        ["NR-VERY-ELDERLY", "1", "0", "1"]
    ]
    assert "Nothing was changed" in output
    elderly.refresh_from_db()
    assert elderly.outcome == "likely_suitable"
    assert "Applied: 1" in reassess("--apply")
    elderly.refresh_from_db()
    assert elderly.outcome == "needs_review"


def test_reassess_since_takes_a_date(settings) -> None:
    SubmissionFactory(created_at=timezone.now() - timedelta(days=30))
    assert "checked 0 submissions" in reassess("--since", timezone.localdate().isoformat())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        reassess("--since", "last week")
