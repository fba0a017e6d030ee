"""A Redis outage: patients' sends are still stored, log-ins fail closed with the calm 503 page,
and therapists already logged in keep working.

A private redis-server (its own free port, started here) is the shared cache; the test stops it
half-way, as the red team did, and starts it again at the end.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from screening.models import Submission
from tests.support.accounts import log_in
from tests.support.factories import SubmissionFactory
from tests.support.intake import INTAKE, RESULT, form_data
from tests.support.servers import RedisServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings: Any, tmp_path: Path) -> Iterator[RedisServer]:
    with RedisServer(tmp_path) as redis:
        settings.CACHES = {
            **django_settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis.url,
                "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
            },
        }
        # django-axes keeps the cache object it started with: point it at this one, and after
        # the test (when the settings fixture has put CACHES back) at the default again.
        AxesProxyHandler.implementation = None
        yield redis
    AxesProxyHandler.implementation = None


def test_a_redis_outage_keeps_patients_sending_and_refuses_logins_calmly(
    redis_cache: RedisServer, therapist: User, caplog: pytest.LogCaptureFixture
) -> None:
    submission = SubmissionFactory()
    working = Client()
    assert log_in(working, "thea", "correct-horse-battery").status_code == 302
    assert Client().post(INTAKE, form_data()).status_code == 302

    redis_cache.stop()

    # The patient's send is stored; the limit failed open for it, with a warning.
    patient = Client()
    with caplog.at_level(logging.WARNING):
        sent = patient.post(INTAKE, form_data(first_name="Marisol"))
    assert sent.status_code == 302 and sent["Location"] == RESULT
    assert patient.get(RESULT).status_code == 200
    assert Submission.objects.filter(first_name="Marisol").exists()
    assert "Intake rate limit skipped, the cache is unavailable" in caplog.text

    # A log-in, right password included, gets the calm page and no session.
    newcomer = Client(raise_request_exception=False)
    refused = log_in(newcomer, "thea", "correct-horse-battery")
    assert refused.status_code == 503
    assert "Please try again in a minute" in " ".join(refused.content.decode().split())
    assert refused["Retry-After"] == "60"
    assert "_auth_user_id" not in newcomer.session
    assert log_in(newcomer, "thea", "wrong-password").status_code == 503

    # The therapist who was already in keeps working.
    assert working.get(reverse("screening:review-queue")).status_code == 200
    assert working.get(reverse("screening:review-detail", args=[submission.code])).status_code == 200

    redis_cache.start()
    assert log_in(Client(), "thea", "correct-horse-battery").status_code == 302


def test_an_outage_is_logged_as_a_warning_not_mailed_as_an_error(
    redis_cache: RedisServer, therapist: User, mailoutbox: list[Any], caplog: pytest.LogCaptureFixture
) -> None:
    redis_cache.stop()
    with caplog.at_level(logging.WARNING):
        assert log_in(Client(), "thea", "correct-horse-battery").status_code == 503
    assert mailoutbox == []
    assert [r.levelname for r in caplog.records if "cache is unavailable" in r.getMessage()] == ["WARNING"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
