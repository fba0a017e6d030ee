"""What a therapist's browser tests start from: a day's submissions, and logging in without the form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from screening import services
from screening.accounts import twofactor
from screening.models import SealedTOTPDevice
from tests.support.answers import make_answers
from tests.support.factories import SubmissionFactory

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from screening.models import SealedTOTPDevice, Submission


@dataclass(frozen=True)
class Clinic:
    """The people and submissions of one morning at the clinic."""

    thea: User
    rosa: Submission  # a pacemaker and an unsure depth: likely not suitable, three rules fire
    omar: Submission  # likely not suitable, decided twice: called first, then booked against it with a note
    others: tuple[Submission, ...]


def open_clinic(thea: User) -> Clinic:
    """Thea's colleague Tomás, a queue of patients in every outcome, and two decisions on Omar's."""
    tomas = User.objects.create_user("tomas", first_name="Tomás", last_name="Ibarra", password="unused-pw-1")
    tomas.groups.add(Group.objects.get(name="Therapists"))
    services.therapist_credentials_set(user=tomas, credentials="PT, DPT, OCS")  # shown after his name
    now = timezone.now()
    others = (
        SubmissionFactory(first_name="Ana", last_name="Lopez", created_at=now - timedelta(hours=5)),
        SubmissionFactory(
            first_name="Bo",
            last_name="Nguyen",
            answers=make_answers(pregnant="unsure"),
            created_at=now - timedelta(hours=4),
        ),
        SubmissionFactory(
            first_name="Maximiliano",
            last_name="Fernández-Castellanos",
            answers=make_answers(skin_problem_at_site=["open_wound"]),
            created_at=now - timedelta(hours=3),
        ),
    )
    omar = SubmissionFactory(
        first_name="Omar",
        last_name="Haddad",
        email="omar.haddad@example.com",
        answers=make_answers(electrical_therapy_reaction="yes"),
        created_at=now - timedelta(days=1),
    )
    first = services.decision_record(
        submission=omar, therapist=tomas, choice="call_patient", note="", seen_decision_id=None
    )
    services.decision_record(
        submission=omar,
        therapist=thea,
        choice="suitable",
        note="Spoke with him: the reaction was to a home TENS unit in 2009, none since. Start at a low dose.",
        seen_decision_id=first.pk,
    )
    rosa = SubmissionFactory(
        first_name="Rosa",
        last_name="Reyes",
        phone="(555) 010-1234",
        email="rosa.reyes@example.com",
        answers=make_answers(has_implanted_electronic_device="yes", depth="unsure"),
        created_at=now - timedelta(hours=1),
    )
    return Clinic(thea=thea, rosa=rosa, omar=omar, others=others)


def log_in(page: Page, user: User, base_url: str) -> None:
    """Gives the browser the session of a user who has just logged in (the form is tested on its own)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def with_authenticator_app(user: User) -> TOTPDevice:
    """The user's phone, set up earlier, and their recovery codes."""
    device = SealedTOTPDevice.new_pending(user=user, name=twofactor.TOTP_DEVICE_NAME)
    device.confirmed = True
    device.save()
    twofactor.recovery_codes_replace(user=user)
    return device


def open_detail(page: Page, submission: Submission) -> None:
    page.goto(reverse("screening:review-detail", args=[submission.code]))
    expect(page.locator("h1 .reference")).to_have_text(submission.reference)
