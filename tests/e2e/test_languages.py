"""A Spanish-speaking patient: chosen by the browser's language or by the switch, kept for the visit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from screening.models import Submission
from tests.e2e.patient import CONTINUE, answer, form_values, full_form, send
from tests.support.answers import make_answers

pytestmark = pytest.mark.e2e


def test_a_spanish_browser_gets_spanish_pages(new_page: Callable[..., Page]) -> None:
    page = new_page("phone", "es")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_text("Preguntas antes de la iontoforesis")
    expect(page.get_by_role("button", name="English")).to_be_visible()


def test_the_switch_keeps_spanish_for_the_visit_and_answers_are_stored_as_codes(
    new_page: Callable[..., Page], viewport: str, screenshot: Callable[[Page, str], Path]
) -> None:
    page = new_page(viewport, "en")
    page.goto("/")
    page.get_by_role("button", name="Español").click()
    expect(page.locator("h1")).to_have_text("Preguntas antes de la iontoforesis")
    page.get_by_role("link", name="Empezar las preguntas").click()
    expect(page.locator("#step-progress")).to_have_text("Paso 1 de 17")
    screenshot(page, "1-first-page")

    answer(page, full_form(pregnant="unsure"))
    expect(page.locator("h1")).to_have_text("Revise sus respuestas antes de enviarlas")
    screenshot(page, "2-check-your-answers")
    send(page)
    expect(page.locator("h1")).to_have_text("Sus respuestas se han enviado")
    expect(page.locator(".reasons")).to_contain_text("Usted tuvo dudas en una o más preguntas de seguridad.")
    screenshot(page, "3-confirmation")
    submission = Submission.objects.get()
    assert submission.language == "es"
    assert submission.answers == make_answers(pregnant="unsure")

    page.get_by_role("button", name="Terminar").click()
    expect(page.locator("h1")).to_have_text("Preguntas antes de la iontoforesis")


def test_switching_language_in_the_middle_keeps_the_answers(page: Page) -> None:
    answer(page, full_form(), pages=2)
    page.locator("a.back-link").click()
    # Wait for the page Back leads to: reading the form straight after the click raced the navigation.
    expect(page.locator("#id_date_of_birth_year")).to_have_value("1980")
    kept = form_values(page)
    page.get_by_role("button", name="Español").click()
    expect(page.locator("#step-progress")).to_have_text("Paso 2 de 17")
    assert form_values(page) == kept
    with page.expect_navigation():
        page.click(CONTINUE)
    expect(page.locator("h1")).to_have_text("¿Qué problema le está tratando su terapeuta?")
