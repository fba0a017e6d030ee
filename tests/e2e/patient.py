"""What a patient does in the browser: answer with the keyboard or the mouse, step through, send."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

from tests.e2e.checks import focus_is_shown
from tests.support.answers import make_answers

CONTACT = {"first_name": "Rosa", "last_name": "Reyes", "phone": "(555) 010-1234", "email": ""}
# Any hidden section's "Next", and the button that sends the form.
NEXT = ".step-nav .btn-primary"
SEND = "[data-step-actions] button[type=submit]"

_FORM_VALUES = """() => {
  const out = {};
  for (const el of document.getElementById("intake-form").elements) {
    if (!el.name || ["hidden", "submit", "button"].includes(el.type)) continue;
    if (el.type === "radio" || el.type === "checkbox") { if (el.checked) (out[el.name] ||= []).push(el.value); }
    else if (el.value) out[el.name] = el.value;
  }
  return out;
}"""

_SECTIONS = """() => [...document.querySelectorAll("fieldset.intake-section")].map(s =>
  [...new Set([...s.querySelectorAll("input:not([type=hidden]), select, textarea")].map(e => e.name))])"""


def full_form(**overrides: Any) -> dict[str, Any]:
    """Everything a complete questionnaire holds; an override of None leaves that field unanswered."""
    form = {**make_answers(), **CONTACT, "consent": True}
    form.update(overrides)
    return {name: value for name, value in form.items() if value is not None}


def shown_values(form: dict[str, Any]) -> dict[str, Any]:
    """The form as form_values() reads it back from the page."""
    out = {}
    for name, value in form.items():
        if value is True:
            out[name] = ["on"]
        elif isinstance(value, list):
            out[name] = sorted(value)
        elif value:
            out[name] = value if name in CONTACT or name == "date_of_birth" else [value]
    return out


def form_values(page: Page) -> dict[str, Any]:
    """Every answer the page holds now, in every section, shown or not."""
    values = page.evaluate(_FORM_VALUES)
    return {name: sorted(v) if isinstance(v, list) else v for name, v in values.items()}


def steps_on(page: Page) -> bool:
    return page.locator("#step-progress").count() > 0


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
    elif kind == "date":
        tab_to_field(page, name)
        year, month, day = value.split("-")
        page.keyboard.type(month + day + year)  # an en-US date box takes month, day, year
    else:
        tab_to_field(page, name)
        page.keyboard.type(value)


def answer_with_keyboard(page: Page, form: dict[str, Any]) -> None:
    """Answers every question in page order with Tab, Space, the arrows and typing; sends with Enter."""
    sections = page.evaluate(_SECTIONS)
    for number, names in enumerate(sections, start=1):
        for name in names:
            if name in form:
                _key_in(page, name, form[name])
        if steps_on(page) and number < len(sections):
            tab_to(page, "fieldset.intake-section:not([hidden]) .step-nav .btn-primary")
            page.keyboard.press("Enter")
            assert page.evaluate("document.activeElement.id") == "step-progress"
    tab_to(page, SEND)
    page.keyboard.press("Enter")


# ------------------------------------------------------------------ the mouse (or a finger)


def answer(page: Page, form: dict[str, Any], *, stop_after_section: int | None = None) -> None:
    """Fills in the form section by section, pressing Next when steps are shown."""
    sections = page.evaluate(_SECTIONS)
    for number, names in enumerate(sections, start=1):
        already = form_values(page)
        for name in names:
            if name in form and already.get(name) != shown_values({name: form[name]}).get(name):
                _click_in(page, name, form[name])
        if number == stop_after_section:
            return
        next_button = page.locator(f"fieldset.intake-section:not([hidden]) {NEXT}")
        if steps_on(page) and number < len(sections):
            next_button.click()


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


def send(page: Page) -> None:
    page.click(SEND)


_SET_VALUES = """form => {
  for (const [name, value] of Object.entries(form)) for (const el of document.getElementsByName(name)) {
    if (el.type === "radio" || el.type === "checkbox")
      el.checked = value === true || value === el.value || (Array.isArray(value) && value.includes(el.value));
    else el.value = value;
  }
}"""


def send_quickly(page: Page, form: dict[str, Any]) -> None:
    """Sets every answer at once and sends: for tests about the next page, not about answering."""
    page.evaluate(_SET_VALUES, form)
    while page.locator(f"fieldset.intake-section:not([hidden]) {NEXT}").count():
        page.click(f"fieldset.intake-section:not([hidden]) {NEXT}")
    page.click(SEND)
