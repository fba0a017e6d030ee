"""A therapist's morning in a real browser: log in, filter the queue, open a submission, decide; and the
detail page on paper.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from screening.models import Decision
from tests.e2e.patient import tab_to
from tests.e2e.therapist import log_in, open_clinic, open_detail

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.e2e

Shot = Callable[[Page, str], Path]

NOTE = "Pacemaker removed in 2019 (cardiology letter on file). Depth: the tendon is just under the skin."
APPLY = "form.review-filter button[type=submit]"  # the first one is "Apply filter"
FIRST_ROW_LINK = "table.queue tbody tr:first-child th a"


def type_into(page: Page, selector: str, text: str) -> None:
    """Tabs to the field and types, as a person does; in a closed list, typing picks the option."""
    tab_to(page, selector)
    page.keyboard.type(text)


def test_a_therapist_logs_in_filters_the_queue_opens_a_submission_and_records_a_decision(
    new_page: Callable[..., Page], viewport: str, therapist: User, screenshot: Shot
) -> None:
    clinic = open_clinic(therapist)
    page = new_page(viewport)
    page.goto("/review/")
    expect(page).to_have_url("/accounts/login/?next=/review/")
    type_into(page, "#id_username", "thea")
    type_into(page, "#id_password", "correct-horse-battery")
    screenshot(page, "1-login")
    page.keyboard.press("Enter")

    expect(page).to_have_url("/review/")
    expect(page.locator("table.queue tbody tr")).to_have_count(4)
    screenshot(page, "2-queue")

    # The filter folds away behind its button until it is used.
    expect(page.locator("#id_search")).to_be_hidden()
    tab_to(page, "details.queue-filter > summary")
    page.keyboard.press("Enter")
    type_into(page, "#id_search", "reyes")
    type_into(page, "#id_outcome", "Likely not")
    expect(page.locator("#id_outcome")).to_have_value("not_suitable")
    tab_to(page, APPLY)
    page.keyboard.press("Enter")
    expect(page.locator("table.queue tbody tr")).to_have_count(1)
    expect(page.locator("#id_search")).to_have_value("reyes")
    expect(page.get_by_test_id("match-count")).to_contain_text("1 submission matches this filter.")
    screenshot(page, "3-filtered")

    tab_to(page, FIRST_ROW_LINK)
    page.keyboard.press("Enter")
    expect(page.locator("h1 .reference")).to_have_text(clinic.rosa.reference)
    expect(page.locator("table.answers tr.triggered")).to_have_count(2)
    screenshot(page, "4-detail")

    # Booking a patient the rules found likely not suitable goes against the outcome: it needs a note.
    tab_to(page, "#id_choice_0")
    page.keyboard.press("Space")
    expect(page.locator("#id_choice_0")).to_be_checked()
    type_into(page, "#id_note", NOTE)
    screenshot(page, "5-decision-with-note")
    tab_to(page, "form.decision-form button[type=submit]")
    page.keyboard.press("Enter")

    # Back in the queue, which keeps the filter: Rosa is decided, so she has left the undecided list.
    expect(page).to_have_url("/review/")
    expect(page.get_by_role("status")).to_have_text(f"Decision saved for {clinic.rosa.reference}.")
    expect(page.locator("table.queue")).to_have_count(0)
    expect(page.get_by_test_id("match-count")).to_contain_text("0 submissions match this filter.")
    screenshot(page, "6-queue-after-deciding")
    decision = Decision.objects.get(submission=clinic.rosa)
    assert (decision.therapist, decision.choice, decision.note) == (therapist, "suitable", NOTE)

    type_into(page, "#id_status", "Decided")
    expect(page.locator("#id_status")).to_have_value("decided")
    tab_to(page, APPLY)
    page.keyboard.press("Enter")
    row = page.locator("table.queue tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").last).to_contain_text("Suitable — book iontophoresis")
    expect(row.locator("td").last).to_contain_text("thea")
    screenshot(page, "7-queue-decided")

    tab_to(page, FIRST_ROW_LINK)
    page.keyboard.press("Enter")
    latest = page.locator("table.decisions tbody tr").first
    expect(page.locator("table.decisions tbody tr")).to_have_count(1)
    expect(latest).to_contain_text("Suitable — book iontophoresis")
    expect(latest).to_contain_text("against the automated outcome")
    expect(latest).to_contain_text(NOTE)
    expect(page.get_by_role("heading", name="Record a new decision")).to_be_visible()
    screenshot(page, "8-decision-in-history")

    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(latest).to_contain_text("Adecuado: programar iontoforesis")
    expect(latest).to_contain_text("en contra del resultado automático")
    screenshot(page, "9-history-in-spanish")


# Hidden on paper: what is only for the screen, and every form.
NOT_PRINTED = {
    "header": ".site-header",
    "footer": "body > footer",
    "back link": "main > p.no-print:not(.to-decision)",
    "link to the decision": ".to-decision-top",
    "decision form": "section:has(> form.decision-form)",
    "access log": "section:has(table.audit)",
    "erase section": "section.erase",
}
PRINTED = ("#patient-title", "#outcome-title", "#answers-title", "#decisions-title", "table.decisions")

_SHOWN = "els => els.filter(el => el.getClientRects().length > 0).map(el => el.outerHTML.slice(0, 60))"


def test_the_printed_detail_page_shows_the_patient_answers_outcome_and_decisions_and_no_forms(
    new_page: Callable[..., Page], therapist: User, live_server: LiveServer, screenshot: Shot
) -> None:
    clinic = open_clinic(therapist)
    page = new_page({"width": 794, "height": 1123})  # an A4 sheet at 96 pixels to the inch
    log_in(page, therapist, live_server.url)
    open_detail(page, clinic.omar)
    page.emulate_media(media="print")

    displays = {
        name: page.locator(selector).evaluate("el => getComputedStyle(el).display")
        for name, selector in NOT_PRINTED.items()
    }
    assert displays == dict.fromkeys(NOT_PRINTED, "none")
    assert page.locator("header, nav, footer, form, button, input, textarea").evaluate_all(_SHOWN) == []
    for selector in PRINTED:
        expect(page.locator(selector)).to_be_visible()
    expect(page.locator("table.decisions tbody tr")).to_have_count(2)
    expect(page.locator("table.answers tr.triggered")).to_contain_text("NS-ESTIM-REACTION")
    expect(page.locator("p.print-only").first).to_contain_text("Confidential patient information")
    screenshot(page, "printed")

    page.emulate_media(media="screen")  # on screen they are all there: print media hid them
    expect(page.locator("form.decision-form")).to_be_visible()
    expect(page.locator("section.erase")).to_be_visible()
