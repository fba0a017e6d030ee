"""The screening summary PDF, read back with pypdf: what it says, its pages, paper and type size."""

from __future__ import annotations

import io
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from pypdf import PdfReader

from screening import services
from screening.clinical import questions
from screening.exports import pdf
from screening.models import AccessLog, Decision, Submission
from tests.support.answers import make_answers
from tests.support.factories import SubmissionFactory
from tests.support.review import decide

pytestmark = pytest.mark.django_db


def summary(submission: Submission, prepared_by: User, paper: str = "letter") -> PdfReader:
    decisions = list(
        Decision.objects.filter(submission=submission).select_related("therapist__therapist_profile")
    )
    return PdfReader(
        io.BytesIO(pdf.summary_pdf(submission, decisions=decisions, prepared_by=prepared_by, paper=paper))
    )


def text_of(reader: PdfReader) -> str:
    # Lines wrap wherever the column ends: compare with every run of white space made one space.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def thea(therapist: User) -> User:
    therapist.first_name, therapist.last_name = "Thea", "Lindqvist"
    therapist.save()
    return therapist


@pytest.fixture
def decided_rosa(rosa: Submission, thea: User) -> Submission:
    decide(rosa, thea, "call_patient")
    decide(rosa, thea, "suitable", "Pacemaker removed in 2024;\ncardiology letter on file.")
    return rosa


def test_the_summary_names_the_clinic_the_patient_and_when_in_which_time_zone(
    decided_rosa: Submission, thea: User, settings: Any
) -> None:
    text = text_of(summary(decided_rosa, thea))
    for expected in (
        settings.CLINIC_NAME,
        f"Phone {settings.CLINIC_PHONE}",
        "Rosa Reyes",
        "1980-06-15",
        "(555) 010-1234",
        "rosa@example.com",
        decided_rosa.reference,
        "Language English",
        f"Rules version {decided_rosa.rules_version}",
        pdf.when(decided_rosa.created_at),
        "Confidential patient information",
    ):
        assert expected in text, expected
    assert pdf.when(decided_rosa.created_at).endswith(" UTC")


def test_the_summary_gives_every_question_and_answer_in_words(rosa: Submission, thea: User) -> None:
    text = text_of(summary(rosa, thea))
    for q in questions.QUESTIONS:
        assert words(q.text) in text, q.code
    for label in ("Yes", "Tendonitis (a sore tendon", "None, it looks normal", "Not sure"):
        assert label in text
    assert "has_implanted_electronic_device" not in text  # codes are for machines, not for the record


def test_the_summary_gives_the_outcome_with_each_reason_and_the_rules_version(
    rosa: Submission, thea: User
) -> None:
    text = text_of(summary(rosa, thea))
    assert "Likely not suitable" in text
    for reason in rosa.reasons:
        assert f"{reason.headline} {reason.code}: {words(reason.therapist_text)}" in text
    assert "clears no one" in text


def test_a_likely_suitable_summary_gives_the_therapist_text_of_no_reason(thea: User) -> None:
    calm = SubmissionFactory(first_name="Ana", last_name="Lopez")
    text = text_of(summary(calm, thea))
    assert "Likely suitable" in text
    assert words(pdf.reasons.LIKELY_SUITABLE_THERAPIST_TEXT) in text
    assert "No decision yet." in text


def test_the_summary_lists_every_decision_with_who_when_and_the_note_and_a_signature_line(
    decided_rosa: Submission, thea: User
) -> None:
    text = text_of(summary(decided_rosa, thea))
    decisions = Decision.objects.filter(submission=decided_rosa).order_by("created_at")
    for decision in decisions:
        assert pdf.when(decision.created_at) in text
    assert text.count("Thea Lindqvist") >= 3  # both decisions, and who prepared it
    assert "Call the patient first" in text
    assert "Suitable — book iontophoresis (against the automated outcome)" in text
    assert "Pacemaker removed in 2024; cardiology letter on file." in text
    for label in ("Name and credentials", "Signature", "Date"):
        assert label in text


def test_every_page_names_the_patient_and_counts_the_pages(decided_rosa: Submission, thea: User) -> None:
    reader = summary(decided_rosa, thea)
    for number, page in enumerate(reader.pages, start=1):
        page_text = words(page.extract_text())
        assert f"Rosa Reyes · born 1980-06-15 · {decided_rosa.reference}" in page_text
        assert f"{number} / {len(reader.pages)}" in page_text


BUSY = {
    "skin_problem_at_site": ["open_wound", "rash_or_irritation"],
    "skin_sensitivity": ["tape_or_adhesive", "eczema_or_psoriasis", "sensitive_skin"],
    "pregnant": "unsure",
    "metal_near_site": "yes",
    "depth": "deep",
    "body_area": "neck",
}
VERY_BUSY = {
    **BUSY,
    "medicine_allergies": ["steroid", "numbing", "sulfite", "aspirin"],
    "infection_at_site": "unsure",
    "heart_or_seizure_condition": "yes",
    "condition": "other",
    "prescribed_medication": "other",
    "can_attend_sessions": "unsure",
}


