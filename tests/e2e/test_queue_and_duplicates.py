"""The queue as a therapist works it: sorted oldest first, twelve rows on a laptop's screen, the filter
behind its button on a phone, and a possible duplicate closed from its detail page; axe-core on the
queue and on a detail page with a duplicate banner, in both languages at both sizes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from screening.models import Decision, Submission
from tests.e2e.checks import LANGUAGE_CODES, PageCheck
from tests.e2e.therapist import log_in, open_detail
from tests.support.answers import make_answers

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

from tests.support.factories import SubmissionFactory

pytestmark = pytest.mark.e2e

ROWS = "table.queue tbody tr"
# A row counts as visible when its whole box is inside the window, across and down.
VISIBLE_ROWS = """sel => [...document.querySelectorAll(sel)].filter(r => {
  const b = r.getBoundingClientRect();
  return b.top >= 0 && b.left >= 0 && b.bottom <= innerHeight && b.right <= innerWidth;
}).length"""


def a_busy_morning() -> tuple[Submission, Submission]:
    """25 waiting patients, half with reasons, and Rosa, who sent the form twice: the original and again."""
    now = timezone.now()
    # Half with reasons, more than the demo data's third.
    flags = [
        {},
        {"depth": "unsure"},
        {},
        {"has_implanted_electronic_device": "yes"},
        {},
        {"skin_sensitivity": ["unsure"], "depth": "unsure"},
    ]
    for i in range(23):
        SubmissionFactory(
            last_name=f"Patient{i:02d}",
            answers=make_answers(date_of_birth=f"19{50 + i}-01-01", **flags[i % len(flags)]),
            created_at=now - timedelta(hours=3 + i * 3),
        )
    original = SubmissionFactory(
        first_name="Rosa", last_name="Reyes", email="rosa@example.com", created_at=now - timedelta(days=4)
    )
    again = SubmissionFactory(
        first_name="Rosa", last_name="Reyes", email="Rosa@Example.com", created_at=now - timedelta(hours=2)
    )
    return original, again


@pytest.fixture
def browser_of(
    new_page: Callable[..., Page], therapist: User, live_server: LiveServer
) -> Callable[..., Page]:
    def make(viewport: str = "desktop", language: str = "en", **options: object) -> Page:
        page = new_page(viewport, language, **options)
        log_in(page, therapist, live_server.url)
        return page

    return make


def test_the_queue_shows_the_longest_wait_first_and_keeps_another_order_in_the_session(
    browser_of: Callable[..., Page], screenshot: Callable[[Page, str], Path]
) -> None:
    a_busy_morning()
    page = browser_of("desktop")
    page.goto("/review/")
    first = page.locator(f"{ROWS} th a").first
    expect(first).to_have_text("Reyes, Rosa")  # four days: the longest wait
    expect(page.locator(ROWS).first.locator("[data-testid=waiting]")).to_have_text("4 days overdue")
    expect(page.locator("#id_sort")).to_have_value("waiting")
    page.select_option("#id_sort", "sent")
    page.locator("form.queue-sort button[type=submit]").click()
    expect(page).to_have_url("/review/")  # the order is not in the address
    expect(page.locator(f"{ROWS} th a").first).to_have_text("Reyes, Rosa")  # sent again two hours ago
    expect(page.locator(ROWS).first.locator("[data-testid=waiting]")).to_have_text("2 hours")
    page.reload()
    expect(page.locator("#id_sort")).to_have_value("sent")
    screenshot(page, "sorted-by-sent")


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_a_laptop_screen_shows_at_least_twelve_queue_rows(
    browser_of: Callable[..., Page], language: str, screenshot: Callable[[Page, str], Path]
) -> None:
    a_busy_morning()
    page = browser_of("desktop", language)
    page.goto("/review/")
    expect(page.locator(ROWS)).to_have_count(25)
    visible = page.evaluate(VISIBLE_ROWS, ROWS)
    screenshot(page, f"queue-{language}")
    assert visible >= 12, f"{visible} rows fully visible at 1280x800"


@pytest.mark.parametrize("javascript", [True, False])
def test_on_a_phone_the_filter_opens_from_its_button_and_stays_open_while_it_filters(
    browser_of: Callable[..., Page], javascript: bool
) -> None:
    a_busy_morning()
    page = browser_of("phone", javascript=javascript)
    page.goto("/review/")
    summary = page.locator("details.queue-filter > summary")
    expect(summary).to_be_visible()
    expect(page.locator("#id_search")).to_be_hidden()
    summary.click()
    page.fill("#id_search", "reyes")
    page.locator("form.review-filter button[type=submit]").first.click()
    expect(page.locator(ROWS)).to_have_count(2)
    expect(page.locator("#id_search")).to_be_visible()  # a filter is on: the form shows it
    expect(summary).to_contain_text("(on)")


def test_a_therapist_closes_a_possible_duplicate(
    browser_of: Callable[..., Page], viewport: str, screenshot: Callable[[Page, str], Path]
) -> None:
    original, again = a_busy_morning()
    page = browser_of(viewport)
    page.goto("/review/")
    mark = page.locator(f"{ROWS}:has-text('Reyes, Rosa') [data-testid=possible-duplicate]")
    expect(mark).to_have_count(2)
    open_detail(page, again)
    banner = page.locator("[data-testid=duplicate-banner]")
    expect(banner).to_contain_text(f"Possible duplicate of {original.reference}, sent")
    expect(banner).to_contain_text("e-mail")
    screenshot(page, "detail-with-duplicate")
    page.get_by_label("Duplicate of another submission").check()
    expect(page.locator("#id_duplicate_of")).to_have_value(str(original.code))
    page.locator("form.decision-form button[type=submit]").click()
    expect(page).to_have_url("/review/")
    expect(page.get_by_role("status")).to_contain_text(f"Decision saved for {again.reference}.")
    expect(page.locator(f"{ROWS}:has-text('Reyes, Rosa')")).to_have_count(1)  # the original stays
    expect(page.locator("[data-testid=possible-duplicate]")).to_have_count(0)  # and the pair is settled
    decision = Decision.objects.get(submission=again)
    assert (decision.choice, decision.duplicate_of) == ("duplicate", original)
    open_detail(page, again)
    expect(page.locator("table.decisions")).to_contain_text(
        f"Duplicate of another submission: {original.reference}"
    )


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_the_queue_and_a_detail_page_with_a_duplicate_pass_axe_and_the_checks_beyond_it(
    browser_of: Callable[..., Page],
    viewport: str,
    language: str,
    check_page: PageCheck,
    screenshot: Callable[[Page, str], Path],
) -> None:
    _original, again = a_busy_morning()
    page = browser_of(viewport, language)
    failures = {}
    for name, visit in {
        "queue": lambda: page.goto("/review/"),
        "queue-filter-open": lambda: page.locator("details.queue-filter > summary").click(),
        "detail-with-duplicate": lambda: open_detail(page, again),
    }.items():
        visit()
        expect(page.locator("html")).to_have_attribute("lang", language)
        screenshot(page, name)
        try:
            check_page(page)
        except AssertionError as problem:
            failures[name] = str(problem)
    assert failures == {}, "\n\n".join(f"{name}: {problem}" for name, problem in failures.items())
