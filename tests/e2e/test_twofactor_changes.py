"""The pages where a therapist replaces recovery codes or moves to a new phone: reached after
the second step, passing axe and the checks beyond it, at phone and desktop size."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.checks import PageCheck
from tests.e2e.therapist import log_in, with_authenticator_app
from tests.support.accounts import current_code

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("change", ["recovery-codes", "new-phone"])
def test_the_change_pages_ask_for_a_current_code_first(
    new_page: Callable[..., Page],
    viewport: str,
    change: str,
    therapist: User,
    live_server: object,
    check_page: PageCheck,
    screenshot: Callable[[Page, str], Path],
) -> None:
    device = with_authenticator_app(therapist)
    page = new_page(viewport)
    log_in(page, therapist, live_server.url)  # type: ignore[attr-defined]
    page.goto(reverse("otp-confirm-change", args=[change]))
    # Password only so far: the second step comes first, then the page asked for.
    page.fill("#id_code", current_code(device))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(
        "Move to a new phone" if change == "new-phone" else "New recovery codes"
    )
    screenshot(page, f"{change}-{viewport}")
    check_page(page)
