"""The screening summary as a PDF for the patient's record, rendered on our server by WeasyPrint."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from screening import presenters
from screening.clinical import reasons
from screening.models.therapist import therapist_display

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from screening.models import Decision, Submission

TEMPLATE = "screening/review/summary_pdf.html"
# Beside this module rather than in the template: pages carry no inline styles (the CSP), and the
# renderer reads no file itself.
STYLESHEET = Path(__file__).with_name("summary_pdf.css")
# Both papers fit the same layout: A4 is narrower, Letter shorter (summary_pdf.css's margins allow for both).
PAPER_SIZES = {"letter": "Letter", "a4": "A4"}
DEFAULT_PAPER = "letter"


def render_pdf(html: str, *, stylesheets: Sequence[str] = ()) -> bytes:
    """The PDF of a complete HTML document and the given CSS; every URL in either is refused."""
    # Imported on the first PDF, not at start-up: WeasyPrint takes over a second to import, which
    # every worker and every manage.py command would otherwise pay.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    # No protocol is allowed, so nothing is loaded while rendering: no remote font, image or
    # stylesheet can leak that a patient's summary was printed, or slow it down. The fonts are
    # the system's, found through fontconfig.
    fetcher = URLFetcher(allowed_protocols=())
    styles = [CSS(string=css, url_fetcher=fetcher) for css in stylesheets]
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=styles)


def when(moment: datetime) -> str:
    """A date and time in the clinic's time zone, naming the zone and its offset from UTC."""
    local = timezone.localtime(moment)
    offset = local.strftime("%z")
    utc = "UTC" if offset == "+0000" else f"UTC{offset[:3]}:{offset[3:]}"
    zone = timezone.get_current_timezone_name()
    named = utc if zone == "UTC" else f"{local.tzname()} ({zone}, {utc})"
    return f"{local:%Y-%m-%d %H:%M} {named}"


def summary_context(
    submission: Submission, *, decisions: Sequence[Decision], prepared_by: AbstractBaseUser
) -> dict[str, Any]:
    """What the summary shows, worked out here so that the template decides nothing."""
    oldest_first = sorted(decisions, key=lambda d: (d.created_at, d.pk))
    return {
        "CLINIC_NAME": settings.CLINIC_NAME,
        "CLINIC_PHONE": settings.CLINIC_PHONE,
        "submission": submission,
        "sent_at": when(submission.created_at),
        "answer_rows": presenters.answer_rows(submission),
        "reasons": submission.reasons,
        "ls_text": reasons.LIKELY_SUITABLE_THERAPIST_TEXT,
        "decisions": [
            {
                "when": when(d.created_at),
                "therapist": therapist_display(d.therapist),
                "choice": d.get_choice_display(),
                "is_override": d.is_override,
                "note": d.note,
            }
            for d in oldest_first
        ],
        "prepared_by": therapist_display(prepared_by),
        # One unit, so a line break never leaves the time zone alone on a line of its own.
        "prepared_at": when(timezone.now()).replace(" ", "\u00a0"),
    }


def summary_pdf(
    submission: Submission,
    *,
    decisions: Sequence[Decision],
    prepared_by: AbstractBaseUser,
    paper: str = DEFAULT_PAPER,
) -> bytes:
    """The one- or two-page summary: patient, every answer in words, outcome and reasons, every
    decision and a signature line. `paper` is a key of PAPER_SIZES."""
    context = summary_context(submission, decisions=decisions, prepared_by=prepared_by)
    page = f"@page {{ size: {PAPER_SIZES[paper]}; }}"
    return render_pdf(render_to_string(TEMPLATE, context), stylesheets=[STYLESHEET.read_text(), page])
