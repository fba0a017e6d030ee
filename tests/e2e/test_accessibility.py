"""Every patient page and the login page, in every language: axe-core (WCAG 2.2 AA) and what axe cannot see.

A page is one entry in PAGES: a name and how a browser gets there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.e2e.checks import LANGUAGE_CODES, PageCheck
from tests.e2e.patient import CONTINUE, answer, full_form, send_quickly

pytestmark = pytest.mark.e2e


def _continue(page: Page) -> None:
    with page.expect_navigation():
        page.click(CONTINUE)


def _choice_page(page: Page) -> None:
    answer(page, full_form(), pages=2)
    expect(page.locator("input[type=radio]").first).to_be_visible()


def _date_with_errors(page: Page) -> None:
    answer(page, full_form(), pages=1)
    page.fill("#id_date_of_birth_day", "31")
    _continue(page)
    expect(page.locator("#error-summary")).to_be_visible()


def _several_questions_with_errors(page: Page) -> None:
    answer(page, full_form(), pages=8)
    _continue(page)
    expect(page.locator(".error-message")).to_have_count(3)


def _checkboxes_with_errors(page: Page) -> None:
    answer(page, full_form(), pages=10)
    _continue(page)
    expect(page.locator("#error-summary")).to_be_visible()


def _check_answers(page: Page) -> None:
    answer(page, full_form())


def _check_answers_with_error(page: Page) -> None:
    answer(page, full_form())
    with page.expect_navigation():
        page.click("#send-form button[type=submit]")
    expect(page.locator("#error-summary")).to_be_visible()


def _confirmation_with_reasons(page: Page) -> None:
    send_quickly(
        page, full_form(has_implanted_electronic_device="yes", depth="unsure", skin_sensitivity=["unsure"])
    )
    expect(page.locator(".reasons li")).to_have_count(3)


def _one_page_sent_empty(page: Page) -> None:
    page.goto("/intake/all/")
    with page.expect_navigation():
        page.locator("#intake-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()


def _status_sent_empty(page: Page) -> None:
    page.goto("/status/")
    with page.expect_navigation():
        page.locator("#status-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()


def _login_refused(page: Page) -> None:
    User.objects.create_user("thea", password="correct-horse-battery")
    page.goto("/accounts/login/")
    page.fill("#id_username", "thea")
    page.fill("#id_password", "not-her-password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-danger")).to_be_visible()


PAGES: dict[str, Callable[[Page], None]] = {
    "home": lambda page: page.goto("/"),
    "step-text": lambda page: page.goto("/intake/"),
    "step-choice": _choice_page,
    "step-date-with-errors": _date_with_errors,
    "step-several-with-errors": _several_questions_with_errors,
    "step-checkboxes-with-errors": _checkboxes_with_errors,
    "check-answers": _check_answers,
    "check-answers-with-error": _check_answers_with_error,
    "confirmation": _confirmation_with_reasons,
    "one-page": lambda page: page.goto("/intake/all/"),
    "one-page-with-errors": _one_page_sent_empty,
    "no-note": lambda page: page.goto("/intake/result/"),
    "status": lambda page: page.goto("/status/"),
    "status-with-errors": _status_sent_empty,
    "login": lambda page: page.goto("/accounts/login/"),
    "login-refused": _login_refused,
}


@pytest.mark.parametrize("language", LANGUAGE_CODES)
@pytest.mark.parametrize("name", PAGES)
def test_page_passes_axe_and_the_checks_beyond_it(
    new_page: Callable[..., Page],
    viewport: str,
    name: str,
    language: str,
    check_page: PageCheck,
    screenshot: Callable[[Page, str], Path],
) -> None:
    page = new_page(viewport, language)
    PAGES[name](page)
    expect(page.locator("html")).to_have_attribute("lang", language)
    check_page(page)
    if viewport == "phone" and language != "en":
        # The narrowest screen, with the longer language, for a person to look at.
        page.set_viewport_size({"width": 320, "height": 640})
        screenshot(page, "320px")


def test_a_logged_in_therapist_page_passes_the_same_checks(
    therapist_page: Page, check_page: PageCheck
) -> None:
    therapist_page.goto("/")
    expect(therapist_page.get_by_role("button", name="Log out")).to_be_visible()
    check_page(therapist_page)
