"""A patient's visit in a real browser, page by page, at phone and desktop size, with and without JavaScript."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from screening.forms.steps import STEPS
from screening.models import Submission
from tests.e2e.patient import CHECK_URL, CONTINUE, answer, answer_page, form_values, full_form, send
from tests.support.answers import make_answers

pytestmark = pytest.mark.e2e

Shot = Callable[[Page, str], Path]
SENT = {"en": "Your answers have been sent", "es": "Sus respuestas se han enviado"}


def read_confirmation(page: Page, language: str = "en") -> str:
    expect(page).to_have_url("/intake/result/")
    expect(page.locator("h1")).to_have_text(SENT[language])
    expect(page.get_by_test_id("reference")).to_have_text(Submission.objects.get().reference)
    return page.locator("main").inner_text()


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_keyboard_only_patient_reaches_the_confirmation(
    new_page: Callable[..., Page], viewport: str, javascript: bool, language: str, screenshot: Shot
) -> None:
    page = new_page(viewport, language, javascript=javascript)
    page.goto("/intake/")
    expect(page.locator("#step-progress")).to_have_text(
        f"Step 1 of {len(STEPS)}" if language == "en" else f"Paso 1 de {len(STEPS)}"
    )
    screenshot(page, "1-first-page")
    answer(page, full_form(), keyboard=True)
    screenshot(page, "2-check-your-answers")
    send(page, keyboard=True)
    read_confirmation(page, language)
    screenshot(page, "3-confirmation")
    submission = Submission.objects.get()
    assert submission.answers == make_answers()
    assert submission.language == language


def test_an_empty_page_comes_back_with_a_summary_whose_link_reaches_the_field(
    page: Page, screenshot: Shot
) -> None:
    answer(page, full_form(), pages=5)  # up to the device question
    expect(page.locator("h1")).to_have_text(
        "Do you have a device inside your body that runs on a battery or electricity?"
    )
    with page.expect_navigation():
        page.click(CONTINUE)
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: ")
    screenshot(page, "1-error")
    link = summary.locator("a")
    expect(link).to_have_attribute("href", "#id_has_implanted_electronic_device_0")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_has_implanted_electronic_device_0")).to_be_focused()
    expect(page.locator("legend h1")).to_be_in_viewport()
    assert not Submission.objects.exists()


def test_answers_are_at_least_40_px_and_tappable_across_the_whole_label(page: Page) -> None:
    answer(page, full_form(), pages=10)  # the skin reactions: a page of checkboxes
    sizes = page.locator(".choice input").evaluate_all(
        "els => els.map(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])"
    )
    assert sizes and all(w >= 40 and h >= 40 for w, h in sizes), sizes
    labels = page.locator(".choice label").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert all(h >= 40 for h in labels), labels
    label = page.locator("label[for='id_skin_sensitivity_2']")
    box = label.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] - 5, box["y"] + box["height"] / 2)  # the far end of the label
    expect(page.locator("#id_skin_sensitivity_2")).to_be_checked()


def test_none_of_these_unticks_the_other_answers_and_the_reverse(page: Page) -> None:
    answer(page, full_form(), pages=10)
    page.uncheck("#id_skin_sensitivity_3")
    page.check("#id_skin_sensitivity_0")
    page.check("#id_skin_sensitivity_1")
    page.check("#id_skin_sensitivity_3")  # "None"
    assert form_values(page)["skin_sensitivity"] == ["none"]
    page.check("#id_skin_sensitivity_2")
    assert form_values(page)["skin_sensitivity"] == ["sensitive_skin"]


def test_without_javascript_the_server_still_refuses_none_with_another_answer(
    new_page: Callable[..., Page], viewport: str
) -> None:
    page = new_page(viewport, javascript=False)
    answer(page, full_form(), pages=10)
    page.check("#id_skin_sensitivity_3")  # "None" ...
    page.check("#id_skin_sensitivity_0")  # ... and another answer: nothing unticks it without JavaScript
    with page.expect_navigation():
        page.click(CONTINUE)
    expect(page.locator(".error-message")).to_contain_text('"None" cannot be chosen together')


def test_back_and_change_keep_every_answer(page: Page, screenshot: Shot) -> None:
    answer(page, full_form(), pages=3)
    page.locator("a.back-link").click()
    expect(page.locator("#id_condition_0")).to_be_checked()
    page.locator("a.back-link").click()
    expect(page.locator("#id_date_of_birth_year")).to_have_value("1980")
    screenshot(page, "1-back-keeps-the-date")
    page.go_back()  # the browser's own Back, to the page with the patient's condition
    expect(page.locator("#id_condition_0")).to_be_checked()

    answer(page, full_form())
    page.get_by_role("link", name="Change Are you pregnant, or could you be pregnant?").click()
    page.check("#id_pregnant_2")
    with page.expect_navigation():
        page.click(CONTINUE)
    expect(page).to_have_url(CHECK_URL)
    expect(page.locator("main")).to_contain_text("Not sure")
    screenshot(page, "2-check-after-a-change")
    send(page)
    read_confirmation(page)
    assert Submission.objects.get().answers == make_answers(pregnant="unsure")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_after_finish_back_shows_no_answers_and_no_resubmission(
    new_page: Callable[..., Page], viewport: str, javascript: bool, screenshot: Shot
) -> None:
    page = new_page(viewport, javascript=javascript)
    answer(page, full_form())
    send(page)
    read_confirmation(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Finish").click()
    expect(page).to_have_url("/")
    page.go_back()
    expect(page.locator("h1")).to_have_text("Nothing to show")
    screenshot(page, "1-back-after-finish")
    page.go_back()  # to "Check your answers": gone with the session, so the first page, empty
    expect(page).to_have_url("/intake/name/")
    assert "Rosa" not in page.content()
    page.goto("/intake/")
    assert form_values(page) == {}


def test_start_over_leaves_nothing_behind(page: Page) -> None:
    answer(page, full_form(), pages=3)
    page.get_by_role("button", name="Start over and clear my answers").click()
    expect(page).to_have_url("/intake/name/")
    assert form_values(page) == {}
    page.go_back()
    assert "Reyes" not in page.content()


def test_the_printed_confirmation_lists_every_reason_in_large_type(
    new_page: Callable[..., Page], screenshot: Shot, tmp_path: Path
) -> None:
    page = new_page("desktop")
    answer(
        page, full_form(has_implanted_electronic_device="yes", depth="unsure", skin_sensitivity=["unsure"])
    )
    send(page)
    read_confirmation(page)
    page.emulate_media(media="print")
    reasons = page.locator(".reasons li")
    expect(reasons).to_have_count(3)
    for reason in reasons.all():
        expect(reason).to_be_visible()
    sizes = page.locator("main p, main li").evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert min(sizes) >= 11 * 96 / 72, sizes  # 11 pt in CSS pixels
    expect(page.get_by_role("button", name="Finish")).to_be_hidden()
    page.pdf(path=str(tmp_path / "confirmation.pdf"))
    screenshot(page, "printed")


def test_the_confirmation_printed_to_pdf_reads_back_every_reason_and_the_clinic_phone(
    new_page: Callable[..., Page], viewport: str, tmp_path: Path
) -> None:
    # Chromium's page.pdf() prints with the print stylesheet; pypdf reads back what is on paper.
    page = new_page(viewport)
    flags = {
        "body_area": "neck",
        "depth": "unsure",
        "has_implanted_electronic_device": "yes",
        "reduced_feeling_at_site": "yes",
        "metal_near_site": "unsure",
        "skin_sensitivity": ["unsure"],
        "heart_or_seizure_condition": "yes",
        "can_attend_sessions": "no",
    }
    answer(page, full_form(**flags))
    send(page)
    read_confirmation(page)
    pdf = tmp_path / "confirmation.pdf"
    page.pdf(path=str(pdf))
    reader = PdfReader(pdf)
    # NFKC: the PDF's font sets "fi" as one ligature glyph; the apostrophe may come back curly.
    printed = unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in reader.pages))
    text = " ".join(printed.split()).replace("\u2019", "'")
    reasons = Submission.objects.get().reasons
    assert len(reasons) >= 8
    for reason in reasons:
        assert " ".join(reason.patient_text.split()) in text, reason.code
    assert settings.CLINIC_PHONE in text
    assert Submission.objects.get().reference in text
    assert "Finish" not in text  # the print stylesheet leaves the buttons off the paper


def test_a_later_page_opened_by_its_address_sends_the_patient_back_to_the_first_unanswered(
    page: Page,
) -> None:
    page.goto("/intake/allergies/")
    expect(page).to_have_url("/intake/name/")
    answer_page(page, full_form())
    expect(page).to_have_url("/intake/date-of-birth/")
