"""What a patient does in the browser: answer each page with the keyboard or the mouse, check, send."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.checks import focus_is_shown
from tests.support.answers import make_answers

CONTACT = {"first_name": "Rosa", "last_name": "Reyes", "phone": "(555) 010-1234", "email": ""}
CONTINUE = "#intake-form button[type=submit]"
SEND = "#send-form button[type=submit]"
CHECK_URL = "/intake/check/"

# The names of the answers on the page in view, in page order.
_PAGE_FIELDS = """() => [...new Set([...document.querySelectorAll("#intake-form input:not([type=hidden])")]
  .map(e => e.name))]"""

_FORM_VALUES = """() => {
  const out = {};
  for (const el of document.getElementById("intake-form").elements) {
    if (!el.name || ["hidden", "submit", "button"].includes(el.type)) continue;
    if (el.type === "radio" || el.type === "checkbox") { if (el.checked) (out[el.name] ||= []).push(el.value); }
    else if (el.value) out[el.name] = el.value;
  }
  return out;
}"""


def full_form(**overrides: Any) -> dict[str, Any]:
    """Everything a complete questionnaire holds; an override of None leaves that field unanswered."""
    form = {**make_answers(), **CONTACT, "consent": True}
    form.update(overrides)
    return {name: value for name, value in form.items() if value is not None}


def form_values(page: Page) -> dict[str, Any]:
    """Every answer the page in view holds now, once its form is there."""
    expect(page.locator("#intake-form")).to_be_attached()
    values = page.evaluate(_FORM_VALUES)
    return {name: sorted(v) if isinstance(v, list) else v for name, v in values.items()}


def value_for(form: dict[str, Any], name: str) -> Any:
    """The form's answer for one box of a page: the date of birth as three boxes, day, month, year."""
    if name.startswith("date_of_birth_") and "date_of_birth" in form:
        year, month, day = form["date_of_birth"].split("-")
        return {"day": str(int(day)), "month": str(int(month)), "year": year}[name.rsplit("_", 1)[1]]
    return form.get(name)


def on_a_step(page: Page) -> bool:
    return page.locator("form.step-form").count() > 0


# ------------------------------------------------------------------ the keyboard alone


def _tab_until(page: Page, test: str, arg: Any, what: str, *, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = focus_is_shown(page)
        assert focus is None or focus["shown"], f"focus cannot be seen on {focus['what']}"
        if page.evaluate(test, arg):
            return
    raise AssertionError(f"the Tab key never reached {what}")


def tab_to_field(page: Page, name: str, value: str | None = None) -> None:
    """Presses Tab until the field (or its option with that value) has focus; focus must stay visible."""
    test = (
        "([n, v]) => document.activeElement.name === n && (v === null || document.activeElement.value === v)"
    )
    _tab_until(page, test, [name, value], f"{name}={value}")


def tab_to(page: Page, selector: str) -> None:
    _tab_until(page, "s => document.activeElement.matches(s)", selector, selector)


def _key_in(page: Page, name: str, value: Any) -> None:
    kind = page.locator(f"[name='{name}']").first.get_attribute("type")
    if kind == "radio":
        tab_to_field(page, name)
        values = page.locator(f"input[name='{name}']").evaluate_all("els => els.map(e => e.value)")
        # Tab lands on the first option; Space picks it, each arrow press moves down and picks.
        index = values.index(value)
        page.keyboard.press("Space" if index == 0 else "ArrowDown")
        for _ in range(index - 1):
            page.keyboard.press("ArrowDown")
    elif kind == "checkbox":
        for option in [None] if value is True else value:
            tab_to_field(page, name, option)
            page.keyboard.press("Space")
    else:
        tab_to_field(page, name)
        page.keyboard.type(value)


def answer_page(page: Page, form: dict[str, Any], *, keyboard: bool = False) -> None:
    """Answers the page in view from the form and presses "Continue" (with Enter, by keyboard)."""
    for name in page.evaluate(_PAGE_FIELDS):
        value = value_for(form, name)
        if value in (None, "", []):
            continue
        if keyboard:
            _key_in(page, name, value)
        else:
            _click_in(page, name, value)
    with page.expect_navigation():
        if keyboard:
            tab_to(page, CONTINUE)
            page.keyboard.press("Enter")
        else:
            page.click(CONTINUE)


def answer(page: Page, form: dict[str, Any], *, keyboard: bool = False, pages: int | None = None) -> None:
    """From the first page, answers page after page (all of them, or that many) up to "Check your answers"."""
    page.goto("/intake/")
    done = 0
    while on_a_step(page) and (pages is None or done < pages):
        answer_page(page, form, keyboard=keyboard)
        done += 1
    if pages is None:
        expect(page).to_have_url(CHECK_URL)


def send(page: Page, *, keyboard: bool = False) -> None:
    """On "Check your answers": ticks the consent and presses "Send"."""
    expect(page).to_have_url(CHECK_URL)
    with page.expect_navigation():
        if keyboard:
            tab_to_field(page, "consent")
            page.keyboard.press("Space")
            tab_to(page, SEND)
            page.keyboard.press("Enter")
        else:
            page.check("#id_consent")
            page.click(SEND)


# ------------------------------------------------------------------ the mouse (or a finger)


def _click_in(page: Page, name: str, value: Any) -> None:
    if value is True:
        page.check(f"input[name='{name}']")
    elif isinstance(value, list):
        for option in value:
            page.check(f"input[name='{name}'][value='{option}']")
    elif page.locator(f"input[name='{name}'][type=radio]").count():
        page.check(f"input[name='{name}'][value='{value}']")
    else:
        page.fill(f"[name='{name}']", value)


def send_quickly(page: Page, form: dict[str, Any]) -> None:
    """Answers every page and sends: for tests about the page after, not about answering."""
    answer(page, form)
    send(page)
