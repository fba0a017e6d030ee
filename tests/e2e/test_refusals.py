"""The calm pages of issue 11, as a browser shows them: a request no page can use (400), and a
log-in while the shared cache (Redis) is down (503). axe and the checks beyond it, at phone and
desktop size, with a screenshot of each for a person to look at."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.e2e.checks import PageCheck
from tests.support.live import free_port

pytestmark = pytest.mark.e2e


@pytest.fixture
def redis_down(settings: Any) -> Iterator[None]:
    # A Redis that is not there: nothing listens on this port.
    settings.CACHES = {
        **django_settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    AxesProxyHandler.implementation = None  # django-axes keeps the cache it started with
    yield
    AxesProxyHandler.implementation = None


def test_a_request_no_page_can_use_gets_the_calm_400_page(
    page: Page, viewport: str, check_page: PageCheck, screenshot: Callable[[Page, str], Path]
) -> None:
    response = page.goto("/intake/?x=%00")
    assert response is not None and response.status == 400
    expect(page.locator("h1")).to_have_text("Something was wrong with that request")
    screenshot(page, f"bad-request-{viewport}")
    check_page(page)


@pytest.mark.usefixtures("redis_down")
def test_a_log_in_while_redis_is_down_gets_the_calm_503_page(
    page: Page,
    viewport: str,
    transactional_db: None,
    check_page: PageCheck,
    screenshot: Callable[[Page, str], Path],
) -> None:
    User.objects.create_user("thea", password="correct-horse-battery")
    page.goto("/accounts/login/")
    page.fill("#id_username", "thea")
    page.fill("#id_password", "correct-horse-battery")
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        page.locator("main form button[type=submit]").click()
    assert sent.value.status == 503
    expect(page.locator("h1")).to_have_text("Please try again in a moment")
    screenshot(page, f"login-cache-down-{viewport}")
    check_page(page)
