"""Every therapist page, in every language, at phone and desktop size: axe-core (WCAG 2.2 AA) and the
checks beyond it (check_page), as test_accessibility.py does for the patient's pages.

One logged-in browser per size and language visits every page in PAGES in turn: a fresh browser and
a fresh database for each of the 32 pages would double the time these tests take.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.checks import LANGUAGE_CODES, PageCheck
from tests.e2e.therapist import Clinic, log_in, open_clinic, open_detail, with_authenticator_app

if TYPE_CHECKING:
    from pytest_django.fixtures import SettingsWrapper
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.e2e


def _queue(page: Page, clinic: Clinic) -> None:
    page.goto("/review/")
    expect(page.locator("table.queue tbody tr")).to_have_count(4)


def _open_filter(page: Page) -> None:
    # Folded until used; a filter kept from the last page leaves it open.
    if page.locator("details.queue-filter").get_attribute("open") is None:
        page.locator("details.queue-filter > summary").click()


def _queue_filtered(page: Page, clinic: Clinic) -> None:
    page.goto("/review/")
    _open_filter(page)
    page.select_option("#id_outcome", "not_suitable")
    page.fill("#id_search", "reyes")
    page.locator("form.review-filter button[type=submit]").first.click()
    expect(page.locator("table.queue tbody tr")).to_have_count(1)


def _queue_filter_refused(page: Page, clinic: Clinic) -> None:
    page.goto("/review/")
    _open_filter(page)
    today = timezone.localdate()
    page.fill("#id_submitted_from", f"{today:%Y-%m-%d}")
    page.fill("#id_submitted_to", f"{today - timedelta(days=1):%Y-%m-%d}")
    page.locator("form.review-filter button[type=submit]").first.click()
    expect(page.locator("#id_submitted_to")).to_have_attribute("aria-invalid", "true")


def _detail_with_triggered_rules(page: Page, clinic: Clinic) -> None:
    open_detail(page, clinic.rosa)
    expect(page.locator("table.answers tr.triggered")).to_have_count(2)


def _detail_decided_twice(page: Page, clinic: Clinic) -> None:
    open_detail(page, clinic.omar)
    expect(page.locator("table.decisions tbody tr")).to_have_count(2)


def _decision_refused(page: Page, clinic: Clinic) -> None:
    open_detail(page, clinic.rosa)
    page.check("#id_choice_0")  # booking a patient the rules found likely not suitable, with no note
    page.locator("form.decision-form button[type=submit]").click()
    expect(page.locator("#id_note")).to_have_attribute("aria-invalid", "true")


def _two_factor_set_up(page: Page, clinic: Clinic) -> None:
    page.goto("/review/")  # Thea has no authenticator app yet
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/\?next=/review/$"))
    expect(page.locator("[data-testid=secret]")).to_be_visible()


def _two_factor_code(page: Page, clinic: Clinic) -> None:
    tomas = User.objects.get(username="tomas")
    with_authenticator_app(tomas)
    origin = urlsplit(page.url)
    log_in(page, tomas, f"{origin.scheme}://{origin.netloc}")
    page.goto("/review/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next=/review/$"))


PAGES: dict[str, Callable[[Page, Clinic], None]] = {
    "queue": _queue,
    "queue-filtered": _queue_filtered,
    "queue-filter-refused": _queue_filter_refused,
    "detail-triggered-rules": _detail_with_triggered_rules,
    "detail-decided-twice": _detail_decided_twice,
    "decision-refused": _decision_refused,
    # Both with REQUIRE_2FA on, as in production; Tomás has set up his app, Thea has not.
    "two-factor-set-up": _two_factor_set_up,
    "two-factor-code": _two_factor_code,
}
TWO_FACTOR_PAGES = {"two-factor-set-up", "two-factor-code"}


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_therapist_pages_pass_axe_and_the_checks_beyond_it(
    new_page: Callable[..., Page],
    viewport: str,
    language: str,
    therapist: User,
    live_server: LiveServer,
    settings: SettingsWrapper,
    check_page: PageCheck,
    screenshot: Callable[[Page, str], Path],
) -> None:
    clinic = open_clinic(therapist)
    page = new_page(viewport, language)  # the browser's language: Accept-Language
    log_in(page, therapist, live_server.url)
    failures = {}
    for name, visit in PAGES.items():
        settings.REQUIRE_2FA = name in TWO_FACTOR_PAGES
        visit(page, clinic)
        expect(page.locator("html")).to_have_attribute("lang", language)
        if viewport == "phone":  # for a person to look at; the flows save desktop pages too
            screenshot(page, name)
        try:
            check_page(page)
        except AssertionError as problem:
            failures[name] = str(problem)
    # Every page is checked before failing, and each failure is named by its page.
    assert failures == {}, "\n\n".join(f"{name}: {problem}" for name, problem in failures.items())
