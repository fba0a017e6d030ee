"""From the detail page a therapist downloads the summary PDF and the FHIR bundle, in a real browser."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from screening.models import AccessLog
from tests.e2e.checks import LANGUAGE_CODES, PageCheck
from tests.e2e.therapist import log_in, open_clinic, open_detail

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.e2e


def download(page: Page, link_name: str) -> bytes:
    with page.expect_download() as started:
        page.get_by_role("link", name=link_name).click()
    return Path(started.value.path()).read_bytes()


def test_a_therapist_downloads_the_summary_pdf_and_the_fhir_bundle_from_the_detail_page(
    therapist_page: Page, therapist: User, screenshot: Callable[[Page, str], Path]
) -> None:
    clinic = open_clinic(therapist)
    open_detail(therapist_page, clinic.omar)
    downloads = therapist_page.get_by_role("group", name="For the patient's record:")
    expect(downloads.get_by_role("link")).to_have_count(3)
    screenshot(therapist_page, "detail-with-downloads")

    document = PdfReader(io.BytesIO(download(therapist_page, "Summary PDF (Letter)")))
    text = " ".join(" ".join(p.extract_text() for p in document.pages).split())
    assert "Omar Haddad" in text and clinic.omar.reference in text
    assert "Spoke with him: the reaction was to a home TENS unit in 2009" in text
    assert len(document.pages) <= 2
    a4 = PdfReader(io.BytesIO(download(therapist_page, "Summary PDF (A4)")))
    assert round(float(a4.pages[0].mediabox.width)) == 595

    bundle = json.loads(download(therapist_page, "FHIR bundle (JSON)"))
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    observation = bundle["entry"][-1]["resource"]
    assert observation["status"] == "final"
    exports = AccessLog.objects.filter(action=AccessLog.Action.EXPORT, submission=clinic.omar)
    assert sorted(exports.values_list("detail", flat=True)) == [
        "fhir.json",
        "summary.pdf paper=a4",
        "summary.pdf paper=letter",
    ]


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_the_detail_page_with_its_downloads_passes_the_checks(
    new_page: Callable[..., Page],
    viewport: str,
    language: str,
    therapist: User,
    live_server: LiveServer,
    check_page: PageCheck,
    screenshot: Callable[[Page, str], Path],
) -> None:
    clinic = open_clinic(therapist)
    page = new_page(viewport, language)
    log_in(page, therapist, live_server.url)
    open_detail(page, clinic.rosa)
    expect(page.locator(".downloads a")).to_have_count(3)
    screenshot(page, "detail")
    check_page(page)
    # Stacked on a phone (display: block), without ARIA roles, the answers are still a table to a
    # screen reader: a row per question (and per section), each headed by its question.
    tree = page.locator("table.answers").aria_snapshot()
    assert tree.startswith("- table")
    assert tree.count("- rowheader ") >= len(clinic.rosa.answers) and "- cell " in tree
