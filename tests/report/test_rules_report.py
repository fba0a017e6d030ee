"""screening.report: the rules report's figures, from database aggregates, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest

from screening import report
from screening.clinical import reasons
from screening.models import Submission
from screening.models.decision import TREATMENT_CHOICES, DecisionChoice
from tests.support.report import NUMB, PACEMAKER, decided, sent

if TYPE_CHECKING:
    from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 2)
SUNDAY = MONDAY + timedelta(days=6)
NOTE = "Cardiology letter: the pacemaker was removed."


def figures(start: date = MONDAY, end: date = SUNDAY, **kwargs: int) -> report.RulesReport:
    return report.rules_report(start=start, end=end, **{"threshold": 30, "min_decisions": 10, **kwargs})


def rule(found: report.RulesReport, code: str) -> report.RuleFigures:
    return next(r for r in found.rules if r.code == code)


def test_a_rule_counts_how_often_it_fired_was_decided_and_was_decided_against(therapist: User) -> None:
    booked, turned_down, called, _undecided = sent(MONDAY, 4, **PACEMAKER)
    decided(booked, therapist, "suitable", NOTE)  # against "likely not suitable"
    decided(turned_down, therapist, "not_suitable")
    decided(called, therapist, "call_patient")
    (clear,) = sent(MONDAY)
    decided(clear, therapist, "not_suitable", "Prefers injections.")  # against "likely suitable"

    found = figures()

    implant = rule(found, "NS-IMPLANT")
    assert (implant.fired, implant.decided, implant.overrides, implant.percent) == (4, 3, 1, 33)
    assert (found.screenings, found.decided, found.overrides) == (5, 4, 2)
    assert found.outcomes == {"likely_suitable": 1, "needs_review": 0, "not_suitable": 4}


def test_every_rule_the_rules_can_give_is_listed_even_one_that_never_fired() -> None:
    found = figures()
    assert [r.code for r in found.rules] == list(reasons.REASONS)
    assert all((r.fired, r.decided, r.overrides, r.rate) == (0, 0, 0, None) for r in found.rules)
    assert rule(found, "NS-IMPLANT").headline == "Pacemaker or other implanted electrical device"


def test_each_rule_of_a_submission_with_two_counts_the_one_decision(therapist: User) -> None:
    (both,) = sent(MONDAY, **PACEMAKER, **NUMB)
    decided(both, therapist, "suitable", NOTE)
    found = figures()
    for code in ("NS-IMPLANT", "NR-REDUCED-FEELING"):
        assert (rule(found, code).fired, rule(found, code).decided, rule(found, code).overrides) == (1, 1, 1)
    assert found.screenings == 1


def test_only_the_latest_decision_counts(therapist: User) -> None:
    (rosa,) = sent(MONDAY, **PACEMAKER)
    decided(rosa, therapist, "suitable", NOTE)
    decided(rosa, therapist, "not_suitable")
    implant = rule(figures(), "NS-IMPLANT")
    assert (implant.decided, implant.overrides) == (1, 0)


def test_every_choice_but_duplicate_is_a_treatment_decision_and_one_set_says_so() -> None:
    # A choice that decides nothing about treatment (closing a duplicate) is left out of this set, and
    # so out of "decided" and the override rate: report.DECIDED is built from it alone.
    assert set(DecisionChoice.values) - {DecisionChoice.DUPLICATE} == TREATMENT_CHOICES
    assert DecisionChoice.DUPLICATE not in TREATMENT_CHOICES
    assert str(sorted(TREATMENT_CHOICES)) in str(report.DECIDED)


def test_the_range_includes_both_days_in_the_clinic_time_zone(settings: object) -> None:
    sent(MONDAY - timedelta(days=1))
    sent(MONDAY, 2)
    sent(SUNDAY, 3)
    sent(SUNDAY + timedelta(days=1), 4)
    assert figures().screenings == 5
    assert figures(MONDAY, MONDAY).screenings == 2


def test_a_rule_is_flagged_above_the_threshold_once_it_has_enough_decisions(therapist: User) -> None:
    patients = sent(MONDAY, 10, **PACEMAKER)
    for patient in patients[:4]:
        decided(patient, therapist, "suitable", NOTE)
    for patient in patients[4:9]:
        decided(patient, therapist, "not_suitable")
    implant = rule(figures(), "NS-IMPLANT")
    assert (implant.decided, implant.overrides, implant.review) == (9, 4, False)  # 44 %, but only 9

    decided(patients[9], therapist, "not_suitable")
    assert rule(figures(), "NS-IMPLANT").review  # 4 of 10: 40 % > 30 %
    assert not rule(figures(threshold=40), "NS-IMPLANT").review  # at the threshold is not above it
    assert [r.code for r in figures().flagged] == ["NS-IMPLANT"]


def test_every_week_of_the_range_is_a_row_with_its_outcome_mix() -> None:
    sent(MONDAY, 2)
    sent(MONDAY + timedelta(days=15), **PACEMAKER)
    weeks = figures(MONDAY + timedelta(days=3), MONDAY + timedelta(days=20)).weeks
    assert [w.start for w in weeks] == [MONDAY, MONDAY + timedelta(days=7), MONDAY + timedelta(days=14)]
    assert [w.total for w in weeks] == [0, 0, 1]  # Monday's two were sent before the range began
    assert weeks[2].counts == {"likely_suitable": 0, "needs_review": 0, "not_suitable": 1}


def test_the_weeks_add_up_to_the_range_whatever_day_it_starts_and_ends_on() -> None:
    for day in (0, 1, 6, 7, 13, 20, 27, 33):
        sent(MONDAY + timedelta(days=day))
    for first, last in ((0, 33), (1, 27), (6, 7), (3, 3), (13, 40)):
        found = figures(MONDAY + timedelta(days=first), MONDAY + timedelta(days=last))
        assert sum(w.total for w in found.weeks) == found.screenings
        assert all(w.start.weekday() == 0 for w in found.weeks)


def test_a_retired_code_in_the_data_is_listed_after_the_current_rules() -> None:
    (old,) = sent(MONDAY)
    Submission.objects.filter(pk=old.pk).update(reason_codes=["NR-RETIRED"], outcome="needs_review")
    found = figures()
    assert found.rules[-1].code == "NR-RETIRED"
    assert found.rules[-1].fired == 1


def test_the_override_notes_are_the_latest_decisions_against_the_outcome_of_that_rule(
    therapist: User,
) -> None:
    rosa, omar = sent(MONDAY, 2, **PACEMAKER)
    decided(rosa, therapist, "suitable", NOTE)
    decided(omar, therapist, "not_suitable")
    sent(MONDAY, **NUMB)  # numb skin, undecided: no note to list
    (clear,) = sent(MONDAY)
    decided(clear, therapist, "not_suitable", "Prefers injections.")

    notes = report.override_notes(start=MONDAY, end=SUNDAY, code="NS-IMPLANT")
    assert [(s.reference, s.latest_decision.note) for s in notes] == [(rosa.reference, NOTE)]
    everything = report.override_notes(start=MONDAY, end=SUNDAY)
    assert {s.reference for s in everything} == {rosa.reference, clear.reference}
    assert list(report.override_notes(start=MONDAY, end=SUNDAY, code="NR-REDUCED-FEELING")) == []


@pytest.mark.parametrize("rows", [3, 300])
def test_the_report_takes_two_queries_however_many_submissions(
    rows: int, therapist: User, django_assert_max_num_queries: object
) -> None:
    patients = sent(MONDAY, rows, **PACEMAKER) + sent(SUNDAY, rows, **NUMB)
    for patient in patients[::3]:
        decided(patient, therapist, "suitable", NOTE)
    with django_assert_max_num_queries(2):  # type: ignore[operator]
        found = figures()
    assert found.screenings == 2 * rows
    assert rule(found, "NS-IMPLANT").decided == len(patients[:rows:3])


def test_the_longest_range_the_form_allows_still_counts_every_week() -> None:
    # One UNION ALL term per week and outcome: 3 years are 474 terms, under SQLite's 500.
    from screening.forms.report import MAX_DAYS

    start = SUNDAY - timedelta(days=MAX_DAYS)
    sent(start)
    sent(SUNDAY, 2, **PACEMAKER)
    found = figures(start, SUNDAY)
    assert len(found.weeks) > 150
    assert sum(w.total for w in found.weeks) == found.screenings == 3
    assert found.weeks[-1].counts["not_suitable"] == 2
