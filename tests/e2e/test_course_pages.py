"""The treatment course's pages, therapist's and patient's, in every language at phone and desktop
size: axe-core (WCAG 2.2 AA) and the checks beyond it; then the whole course, as the issue's
"done when" tells it, through the browser."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from screening import services
from screening.models import CheckIn, Course, SessionNote, Submission
from tests.e2e.checks import LANGUAGE_CODES, PageCheck
from tests.e2e.therapist import log_in
from tests.support.checkins import make_checkin
from tests.support.courses import booked_submission, open_course, signed_session

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Courses:
    """Rosa's course at session 2 (a ring to take off), Omar's suspended after a blister, Ana just booked."""

    rosa: Course
    note: SessionNote
    metal: CheckIn
    omar: Course
    ana: Submission


def _courses(thea: User) -> Courses:
    rosa = open_course(thea, booked_submission(thea, depth="unsure"))
    note = signed_session(thea, rosa)
    metal = services.check_in_record(
        course=rosa,
        answers=make_checkin(metal_on_site="yes"),
        recorded_by=thea,
        filled_by=CheckIn.FilledBy.THERAPIST,
    )
    omar = open_course(thea)
    signed_session(thea, omar, skin_result="blister")
    services.adverse_event_record(
        course=omar,
        recorded_by=thea,
        fields={
            "kind": "burn_2",
            "occurred_on": timezone.localdate(),
            "size_and_site": "8 mm under the active pad",
            "action_taken": "Cooled and covered; patient told to call if it grows",
        },
    )
    return Courses(rosa, note, metal, omar, booked_submission(thea))


def _link(page: Page, c: Courses) -> None:
    page.goto(f"/courses/{c.rosa.code}/")
    page.locator("form[action$='check-in-link/'] button").click()
    expect(page.get_by_test_id("link-code")).to_be_visible()


THERAPIST_PAGES: dict[str, Callable[[Page, Courses], None]] = {
    "course-list": lambda page, c: page.goto("/courses/"),
    "course-open": lambda page, c: page.goto(f"/review/{c.ana.code}/course/new/"),
    "course-detail": lambda page, c: page.goto(f"/courses/{c.rosa.code}/"),
    "course-suspended": lambda page, c: page.goto(f"/courses/{c.omar.code}/"),
    "course-link-code": _link,
    "check-in": lambda page, c: page.goto(f"/courses/{c.omar.code}/check-in/"),
    "session-note": lambda page, c: page.goto(f"/courses/check-ins/{c.metal.code}/session/"),
    "signed-note": lambda page, c: page.goto(f"/courses/notes/{c.note.code}/"),
    "course-summary": lambda page, c: page.goto(f"/courses/{c.omar.code}/summary/"),
}


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_course_pages_pass_axe_and_the_checks_beyond_it(
    new_page: Callable[..., Page],
    viewport: str,
    language: str,
    therapist: User,
    live_server: LiveServer,
    check_page: PageCheck,
    screenshot: Callable[[Page, str], Path],
) -> None:
    courses = _courses(therapist)
    page = new_page(viewport, language)
    log_in(page, therapist, live_server.url)
    failures = {}
    for name, visit in THERAPIST_PAGES.items():
        visit(page, courses)
        expect(page.locator("html")).to_have_attribute("lang", language)
        screenshot(page, name)
        try:
            check_page(page)
        except AssertionError as problem:
            failures[name] = str(problem)
    assert failures == {}, "\n\n".join(f"{name}: {problem}" for name, problem in failures.items())


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_the_patients_check_in_pages_pass_axe_and_the_checks_beyond_it(
    new_page: Callable[..., Page],
    viewport: str,
    language: str,
    therapist: User,
    check_page: PageCheck,
    screenshot: Callable[[Page, str], Path],
) -> None:
    courses = _courses(therapist)
    page = new_page(viewport, language)
    failures = {}

    def visit(name: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", language)
        screenshot(page, name)
        try:
            check_page(page)
        except AssertionError as problem:
            failures[name] = str(problem)

    page.goto("/check-in/")
    visit("code")
    page.fill("#id_code", "AAAAA-AAAAA")
    page.locator("main form button[type=submit]").click()
    visit("code-wrong")
    code = services.check_in_link_create(course=open_course(therapist, courses.ana), therapist=therapist)
    page.fill("#id_code", code)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{page.url.split('/check-in/')[0]}/check-in/answers/")
    visit("questions")
    page.locator("main form button[type=submit]").click()
    visit("questions-with-errors")
    page.locator("#id_skin_today_1").check()  # no
    page.locator("#id_new_numbness_1").check()
    page.locator("#id_new_safety_change_3").check()  # none of these
    page.locator("#id_medicine_change_1").check()
    page.locator("#id_metal_on_site_0").check()  # yes: a ring
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-outcome=clear_first]")).to_be_visible()
    visit("done")
    page.goto(f"/check-in/{code}/")
    visit("gone")
    assert failures == {}, "\n\n".join(f"{name}: {problem}" for name, problem in failures.items())


def _patient_checks_in(new_page: Callable[..., Page], code: str, *, blister: bool = False) -> Page:
    # Rosa, on the clinic's tablet at phone size, in Spanish: no login, the code Thea read out.
    tablet = new_page("phone", "es")
    tablet.goto("/check-in/")
    tablet.fill("#id_code", code)
    tablet.locator("main form button[type=submit]").click()
    if tablet.locator("#id_after_last_session_0").count():
        tablet.locator("#id_after_last_session_1" if blister else "#id_after_last_session_4").check()
    for question, answer in (
        ("skin_today", 1),
        ("new_numbness", 1),
        ("medicine_change", 1),
        ("metal_on_site", 1),
    ):
        tablet.locator(f"#id_{question}_{answer}").check()
    tablet.locator("#id_new_safety_change_3").check()
    tablet.locator("main form button[type=submit]").click()
    expect(tablet.locator("h1")).to_have_text("Gracias")
    return tablet


def _code_for_next_session(page: Page) -> str:
    page.locator("form[action$='check-in-link/'] button").click()
    return page.get_by_test_id("link-code").locator(".reference").inner_text().strip()


def test_a_course_from_booking_to_a_blister_that_blocks_it(
    new_page: Callable[..., Page],
    therapist: User,
    live_server: LiveServer,
    screenshot: Callable[[Page, str], Path],
) -> None:
    rosa = booked_submission(therapist)
    today = timezone.localdate().isoformat()
    page = new_page("desktop")
    log_in(page, therapist, live_server.url)
    page.goto(f"/review/{rosa.code}/")
    page.get_by_role("link", name="Open a treatment course").click()
    for field, value in (
        ("prescriber", "Dr. Ana Ortiz, MD"),
        ("prescription_date", "2026-11-20"),
        ("concentration", "4 mg/mL"),
        ("site", "Lateral elbow"),
        ("electrode_product", "DUPEL B.L.U.E."),
    ):
        page.fill(f"#id_{field}", value)
    for field, value in (
        ("drug", "dexamethasone"),
        ("order_type", "patient_specific"),
        ("drug_source", "dispensed"),
        ("side", "right"),
    ):
        page.select_option(f"#id_{field}", value)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("next-step")).to_have_text("Check in for session 1.")

    tablet = _patient_checks_in(new_page, _code_for_next_session(page))
    screenshot(tablet, "patient-done")
    page.reload()
    page.get_by_role("link", name="Write the session note").click()
    expect(page.locator("#id_clearance_note")).to_have_count(0)  # a "go" needs no clearance
    for field, value in (
        ("clinician_credentials", "PT, DPT"),
        ("device", "Dynatron iBox, SN 4411"),
        ("electrode_lot", "L2026-118"),
        ("drug_volume_ml", "1.0"),
        ("placement", "Active over the lateral epicondyle"),
        ("current_ma", "4"),
        ("delivered_dose", "40"),
        ("pain_before", "6"),
        ("pain_after", "4"),
        ("started_at", f"{today}T09:00"),
        ("stopped_at", f"{today}T09:23"),
    ):
        page.fill(f"#id_{field}", value)
    page.select_option("#id_polarity", "negative")
    page.select_option("#id_skin_result", "expected_redness")
    for box in (
        "skin_intact",
        "sensation_tested",
        "site_prepared",
        "patient_informed",
        "aftercare_given",
        "constant_attendance",
    ):
        page.locator(f"#id_{box}").check()
    page.get_by_role("button", name="Sign the note").click()
    expect(page.get_by_test_id("billing")).to_contain_text("23 attended minutes")
    expect(page.get_by_test_id("billing")).to_contain_text("97033-GP × 2")
    expect(page.get_by_test_id("dose")).to_contain_text("10.0 min")
    screenshot(page, "signed-note")

    page.get_by_role("link", name="Back to the course").click()
    tablet = _patient_checks_in(new_page, _code_for_next_session(page), blister=True)
    expect(tablet.locator("[data-outcome=do_not_treat]")).to_be_visible()
    page.reload()
    expect(page.locator("[data-check-in='2'] [data-outcome=do_not_treat]")).to_be_visible()
    page.select_option("#id_kind", "blister")
    page.fill("#id_occurred_on", today)
    page.fill("#id_size_and_site", "5 mm under the active pad")
    page.fill("#id_action_taken", "Cooled and covered; told to call if it grows")
    page.get_by_role("button", name="Record the event").click()
    expect(page.get_by_test_id("suspended")).to_be_visible()
    screenshot(page, "course-suspended")
    page.goto("/courses/")
    expect(page.locator("table.courses")).to_contain_text("Suspended: physician consult needed")


# The smallest computed font size of any visible element with its own text, in CSS pixels.
_SMALLEST_TEXT = """() => Math.min(...[...document.querySelectorAll('main *')]
  .filter(e => e.offsetParent !== null && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .map(e => parseFloat(getComputedStyle(e).fontSize)))"""


@pytest.mark.parametrize("paper", ["Letter", "A4"])
def test_the_printed_session_note_is_one_page_with_no_text_under_10_pt(
    new_page: Callable[..., Page], therapist: User, live_server: LiveServer, paper: str, tmp_path: Path
) -> None:
    course = open_course(therapist)
    note = signed_session(therapist, course, override_note="", interruptions="Paused 30 s: pad lifting")
    services.amendment_add(note=note, author=therapist, reason="Wrong lot", text="Electrode lot L2026-119")
    page = new_page("desktop")
    log_in(page, therapist, live_server.url)
    page.goto(f"/courses/notes/{note.code}/")
    page.emulate_media(media="print")
    assert page.evaluate(_SMALLEST_TEXT) >= 13.33  # 10 pt is 13.33 CSS px
    expect(page.locator("main")).to_contain_text("Signature")
    expect(page.locator("main")).to_contain_text("97033-GP × 1")
    pdf = page.pdf(format=paper, print_background=False)
    (tmp_path / "note.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


# The printable width of A4 (210 mm, less the 10 mm margins of site.css) in CSS pixels: Letter is wider.
_A4_PRINTABLE_PX = round((210 - 20) / 25.4 * 96)


@pytest.mark.parametrize("paper", ["Letter", "A4"])
def test_the_printed_course_summary_fits_the_paper_with_no_text_under_10_pt(
    new_page: Callable[..., Page],
    therapist: User,
    live_server: LiveServer,
    paper: str,
    screenshot: Callable[[Page, str], Path],
) -> None:
    course = open_course(therapist)
    first = signed_session(therapist, course)
    services.amendment_add(note=first, author=therapist, reason="Wrong lot", text="Electrode lot L2026-119")
    signed_session(therapist, course, skin_result="blister")
    event = services.adverse_event_record(
        course=course,
        recorded_by=therapist,
        fields={
            "kind": "blister",
            "occurred_on": timezone.localdate(),
            "size_and_site": "5 mm under the active pad",
            "action_taken": "Cooled and covered",
        },
    )
    services.physician_consult_record(
        event=event,
        therapist=therapist,
        consulted_at=timezone.now() - timedelta(minutes=5),
        physician="Dr. Ana Ortiz",
        advice="Resume at half the dose",
    )
    page = new_page({"width": _A4_PRINTABLE_PX, "height": 1000})
    log_in(page, therapist, live_server.url)
    page.goto(f"/courses/{course.code}/summary/")
    page.emulate_media(media="print")
    assert page.evaluate(_SMALLEST_TEXT) >= 13.33  # 10 pt is 13.33 CSS px
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    pdf = page.pdf(format=paper, print_background=False)
    # Words only, NFKC: a long name may wrap at the end of a line, and the font sets "fi" in a name
    # such as Griffin as one ligature glyph.
    printed = unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages))
    text = " ".join(printed.split())
    submission = course.submission
    for expected in (
        submission.full_name,
        submission.answers["date_of_birth"],
        "at most 80.0 mA·min",
        "2 done of 6 planned",
        "97033 × 1",
        "Electrode lot L2026-119",
        "Dr. Ana Ortiz",
        "Signature",
    ):
        assert expected in text, expected
    assert "Log out" not in text and "Back to the course" not in text
    pdf_path = screenshot(page, f"summary-{paper}").with_suffix(".pdf")
    pdf_path.write_bytes(pdf)
    if pdftoppm := shutil.which("pdftoppm"):
        # The first printed page as an image, for a person to look at beside the screenshots.
        first_page = [
            pdftoppm,
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf_path),
            str(pdf_path.with_suffix("")),
        ]
        subprocess.run(first_page, check=True)  # noqa: S603 -- pdftoppm on our own file, fixed arguments
