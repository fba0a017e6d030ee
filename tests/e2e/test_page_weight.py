"""A question page stays light for a phone on a weak connection, and loads nothing from another site."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, Response

from tests.e2e.checks import LANGUAGE_CODES

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.e2e

# HTML, CSS, JS, fonts and icons together, uncompressed. Size is not time: asserting it is stable.
BUDGET_BYTES = 100_000


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_a_question_page_stays_under_100_kb_from_our_own_site_only(
    new_page: Callable[..., Page], language: str, live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    page = new_page("phone", language)
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto("/intake/name/", wait_until="networkidle")

    assert [r.url for r in responses if not r.url.startswith(live_server.url + "/")] == []
    assert all(r.ok for r in responses), [(r.url, r.status) for r in responses]
    bodies = {r.url.removeprefix(live_server.url): r.body() for r in responses}
    raw = sum(len(b) for b in bodies.values())
    gzipped = sum(len(gzip.compress(b)) for b in bodies.values())
    sent = sum(
        r.request.sizes()["responseBodySize"] + r.request.sizes()["responseHeadersSize"] for r in responses
    )
    with capsys.disabled():
        print(
            f"\nintake page ({language}): {len(bodies)} responses, {raw:,} bytes uncompressed, {gzipped:,} gzipped, "
        )
        print(f"  {sent:,} bytes transferred here with headers (the test server does not compress)")
        for url, body in sorted(bodies.items(), key=lambda item: -len(item[1])):
            print(f"  {len(body):>7,}  {len(gzip.compress(body)):>6,}  {url}")
    assert raw <= BUDGET_BYTES
