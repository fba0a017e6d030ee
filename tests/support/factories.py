"""factory_boy factories that build submissions through the real assessment code."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from screening import services
from screening.models import Submission
from tests.support.answers import make_answers


class SubmissionFactory(DjangoModelFactory[Submission]):
    """A stored submission whose outcome and reasons come from rules.assess, as in production."""

    class Meta:
        model = Submission

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    phone = factory.Sequence(lambda n: f"(555) 01{n // 10000 % 10}-{n % 10000:04d}")
    email = ""
    answers = factory.LazyFunction(make_answers)
    created_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class: type[Submission], *args: Any, **kwargs: Any) -> Submission:
        contact = services.Contact(
            first_name=kwargs["first_name"],
            last_name=kwargs["last_name"],
            phone=kwargs["phone"],
            email=kwargs["email"],
        )
        submission = services.submission_build(
            answers=kwargs["answers"], contact=contact, created_at=kwargs["created_at"]
        )
        services.submissions_bulk_create([submission])  # through services, so the queue's tallies count it
        return submission
