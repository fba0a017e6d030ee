"""The status page and the front-desk tablet in a real browser, at phone and desktop size, in both languages.

The tablet's timings are shortened through settings (the pages render them into data attributes
and the meta refresh), so a test waits seconds, not minutes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from screening import services
from screening.models import DecisionChoice, Submission
from tests.e2e.checks import axe_violations, focus_is_shown, problems_beyond_axe, sideways_at
from tests.e2e.patient import answer, full_form, send
from tests.support.answers import make_answers
from tests.support.factories import SubmissionFactory

pytestmark = pytest.mark.e2e

Shot = Callable[[Page, str], Path]
STILL_THERE = {"en": "Are you still there?", "es": "¿Sigue ahí?"}
STILL_HERE = {"en": "Yes, I'm still here", "es": "Sí, sigo aquí"}
START = {"en": "Screening for iontophoresis", "es": "Preguntas antes de la iontoforesis"}


def _short_timings(settings: Any, **timings: int) -> None:
    settings.KIOSK_TIMINGS = {"confirmation": 60, "idle": 180, "grace": 60, "server_idle": 240, **timings}


def _axe_clean(page: Page) -> None:
    violations = [f"{v['id']}: {v['help']}: " + "; ".join(v["nodes"]) for v in axe_violations(page)]
    assert violations == [], page.url
    assert problems_beyond_axe(page) == []
    assert sideways_at(page) == {}


def _look_up(page: Page, reference: str, born: str = "1980-06-15") -> None:
    year, month, day = born.split("-")
    page.goto("/status/")
    page.fill("#id_reference", reference)
    page.fill("#id_date_of_birth_day", str(int(day)))
    page.fill("#id_date_of_birth_month", str(int(month)))
    page.fill("#id_date_of_birth_year", year)
    with page.expect_navigation():
        page.locator("#status-form button[type=submit]").click()


# ------------------------------------------------------------------ the status page


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_status_page_empty_refused_and_each_answer_passes_axe(
    new_page: Callable[..., Page], viewport: str, language: str, screenshot: Shot, therapist: User
) -> None:
    page = new_page(viewport, language)
    waiting = SubmissionFactory(
        phone="(555) 010-4321", answers=make_answers(has_implanted_electronic_device="yes")
    )
    reviewed = SubmissionFactory(phone="(555) 010-4321")
    no_phone = SubmissionFactory(phone="", email="rosa@example.com")
    for submission, choice in ((reviewed, DecisionChoice.NOT_SUITABLE), (no_phone, DecisionChoice.SUITABLE)):
        services.decision_record(
            submission=submission, therapist=therapist, choice=choice, note="Checked.", seen_decision_id=None
        )

    page.goto("/")
    with page.expect_navigation():
        page.locator("main a[href='/status/']").click()
    expect(page.locator("h1")).to_be_visible()
    _axe_clean(page)
    screenshot(page, "1-empty")

    with page.expect_navigation():
        page.locator("#status-form button[type=submit]").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error:")
    _axe_clean(page)
    screenshot(page, "2-errors")

    _look_up(page, "k7mq 4xpd" if waiting.reference != "K7MQ-4XPD" else "k7mq 4xpe")
    expect(page).to_have_url("/status/")
    expect(summary).to_be_focused()
    expect(page.locator("#id_reference")).to_have_value("")
    _axe_clean(page)
    screenshot(page, "3-not-found")

    for name, submission in (("received", waiting), ("reviewed", reviewed), ("call", no_phone)):
        _look_up(page, submission.reference.lower())
        expect(page).to_have_url("/status/result/")
        panel = page.get_by_test_id("status")
        expect(panel).to_have_class(f"status-panel status-{name}")
        text = page.locator("main").inner_text()
        assert submission.first_name not in text
        assert "suitable" not in text.lower() and "adecuad" not in text.lower()
        _axe_clean(page)
        screenshot(page, f"4-{name}")
        page.reload()  # shown once: a reload asks again
        expect(page).to_have_url("/status/")


# ------------------------------------------------------------------ the front-desk tablet


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_tablet_asks_then_wipes_a_half_finished_visit_and_back_shows_nothing(
    new_page: Callable[..., Page], viewport: str, language: str, settings: Any, screenshot: Shot
) -> None:
    _short_timings(settings, idle=2, grace=3)
    page = new_page(viewport, language)
    page.goto("/kiosk/")
    expect(page.locator("h1")).to_have_text(START[language])
    answer(page, full_form(), pages=3)  # name, date of birth, condition: on the sore-spot page
    page.evaluate("sessionStorage.setItem('left', 'behind'); localStorage.setItem('left', 'behind')")

    prompt = page.get_by_role("alertdialog", name=STILL_THERE[language])
    expect(prompt).to_be_visible(timeout=8_000)
    expect(page.get_by_role("button", name=STILL_HERE[language])).to_be_focused()
    screenshot(page, "1-still-there")

    # Nobody answers: the start page replaces the question, and the server has forgotten the visit.
    expect(page).to_have_url("/", timeout=10_000)
    expect(page.locator("h1")).to_have_text(START[language])
    assert page.evaluate("sessionStorage.length + localStorage.length") == 0
    page.go_back()
    # The page before the wiped one: fetched again, the server sends the first page, empty.
    expect(page).to_have_url("/intake/name/")
    expect(page.locator("#id_first_name")).to_have_value("")
    expect(page.locator("#id_last_name")).to_have_value("")
    assert "Rosa" not in page.content()
    screenshot(page, "2-back-after-the-wipe")


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_still_there_prompt_passes_axe_and_yes_keeps_the_answers(
    new_page: Callable[..., Page], viewport: str, language: str, settings: Any, screenshot: Shot
) -> None:
    _short_timings(settings, idle=2, grace=60)
    page = new_page(viewport, language)
    page.goto("/kiosk/")
    answer(page, full_form(), pages=1)
    prompt = page.get_by_role("alertdialog", name=STILL_THERE[language])
    expect(prompt).to_be_visible(timeout=8_000)
    button = page.get_by_role("button", name=STILL_HERE[language])
    expect(button).to_be_focused()
    _axe_clean(page)
    page.keyboard.press("Tab")
    expect(button).to_be_focused()  # the only thing to do while it asks
    assert (focus_is_shown(page) or {}).get("shown")
    screenshot(page, "prompt")
    button.click()
    expect(prompt).to_be_hidden()
    expect(page).to_have_url("/intake/date-of-birth/")
    page.goto("/intake/name/")
    expect(page.locator("#id_first_name")).to_have_value("Rosa")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_confirmation_returns_to_the_start_by_itself(
    new_page: Callable[..., Page], viewport: str, javascript: bool, settings: Any, screenshot: Shot
) -> None:
    _short_timings(settings, confirmation=3)
    page = new_page(viewport, javascript=javascript)
    page.goto("/kiosk/")
    answer(page, full_form())
    send(page)
    expect(page).to_have_url("/intake/result/")
    expect(page.get_by_text("This page will close in 3 seconds.")).to_be_visible()
    expect(page.get_by_role("button", name="Finish now")).to_be_visible()
    screenshot(page, "confirmation")
    expect(page).to_have_url("/", timeout=10_000)
    assert Submission.objects.count() == 1
    page.go_back()
    expect(page.locator("h1")).not_to_have_text("Your answers have been sent")
    assert Submission.objects.get().reference not in page.content()


def test_finish_now_clears_the_storage_and_opens_the_start(new_page: Callable[..., Page]) -> None:
    page = new_page("phone")
    page.goto("/kiosk/")
    answer(page, full_form())
    send(page)
    page.evaluate("sessionStorage.setItem('left', 'behind')")
    with page.expect_navigation():
        page.get_by_role("button", name="Finish now").click()
    expect(page).to_have_url("/")
    assert page.evaluate("sessionStorage.length + localStorage.length") == 0
