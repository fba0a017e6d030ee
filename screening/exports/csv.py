"""CSV export of submissions: rows as tuples of strings, header first; the view only streams them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from screening.clinical.questions import QUESTIONS

if TYPE_CHECKING:
    from screening.models import Submission

QUESTION_CODES = tuple(q.code for q in QUESTIONS)
HEADER = (
    "reference",
    "submitted_at",
    "rules_version",
    "outcome",
    "reason_codes",
    *QUESTION_CODES,
    "decision",
    "decided_at",
    "decided_by",
    "decision_against_outcome",
    "duplicate_of",
)
# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def submission_rows(submissions: Iterable[Submission]) -> Iterator[tuple[str, ...]]:
    """The header, then one row per submission with every cell safe to open in a spreadsheet.

    Answers are written as their stable answer codes; names and contact details are left out.
    Each submission needs its latest decision, that decision's therapist and the submission it
    duplicates (if any) selected with it (SubmissionQuerySet.for_queue does).
    """
    yield HEADER
    for s in submissions:
        decision = s.latest_decision
        values = (
            s.reference,
            _when(s.created_at),
            s.rules_version,
            s.outcome,
            " ".join(s.reason_codes),
            *(_answer(s.answers.get(code)) for code in QUESTION_CODES),
            decision.choice if decision else "",
            _when(decision.created_at) if decision else "",
            decision.therapist.get_username() if decision else "",
            ("yes" if decision.is_override else "no") if decision else "",
            decision.duplicate_of.reference if decision and decision.duplicate_of else "",
        )
        yield tuple(_safe_cell(v) for v in values)


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _answer(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value)


def _safe_cell(value: object) -> str:
    """The value as text, with a leading ' if a spreadsheet would otherwise run it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_chunks(rows: Iterator[tuple[str, ...]], *, rows_per_chunk: int = 500) -> Iterator[str]:
    """CSV text in chunks of a few hundred rows: one write per row makes a 100,000-row export crawl."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for n, row in enumerate(rows, start=1):
        writer.writerow(row)
        if n % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
