"""What we check on every page, read off the page in the browser: axe-core, and what axe cannot see."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from playwright.sync_api import Page

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

PageCheck = Callable[[Page], None]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now (axe is injected, not fetched)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
            .then(r => r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary)})))""",
        AXE_TAGS,
    )


# What axe cannot judge, read off the rendered page. Each entry: a problem description per element.
_BEYOND_AXE = """() => {
  const problems = [];
  const name = el => el.id ? "#" + el.id : el.outerHTML.slice(0, 80);
  const shown = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const text = el => (el && el.textContent || "").trim();
  for (const s of document.querySelectorAll("script:not([src]), style, [style]")) problems.push("inline script or style: " + name(s));
  for (const el of document.querySelectorAll("*")) for (const a of el.getAttributeNames())
    if (a.startsWith("on")) problems.push("inline event handler " + a + ": " + name(el));
  for (const field of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    if (!shown(field)) continue;
    const label = field.id && document.querySelector(`label[for="${field.id}"]`);
    if (!label || !shown(label) || !text(label)) problems.push("no visible label: " + name(field));
    if (field.type === "radio" || (field.type === "checkbox" && document.getElementsByName(field.name).length > 1)) {
      const group = field.closest("fieldset");
      if (!group || !text(group.querySelector("legend"))) problems.push("choice outside a fieldset with a legend: " + name(field));
    }
    if (field.getAttribute("aria-invalid") === "true") {
      const holder = field.closest("[aria-describedby]");
      const ids = holder ? holder.getAttribute("aria-describedby").split(/\\s+/) : [];
      const errors = ids.map(id => document.getElementById(id)).filter(e => e && (e.classList.contains("invalid-feedback") || e.classList.contains("error-message")) && text(e));
      if (!errors.length) problems.push("error not tied to its field by aria-describedby: " + name(field));
    }
  }
  const targets = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  for (const t of document.querySelectorAll(targets)) {
    if (!shown(t) || getComputedStyle(t).display === "inline") continue;  // links inside a sentence are exempt
    const box = t.getBoundingClientRect();
    if (box.width <= 1 && box.height <= 1) continue;  // the skip link, until it has focus
    if (box.width < 24 || box.height < 24) problems.push(`target ${Math.round(box.width)}x${Math.round(box.height)} px: ` + name(t));
  }
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) problems.push(`scrolls sideways: ${root.scrollWidth} px of content in ${root.clientWidth} px`);
  return problems;
}"""

_FOCUS_OF = """el => {
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
  return {shown: outline || s.boxShadow !== "none", what: el.id || el.name || el.outerHTML.slice(0, 60)};
}"""
_FOCUS_SHOWN = f"""() => {{
  const el = document.activeElement;
  return !el || el === document.body ? null : ({_FOCUS_OF})(el);
}}"""
# Focuses every element that can take focus, one after the other, and lists those with no visible
# indicator (what a closed <details> hides is left out: Tab does not reach it). Run after a real Tab press, so the browser draws focus as it does for keyboard users.
_UNFOCUSED = f"""() => {{
  const focusOf = {_FOCUS_OF};
  const hidden = [];
  for (const el of document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, [tabindex]")) {{
    if (el.disabled || !(el.offsetWidth || el.offsetHeight || el.getClientRects().length)) continue;
    // Inside a closed <details> only its <summary> is on the page: Tab skips the rest until it opens.
    const closed = el.closest("details:not([open])");
    if (closed && el.closest("summary") !== closed.querySelector(":scope > summary")) continue;
    el.focus();
    const focus = focusOf(el);
    if (!focus.shown) hidden.push(focus.what);
  }}
  return hidden;
}}"""


def problems_beyond_axe(page: Page) -> list[str]:
    """Visible labels, fieldsets, errors tied to fields, 24 px targets, no sideways scroll, no inline code."""
    return page.evaluate(_BEYOND_AXE)


def focus_is_shown(page: Page) -> dict[str, Any] | None:
    """Whether the focused element has a visible focus indicator (None when nothing is focused)."""
    return page.evaluate(_FOCUS_SHOWN)


def unfocused_elements(page: Page) -> list[str]:
    """The elements whose focus could not be seen (the keyboard flows also check at every Tab)."""
    page.keyboard.press("Tab")
    return page.evaluate(_UNFOCUSED)


def sideways_at(page: Page, widths: tuple[int, ...] = (320, 640)) -> dict[int, list[str]]:
    """Sideways scrolling at each width: 320 px (WCAG reflow) and 640 px (a 1280 px window at 200 %)."""
    before = page.viewport_size
    found = {}
    for width in widths:
        page.set_viewport_size({"width": width, "height": 640})
        found[width] = [p for p in problems_beyond_axe(page) if "sideways" in p]
    page.set_viewport_size(before)
    return {width: problems for width, problems in found.items() if problems}
