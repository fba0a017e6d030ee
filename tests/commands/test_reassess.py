"""`manage.py reassess`: the report of what a rules or settings change would do, and --apply."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.support.answers import elderly_answers
from tests.support.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def reassess(*args: str) -> str:
    out = io.StringIO()
    call_command("reassess", *args, stdout=out)
    return out.getvalue()


def test_reassess_reports_a_changed_age_threshold_by_rule_without_changing_anything(settings: Any) -> None:
    elderly = SubmissionFactory(answers=elderly_answers())
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


def test_reassess_since_takes_a_date() -> None:
    SubmissionFactory(created_at=timezone.now() - timedelta(days=30))
    assert "checked 0 submissions" in reassess("--since", timezone.localdate().isoformat())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        reassess("--since", "last week")
