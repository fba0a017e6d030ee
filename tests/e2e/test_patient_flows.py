"""A patient's visit in a real browser, at phone and at desktop size: answer, fix mistakes, get the note."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from screening.models import Submission
from tests.e2e.patient import (
    SEND,
    answer,
    answer_with_keyboard,
    form_values,
    full_form,
    send,
    shown_values,
    tab_to,
)
from tests.support.answers import make_answers

pytestmark = pytest.mark.e2e

Shot = Callable[[Page, str], Path]


def read_note(page: Page) -> str:
    expect(page).to_have_url("/intake/result/")
    expect(page.locator("h1")).to_have_text("Your screening note")
    reference = Submission.objects.get().reference
    expect(page.get_by_test_id("reference")).to_have_text(reference)
    return page.locator("main").inner_text()


def test_keyboard_alone_answers_every_question_and_reads_the_note(page: Page, screenshot: Shot) -> None:
    page.goto("/intake/")
    expect(page.locator("#step-progress")).to_have_text("Step 1 of 5: About you")
    screenshot(page, "1-first-step")
    answer_with_keyboard(page, full_form())
    note = read_note(page)
    assert "may be a good fit" in note
    assert Submission.objects.get().answers == make_answers()
    screenshot(page, "2-note")


def test_without_javascript_the_keyboard_alone_still_gets_the_note(
    new_page: Callable[..., Page], viewport: str, screenshot: Shot
) -> None:
    page = new_page(viewport, javascript=False)
    page.goto("/intake/")
    expect(page.locator("#step-progress")).to_have_count(0)
    expect(page.locator("fieldset.intake-section:visible")).to_have_count(5)
    answer_with_keyboard(page, full_form(depth="unsure", has_implanted_electronic_device="yes"))
    note = read_note(page)
    assert "likely not right for you" in note
    assert "device inside your body that uses electricity" in note
    screenshot(page, "note")


def test_mistakes_lead_to_a_summary_whose_links_reach_each_field_and_no_answer_is_lost(
    page: Page, screenshot: Shot
) -> None:
    form = full_form(pregnant=None, phone=None, consent=None)
    page.goto("/intake/")
    answer(page, form)
    send(page)

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(
        "Please check your answers – Screening questions · Ionto Screen Physical Therapy"
    )
    assert form_values(page) == shown_values(form)
    screenshot(page, "1-error-summary")

    # Each link focuses its field and shows its question, not only the first option of a choice.
    questions = {
        "id_phone": "Phone",
        "id_pregnant_0": "Are you pregnant, or could you be pregnant?",
        "id_consent": "I agree that the clinic stores my answers",
    }
    links = summary.locator("a")
    expect(links).to_have_count(len(questions))
    for link, (target, question) in zip(links.all(), questions.items(), strict=True):
        expect(link).to_have_attribute("href", f"#{target}")
        link.focus()
        page.keyboard.press("Enter")
        expect(page.locator(f"#{target}")).to_be_focused()
        expect(page.locator(f"#{target}")).to_be_in_viewport()
        expect(page.locator("legend, label").filter(has_text=question).first).to_be_in_viewport()
    screenshot(page, "2-focus-on-consent")

    page.check("#id_pregnant_1")
    page.fill("#id_phone", "(555) 010-1234")
    page.check("#id_consent")
    assert form_values(page) == shown_values(full_form())
    tab_to(page, SEND)
    page.keyboard.press("Enter")
    read_note(page)
    assert Submission.objects.get().answers == make_answers()
    screenshot(page, "3-note")


def test_reload_and_back_in_the_middle_keep_every_answer(page: Page, screenshot: Shot) -> None:
    form = full_form()
    page.goto("/intake/")
    answer(page, form, stop_after_section=2)
    kept = form_values(page)
    assert kept["first_name"] == "Rosa" and kept["condition"] == ["tendonitis"]
    expect(page.locator("#step-progress")).to_have_text("Step 2 of 5: Your condition")

    page.reload()
    expect(page.locator("#step-progress")).to_have_text("Step 2 of 5: Your condition")
    assert form_values(page) == kept
    screenshot(page, "1-after-reload")

    page.go_back()  # the browser's Back goes to the previous section, not off the page
    expect(page.locator("#step-progress")).to_have_text("Step 1 of 5: About you")
    expect(page.locator("#id_first_name")).to_have_value("Rosa")

    page.click("a.site-name")  # leave the questionnaire, then come back with Back
    expect(page).to_have_url("/")
    page.go_back()
    expect(page.locator("#step-progress")).to_have_text("Step 1 of 5: About you")
    assert form_values(page) == kept
    screenshot(page, "2-after-leaving-and-back")

    answer(page, form)
    send(page)
    read_note(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_nothing_stays_in_the_browser_after_sending(
    new_page: Callable[..., Page], viewport: str, javascript: bool, screenshot: Shot
) -> None:
    page = new_page(viewport, javascript=javascript)
    page.goto("/intake/")
    answer(page, full_form())
    send(page)
    read_note(page)

    page.go_back()
    expect(page).to_have_url("/intake/")
    assert form_values(page) == {}
    screenshot(page, "1-back-after-sending")
    page.goto("/intake/")
    assert form_values(page) == {}
    if javascript:
        assert page.evaluate("sessionStorage.length") == 0


def test_start_over_leaves_nothing_behind(page: Page, screenshot: Shot) -> None:
    page.goto("/intake/")
    answer(page, full_form(), stop_after_section=3)
    page.reload()
    assert form_values(page)["last_name"] == "Reyes"

    page.get_by_role("button", name="Start over and clear my answers").click()
    expect(page).to_have_url("/intake/")
    expect(page.locator("#step-progress")).to_have_text("Step 1 of 5: About you")
    assert form_values(page) == {}
    assert page.evaluate("sessionStorage.length") == 0
    page.go_back()
    assert form_values(page) == {}
    screenshot(page, "back-after-start-over")