@pytest.mark.parametrize(("paper", "size"), [("letter", (612, 792)), ("a4", (595, 842))])
def test_a_busy_summary_fits_two_pages_of_either_paper(thea: User, paper: str, size: tuple[int, int]) -> None:
    busy = SubmissionFactory(answers=make_answers(**BUSY))
    assert len(busy.reason_codes) == 6
    decide(busy, thea, "call_patient", "Left a message.")
    decide(busy, thea, "call_patient", "Spoke with her and her GP; the rash has healed, the scar has not.")
    reader = summary(busy, thea, paper)
    assert len(reader.pages) == 2
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_even_a_very_busy_summary_fits_two_pages(thea: User, paper: str) -> None:
    # Eleven reasons, three decisions by a therapist with credentials, and a long note: two pages,
    # because a note spans the width under its decision. The type is never shrunk to make it fit
    # (test_no_text_is_smaller_...).
    services.therapist_credentials_set(user=thea, credentials="PT, DPT")
    thea = User.objects.select_related("therapist_profile").get(pk=thea.pk)
    very_busy = SubmissionFactory(answers=make_answers(**VERY_BUSY))
    assert len(very_busy.reason_codes) == 11
    for note in ("", "Left a message.", "Spoke with her and her GP; the rash has healed. " * 4):
        decide(very_busy, thea, "call_patient", note)
    reader = summary(very_busy, thea, paper)
    assert len(reader.pages) == 2
    assert "2 / 2" in reader.pages[1].extract_text()
    assert "Thea Lindqvist, PT, DPT" in text_of(reader)


def test_no_text_is_smaller_than_ten_points(decided_rosa: Submission, thea: User) -> None:
    sizes: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            sizes.append(abs(size * tm[3] * cm[3]))

    for page in summary(decided_rosa, thea).pages:
        page.extract_text(visitor_text=visit)
    assert sizes and min(sizes) >= 9.99


class _CountingHandler(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        _CountingHandler.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    """An HTTP server on this machine that counts what is asked of it."""
    _CountingHandler.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_rendering_loads_no_image_font_or_stylesheet_from_anywhere(local_server: str) -> None:
    html = (
        f"<html><head><link rel='stylesheet' href='{local_server}/a.css'><style>"
        f"@font-face {{ font-family: X; src: url({local_server}/x.woff2) }} @import url({local_server}/b.css);"
        f"</style></head><body><img src='{local_server}/x.png' alt=''><p>text</p></body></html>"
    )
    css = f"@import url({local_server}/c.css); body {{ background: url({local_server}/bg.png) }}"
    document = PdfReader(io.BytesIO(pdf.render_pdf(html, stylesheets=[css])))
    assert "text" in document.pages[0].extract_text()
    assert _CountingHandler.requests == []


def test_the_downloaded_summary_is_the_pdf_and_each_download_is_logged(
    therapist_client: Any, therapist: User, rosa: Submission, django_assert_max_num_queries: Any
) -> None:
    url = reverse("screening:review-summary-pdf", args=[rosa.code])
    with django_assert_max_num_queries(13):  # 12, and the preparer's credentials
        response = therapist_client.get(url)
    therapist_client.get(url, {"paper": "a4"})
    therapist_client.get(url, {"paper": "<script>"})  # not a paper we know: the default one
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert "Rosa Reyes" in text_of(reader)
    logs = AccessLog.objects.filter(action=AccessLog.Action.EXPORT, submission=rosa).order_by("at", "id")
    assert [(log.user, log.detail) for log in logs] == [
        (therapist, "summary.pdf paper=letter"),
        (therapist, "summary.pdf paper=a4"),
        (therapist, "summary.pdf paper=letter"),
    ]


def test_a_summary_renders_without_a_browser_and_its_time_is_printed(
    decided_rosa: Submission, thea: User, capsys: pytest.CaptureFixture[str]
) -> None:
    summary(decided_rosa, thea)  # the first render imports WeasyPrint and loads the fonts
    decisions = list(Decision.objects.filter(submission=decided_rosa).select_related("therapist"))
    started = time.perf_counter()
    document = pdf.summary_pdf(decided_rosa, decisions=decisions, prepared_by=thea)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nsummary PDF: {elapsed * 1000:.0f} ms for one submission, {len(document)} bytes")
    assert re.match(rb"%PDF-\d\.\d", document)


def test_every_decision_names_the_therapist_with_their_credentials(
    decided_rosa: Submission, thea: User
) -> None:
    services.therapist_credentials_set(user=thea, credentials="PT, DPT")
    thea = User.objects.select_related("therapist_profile").get(pk=thea.pk)
    text = text_of(summary(decided_rosa, thea))
    # Both decisions, and who prepared the summary.
    assert text.count("Thea Lindqvist, PT, DPT") == 3
