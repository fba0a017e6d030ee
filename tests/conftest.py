from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import NoReverseMatch
from django_otp.plugins.otp_totp.models import TOTPDevice

from screening.accounts import twofactor
from screening.models import SealedTOTPDevice, Submission
from tests.support.answers import make_answers
from tests.support.factories import SubmissionFactory


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    # The test client speaks plain http; the tests of the HTTPS redirect switch it back on.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _fresh_counters(request: pytest.FixtureRequest) -> None:
    # Lockout and rate-limit counters live in the cache, the empty questionnaire's HTML in the
    # fragment cache: each test starts with both empty.
    caches["template_fragments"].clear()
    if not isinstance(caches["default"], DatabaseCache):
        cache.clear()
    elif request.node.get_closest_marker("django_db") or _DB_FIXTURES & set(request.fixturenames):
        # The embedded default cache is a table of the test database: only a test that may use the
        # database can reach it (and a test that may not cannot count anything in it either).
        request.getfixturevalue("db")
        cache.clear()


_DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


@pytest.fixture(autouse=True)
def _no_second_factor(settings: Any) -> None:
    # Tests log in with force_login(); the two-factor tests switch REQUIRE_2FA back on.
    settings.REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def _login_redirect_resolves(settings: Any) -> None:
    # LOGIN_REDIRECT_URL names the review queue, which arrives with the review workspace; until it
    # does, pages that go on to it after log-in go to the home page instead. A no-op once it exists.
    try:
        resolve_url(settings.LOGIN_REDIRECT_URL)
    except NoReverseMatch:
        settings.LOGIN_REDIRECT_URL = "/"


@pytest.fixture
def therapist(db: None) -> User:
    # Thea, a physical therapist in the Therapists group: may read and decide submissions.
    user = User.objects.create_user("thea", password="correct-horse-battery")
    user.groups.add(Group.objects.get(name="Therapists"))
    return user


@pytest.fixture
def therapist_client(therapist: User) -> Client:
    client = Client()
    client.force_login(therapist)
    return client


@pytest.fixture
def clinic_admin(db: None) -> User:
    # Ada runs the clinic's installation: staff, superuser and a therapist, so every page opens for her.
    user = User.objects.create_superuser("ada", password="correct-horse-battery")
    user.groups.add(Group.objects.get(name="Therapists"))
    return user


@pytest.fixture
def other_user(db: None) -> User:
    # Oscar, the front-desk clerk: has a login, but not the review permission.
    return User.objects.create_user("oscar", password="correct-horse-battery")


@pytest.fixture
def other_user_client(other_user: User) -> Client:
    client = Client()
    client.force_login(other_user)
    return client


@pytest.fixture
def device(therapist: User) -> TOTPDevice:
    # Thea's phone, set up earlier as her authenticator app, with her ten recovery codes.
    device = SealedTOTPDevice.new_pending(user=therapist, name=twofactor.TOTP_DEVICE_NAME)
    device.confirmed = True
    device.save()
    twofactor.recovery_codes_replace(user=therapist)
    return device


@pytest.fixture
def recovery_codes(device: TOTPDevice, therapist: User) -> list[str]:
    # Thea's ten recovery codes, as the page showed them once: only their digests are stored.
    return twofactor.recovery_codes_replace(user=therapist)


@pytest.fixture
def rosa(db: None) -> Submission:
    # Rosa Reyes sent her answers this morning; she has a pacemaker, so the rules said not suitable.
    return SubmissionFactory(
        first_name="Rosa",
        last_name="Reyes",
        phone="(555) 010-1234",
        email="rosa@example.com",
        answers=make_answers(has_implanted_electronic_device="yes", depth="unsure"),
    )
