"""What a queue row shows, worked out once per page so that the template only prints it: the
patient's name and link, the outcome and its reasons in words, how long the patient has waited and
whether that is past the clinic's target, the possible duplicates still to look at, and the decision.

A page is 25 rows. Built here and printed by the template, a row costs about 0.2 ms; worked out by
the template's own tags and filters it cost 0.5 ms of rendering alone (docs/performance.md).
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from screening import duplicates, presenters
from screening.models import DecisionChoice, Outcome

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from screening.models import Decision, Submission


@dataclass(frozen=True)
class DuplicateMark:
    """The nearest possible duplicate still to look at, and how many more there are."""

    url: str
    words: str  # "Possible duplicate of PV6P-PYGH"
    more: str  # "and 2 more", or ""


@dataclass(frozen=True)
class DecisionCell:
    choice: str
    duplicate_of_url: str  # "" unless the decision names the original
    duplicate_of_reference: str
    by: str  # the therapist's full name, or their username
    on: str  # the day, YYYY-MM-DD


@dataclass(frozen=True)
class QueueRow:
    submission: Submission
    waiting: str  # "" once decided: the waiting is over
    overdue: bool
    duplicates: list[duplicates.Match]
    detail_url: str
    name: str  # "Last, First"
    outcome_label: str
    reasons: list[tuple[str, str]]  # (code, headline in the therapist's language)
    sent_at: str  # for <time datetime>: to the second, as HTML accepts
    sent_on: str  # the local day, YYYY-MM-DD
    phone_href: str  # "" without a phone
    language: str  # the patient's language, named in the therapist's
    age: str  # "–" when the birth date is missing
    condition: str
    body_area: str
    duplicate: DuplicateMark | None
    decision: DecisionCell | None


def waiting_words(waited: timedelta) -> str:
    """A wait in one unit, as a person says it: "40 minutes", "5 hours" (under two days), "3 days"."""
    minutes = max(int(waited.total_seconds() // 60), 1)
    if minutes < 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    days = hours // 24
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


def short_answer(
    submission: Submission, question_code: str, translate: Callable[[str], str] = gettext
) -> str:
    """The translated answer without its examples in brackets, short enough for a table cell."""
    labels = presenters.answer_labels(submission, question_code)
    return ", ".join(translate(label).split(" (")[0] for label in labels)


_CODE_STAND_IN = uuid.UUID(int=0)


def detail_url_maker() -> Callable[[uuid.UUID], str]:
    """A function giving a screening's detail URL from its code: reverse() once per page, not per link."""
    path = reverse("screening:review-detail", args=[_CODE_STAND_IN])
    head, tail = path.split(str(_CODE_STAND_IN))
    return lambda code: f"{head}{code}{tail}"


def queue_rows(submissions: Sequence[Submission], *, now: datetime) -> list[QueueRow]:
    """The page's rows, their duplicates found in one query whatever the page size."""
    target = timedelta(hours=settings.REVIEW_TARGET_HOURS)
    matches = duplicates.matches_for(submissions)
    detail_url = detail_url_maker()
    # A page repeats a few dozen words (headlines, answers, languages): each is worked out once, in
    # this request's language.
    translate = functools.cache(gettext)
    language = functools.cache(language_name)
    rows = []
    for s in submissions:
        waited = now - s.created_at if s.latest_decision_id is None else None
        still_open = duplicates.open_matches(s, matches[s.pk])
        rows.append(
            QueueRow(
                submission=s,
                waiting=waiting_words(waited) if waited is not None else "",
                overdue=waited is not None and waited > target,
                duplicates=still_open,
                detail_url=detail_url(s.code),
                name=f"{s.last_name}, {s.first_name}",
                # Not get_outcome_display(): it builds the field's choices afresh, 0.1 ms a call.
                outcome_label=str(Outcome(s.outcome).label),
                reasons=[(r.code, translate(r.headline)) for r in s.reasons],
                sent_at=presenters.machine_time(s.created_at),
                sent_on=timezone.localdate(s.created_at).isoformat(),
                phone_href=presenters.tel_href(s.phone) if s.phone else "",
                language=language(s.language),
                age="–" if (age := s.age) is None else str(age),
                condition=short_answer(s, "condition", translate),
                body_area=short_answer(s, "body_area", translate),
                duplicate=_duplicate_mark(still_open, detail_url),
                decision=_decision_cell(s.latest_decision, detail_url),
            )
        )
    return rows


def language_name(code: str) -> str:
    """The language's name in the therapist's language ("Spanish", "español"); the code if unknown."""
    try:
        return str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        return code


def _duplicate_mark(
    matches: list[duplicates.Match], detail_url: Callable[[uuid.UUID], str]
) -> DuplicateMark | None:
    if not matches:
        return None
    nearest, more = matches[0], len(matches) - 1
    return DuplicateMark(
        url=detail_url(nearest.code),
        words=gettext("Possible duplicate of %(reference)s") % {"reference": nearest.reference},
        more=ngettext("and %(more)s more", "and %(more)s more", more) % {"more": more} if more else "",
    )


def _decision_cell(decision: Decision | None, detail_url: Callable[[uuid.UUID], str]) -> DecisionCell | None:
    if decision is None:
        return None
    original = decision.duplicate_of
    therapist = decision.therapist
    return DecisionCell(
        choice=str(DecisionChoice(decision.choice).label),
        duplicate_of_url=detail_url(original.code) if original else "",
        duplicate_of_reference=original.reference if original else "",
        by=therapist.get_full_name() or therapist.get_username(),
        on=timezone.localdate(decision.created_at).isoformat(),
    )
