"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live_server.

Never a downloaded browser: Chromium comes from apt (`apt-get install -y chromium`); without it every
test marked `e2e` is skipped with that reason (or fails, when E2E_REQUIRED is set, as in CI).

Shared fixtures live here; what is checked on a page lives in checks.py, what a patient does in
patient.py. A new page gets every check (axe-core in WCAG 2.2 AA, labels, fieldsets, errors tied to
fields, 24 px targets, visible focus, reflow at 320 px and 200 %, no inline code) with one short test:

    def test_review_queue_is_accessible(therapist_page: Page, check_page: PageCheck) -> None:
        therapist_page.goto("/review/")
        check_page(therapist_page)
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.test import override_settings
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.checks import PageCheck, axe_violations, problems_beyond_axe, sideways_at, unfocused_elements
from tests.e2e.therapist import log_in

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling Google, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORTS: dict[str, dict[str, int]] = {
    "phone": {"width": 375, "height": 667},
    "desktop": {"width": 1280, "height": 800},
}
# The browser's own language for each of ours: it decides Accept-Language and the date box format.
BROWSER_LOCALES = {"en": "en-US", "es": "es-US"}

SCREENSHOTS = Path(os.getenv("E2E_ARTIFACTS", settings.BASE_DIR / "test-artifacts")) / "screenshots"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} not found, so the browser tests are skipped: apt-get install -y chromium"
    if os.getenv("E2E_REQUIRED"):
        raise pytest.UsageError(f"E2E_REQUIRED is set but {reason}")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session", autouse=True)
def _plain_http_live_server() -> Iterator[None]:
    # live_server builds its middleware once, when it starts, and serves plain http: the HTTPS
    # redirect of production (tested on its own in test_security_settings) must be off before then.
    # It also serves static files from their source folders, which know no hashed names: pages name
    # them plainly here (the hashed, compressed files are tested through gunicorn in test_live_gunicorn).
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(SECURE_SSL_REDIRECT=False, STORAGES=storages):
        yield


@pytest.fixture(scope="package")
def browser(live_server: LiveServer) -> Iterator[Browser]:
    # Requesting live_server makes the browser close first, before the server's connections go.
    # Playwright's sync API keeps an event loop in this thread while it runs, and Django then refuses
    # database calls as if it were in async code: allow them for exactly that long.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()


@pytest.fixture
def new_page(browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., Page]]:
    """Makes a page in a fresh browser profile: no cookies, no storage, nothing cached."""
    contexts = []

    def make(
        viewport: str | dict[str, int] = "phone",
        language: str = "en",
        *,
        javascript: bool = True,
        **options: Any,
    ) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=VIEWPORTS[viewport] if isinstance(viewport, str) else viewport,
            locale=BROWSER_LOCALES.get(language, language),
            java_script_enabled=javascript,
            # Bootstrap scrolls smoothly unless motion is reduced, and Playwright waits for every scroll.
            reduced_motion="reduce",
            **options,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def page(new_page: Callable[..., Page], viewport: str) -> Page:
    """An English-speaking patient's browser, at phone and at desktop size."""
    return new_page(viewport)


@pytest.fixture
def therapist(_therapists_group: None, therapist: User) -> User:
    return therapist


@pytest.fixture
def _therapists_group(transactional_db: None) -> None:
    # live_server's database is emptied after each test, data migrations included: put back the
    # group that migration 0002 makes, so the tests/conftest.py cast can join it.
    group, _created = Group.objects.get_or_create(name="Therapists")
    group.permissions.add(Permission.objects.get(codename="review_submission"))


@pytest.fixture
def therapist_page(new_page: Callable[..., Page], therapist: User, live_server: LiveServer) -> Page:
    # Thea's browser, already logged in (the login form itself is tested as a page).
    page = new_page("desktop")
    log_in(page, therapist, live_server.url)
    return page


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """Saves a full-page screenshot as <SCREENSHOTS>/<test name>/<step>.png, for a person to look at."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")

    def take(page: Page, step: str) -> Path:
        path = folder / f"{step}.png"
        # caret="initial": hiding the caret leaves an empty style="" on every field, which the check
        # for inline styles would then report on a page checked after its screenshot.
        page.screenshot(path=path, full_page=True, caret="initial")
        return path

    return take


@pytest.fixture
def check_page() -> PageCheck:
    """Asserts everything we check on every page: axe, the checks beyond it, visible focus, reflow."""

    def check(page: Page) -> None:
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']}: " + "; ".join(v["nodes"]) for v in axe_violations(page)
        ]
        assert violations == [], f"axe-core on {page.url}"
        assert problems_beyond_axe(page) == []
        assert unfocused_elements(page) == []
        assert sideways_at(page) == {}

    return check
