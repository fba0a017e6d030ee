"""CSV export of signed session notes, the second file beside the submissions: codes, no names.

Cells go through the submissions export's formula guard, so both files are safe the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from screening.exports.csv import _safe_cell, _when

if TYPE_CHECKING:
    from screening.models import SessionNote

SESSION_HEADER = (
    "reference",
    "session",
    "planned_sessions",
    "session_date",
    "clinician",
    "check_in_outcome",
    "check_in_reason_codes",
    "rules_version",
    "session_rules_version",
    "drug",
    "concentration",
    "polarity",
    "current_ma",
    "planned_dose_ma_min",
    "duration_min",
    "delivered_dose_ma_min",
    "above_electrode_max",
    "attended_start",
    "attended_stop",
    "attended_minutes",
    "constant_attendance",
    "patch",
    "units_97033",
    "skin_result",
    "pain_before",
    "pain_after",
    "signed_at",
    "amendments",
)


def session_rows(notes: Iterable[SessionNote]) -> Iterator[tuple[str, ...]]:
    """The header, then one row per signed note; each note needs its course, submission, check-in
    and clinician selected with it, and an `amendment_count` annotation."""
    yield SESSION_HEADER
    for n in notes:
        course = n.course
        values = (
            course.submission.reference,
            n.session_number,
            course.planned_sessions,
            n.session_date.isoformat(),
            n.clinician.get_username(),
            n.check_in.outcome,
            " ".join(n.check_in.reason_codes),
            n.check_in.rules_version,
            n.check_in.session_rules_version,
            course.drug,
            course.concentration,
            n.polarity,
            n.current_ma,
            n.planned_dose,
            n.duration_min,
            n.delivered_dose,
            "yes" if n.delivered_dose > course.electrode_max_dose else "no",
            _when(n.started_at),
            _when(n.stopped_at),
            n.attended_minutes,
            "yes" if n.constant_attendance else "no",
            "yes" if n.patch else "no",
            n.units_97033,
            n.skin_result,
            n.pain_before,
            n.pain_after,
            _when(n.signed_at) if n.signed_at else "",
            getattr(n, "amendment_count", 0),
        )
        yield tuple(_safe_cell(v) for v in values)
