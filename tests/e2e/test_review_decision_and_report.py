"""Issue 12 in a real browser: the decision in reach on the detail page, focus on the error summary
after a refused decision, and the rules report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from screening import services
from tests.e2e.therapist import log_in, open_clinic, open_detail

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.e2e

Shot = Callable[[Page, str], Path]
SUBMIT = "form.decision-form button[type=submit]"
# From the top of the page: the skip link, the header's five links and buttons, "Back to the queue",
# "Record a decision" (a shortcut from the top, shown on a phone and on focus beside the form), the
# patient's phone and e-mail, one "Sources" per reason, then the first choice.
MOST_TABS_TO_THE_DECISION = 14

_IN_VIEW = """el => { const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; }"""


def tabs_to(page: Page, selector: str, most: int = 40) -> int:
    """Tab presses from a page just opened (nothing focused yet) until the selector has focus."""
    for n in range(1, most + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return n
    raise AssertionError(f"{selector} not reached in {most} Tab presses")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_refused_override_opens_at_the_form_with_focus_on_the_error_summary(
    new_page: Callable[..., Page],
    viewport: str,
    javascript: bool,
    therapist: User,
    live_server: LiveServer,
    screenshot: Shot,
) -> None:
    clinic = open_clinic(therapist)
    page = new_page(viewport, javascript=javascript)
    log_in(page, therapist, live_server.url)
    open_detail(page, clinic.rosa)
    page.check("#id_choice_0")  # booking a patient the rules found likely not suitable, without a note
    page.locator(SUBMIT).click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert summary.evaluate(_IN_VIEW), "the error summary is on the screen, not two screens below"
    expect(summary).to_contain_text("Your decision was not saved")
    expect(summary.get_by_role("link")).to_have_text(
        "This decision goes against the automated outcome: please say why in the note, so the clinic "
        "can learn from it."
    )
    expect(page).to_have_title("Error: Screening submission · Ionto Screen Physical Therapy")
    screenshot(page, f"refused-override-{viewport}")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#id_note")).to_be_focused()


def test_a_decision_made_meanwhile_puts_focus_on_the_error_summary_too(
    therapist_page: Page, therapist: User, screenshot: Shot
) -> None:
    clinic = open_clinic(therapist)
    open_detail(therapist_page, clinic.rosa)
    services.decision_record(
        submission=clinic.rosa,
        therapist=User.objects.get(username="tomas"),
        choice="call_patient",
        note="",
        seen_decision_id=None,
    )
    therapist_page.check("#id_choice_1")
    therapist_page.locator(SUBMIT).click()
    summary = therapist_page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("[data-testid=conflict]")).to_contain_text(
        "tomas decided “Call the patient first”"
    )
    screenshot(therapist_page, "conflict")


def test_the_first_decision_choice_is_a_few_tab_presses_from_the_top(
    new_page: Callable[..., Page], viewport: str, therapist: User, live_server: LiveServer
) -> None:
    clinic = open_clinic(therapist)
    page = new_page(viewport)
    log_in(page, therapist, live_server.url)
    open_detail(page, clinic.rosa)
    presses = tabs_to(page, "#id_choice_0")
    assert presses <= MOST_TABS_TO_THE_DECISION
    # The shortcut: "Record a decision" comes straight after "Back to the queue"; Enter, then one Tab.
    open_detail(page, clinic.rosa)
    link = tabs_to(page, ".to-decision-top a")
    assert link == 9
    expect(page.locator(".to-decision-top a")).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#id_choice_0")).to_be_focused()
    print(f"Tab presses to the first choice at {viewport}: {presses}; to the shortcut: {link}")


def test_beside_the_answers_the_decision_stays_in_view_while_they_scroll(
    therapist_page: Page, therapist: User, screenshot: Shot
) -> None:
    clinic = open_clinic(therapist)
    open_detail(therapist_page, clinic.rosa)
    therapist_page.locator("#answers-title").scroll_into_view_if_needed()
    therapist_page.mouse.wheel(0, 1500)
    therapist_page.wait_for_timeout(100)
    assert therapist_page.locator("#id_choice_0").evaluate(_IN_VIEW)
    assert not therapist_page.locator("#outcome-title").evaluate(_IN_VIEW)  # the page did scroll
    screenshot(therapist_page, "detail-scrolled-desktop")


def test_the_report_shows_the_override_of_omars_rule_and_its_note(
    new_page: Callable[..., Page],
    viewport: str,
    therapist: User,
    live_server: LiveServer,
    screenshot: Shot,
) -> None:
    open_clinic(therapist)
    page = new_page(viewport)
    log_in(page, therapist, live_server.url)
    page.goto("/review/")
    page.get_by_role("link", name="Rules report").click()
    expect(page.locator("h1")).to_have_text("Rules report")
    row = page.locator("table.report-rules tr[data-code=NS-ESTIM-REACTION]")
    expect(row.locator("td")).to_have_text(["1", "1", "1", "100 %"])
    expect(page.locator("svg.chart")).to_have_count(2)
    screenshot(page, f"report-{viewport}")
    row.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("Decisions against the automated outcome")
    expect(page.locator("table.notes tbody tr")).to_contain_text("home TENS unit in 2009")
    screenshot(page, f"report-notes-{viewport}")

    page.goto("/review/report/?date_from=2026-11-30&date_to=2026-11-01")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("The first date must not be after the second.")
    screenshot(page, f"report-bad-dates-{viewport}")
