"""What the database itself enforces when a submission is stored: the service leaves these checks to
it rather than querying first (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from screening import services
from screening.models import Submission
from tests.support.answers import make_answers

pytestmark = pytest.mark.django_db


def test_a_submission_without_phone_or_email_is_refused_by_the_database() -> None:
    with pytest.raises(IntegrityError):
        services.submission_create(answers=make_answers(), contact=services.Contact("Ana", "Diaz"))
    assert Submission.objects.count() == 0
