"""`seed_demo` makes the demo login and realistic submissions through the real submit code."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from screening import services
from screening.clinical import rules
from screening.models import AdverseEvent, Course, SessionNote, Submission, credentials_of, therapist_display
from screening.services import rules_config

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_therapist_and_assessed_submissions(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed_demo", submissions=300)
    out = capsys.readouterr().out
    assert "username 'demo'" in out
    assert "password 'demo-therapist-2026'" in out
    demo = User.objects.get(username="demo")
    assert demo.has_perm("screening.review_submission")
    assert Submission.objects.count() == 300
    assert len(set(Submission.objects.values_list("reference", flat=True))) == 300
    for s in Submission.objects.all()[:100]:
        again = rules.assess(s.answers, today=s.created_on, config=rules_config())
        assert (s.outcome, s.reason_codes) == (again.outcome.value, list(again.reason_codes))
    assert set(Submission.objects.values_list("outcome", flat=True)) == {o.value for o in rules.Outcome}


def test_seed_demo_twice_keeps_one_demo_login() -> None:
    call_command("seed_demo", submissions=0)
    call_command("seed_demo", submissions=0)
    assert User.objects.filter(username="demo").count() == 1


def test_seed_demo_courses_are_complete_stopped_after_a_blister_and_in_progress() -> None:
    call_command("seed_demo", submissions=60, courses=True)
    statuses = sorted(Course.objects.values_list("status", flat=True))
    assert statuses == ["completed", "completed", "open", "stopped_adverse"]
    assert AdverseEvent.objects.get().kind == "blister"
    assert SessionNote.objects.filter(signed_at__isnull=False).count() == 6 + 6 + 2 + 3
    assert Course.objects.get(status="open").check_ins.first().outcome == "clear_first"


def test_the_demo_therapist_has_demo_credentials_and_keeps_credentials_changed_since() -> None:
    call_command("create_demo_therapist")
    demo = User.objects.get(username="demo")
    assert therapist_display(demo) == "Demo Therapist, PT, DPT"
    services.therapist_credentials_set(user=demo, credentials="PTA")
    call_command("seed_demo", submissions=0)
    assert credentials_of(User.objects.get(username="demo")) == "PTA"
