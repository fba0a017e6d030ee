"""Dose and 97033 unit arithmetic against treatment-course.md §3. Pure Python: no database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.clinical import dose
from screening.clinical.dose import DeviceLimits, DoseError
from tests.support.properties import PROPERTY

D = Decimal


def test_forty_ma_min_at_four_ma_runs_ten_minutes() -> None:
    assert dose.duration_minutes(D("40"), D("4")) == D("10.0")


def test_eighty_ma_min_at_two_ma_runs_forty_minutes() -> None:
    assert dose.duration_minutes(D("80"), D("2")) == D("40.0")


@pytest.mark.parametrize("current", [D("0"), D("0.0"), D("-1")])
def test_zero_or_negative_current_is_refused(current: Decimal) -> None:
    with pytest.raises(DoseError) as refused:
        dose.duration_minutes(D("40"), current)
    assert refused.value.code == "current_not_positive"


def test_current_above_the_device_maximum_is_refused() -> None:
    with pytest.raises(DoseError) as refused:
        dose.duration_minutes(D("40"), D("4.1"))
    assert refused.value.code == "current_too_high"


def test_a_duration_beyond_the_device_is_refused() -> None:
    with pytest.raises(DoseError) as refused:
        dose.duration_minutes(D("80"), D("0.5"))
    assert refused.value.code == "duration_too_long"


def test_the_device_limits_are_configurable() -> None:
    assert dose.duration_minutes(D("80"), D("0.5"), DeviceLimits(max_duration_min=D("160"))) == D("160.0")


def test_a_zero_dose_is_refused() -> None:
    with pytest.raises(DoseError) as refused:
        dose.duration_minutes(D("0"), D("4"))
    assert refused.value.code == "dose_not_positive"


def test_exactly_eighty_ma_min_delivered_needs_no_override() -> None:
    dose.check_delivered(D("80"), D("80"), "")


def test_just_above_eighty_ma_min_without_a_note_is_refused() -> None:
    with pytest.raises(DoseError) as refused:
        dose.check_delivered(D("80.1"), D("80"), "   ")
    assert refused.value.code == "above_electrode_max"


def test_above_the_maximum_with_an_override_note_is_accepted() -> None:
    dose.check_delivered(D("81"), D("80"), "Prescriber agreed a longer run on the phone")


def test_a_negative_delivered_dose_is_refused() -> None:
    with pytest.raises(DoseError):
        dose.check_delivered(D("-1"), D("80"), "note")


@pytest.mark.parametrize(
    ("minutes", "units"),
    [
        (0, 0),
        (7, 0),
        (8, 1),
        (22, 1),
        (23, 2),
        (37, 2),
        (38, 3),
        (52, 3),
        (53, 4),
        (67, 4),
        (68, 4),
        (200, 4),
    ],
)
def test_units_follow_the_eight_minute_rule(minutes: int, units: int) -> None:
    assert dose.units_97033(minutes) == units


def test_attended_minutes_count_whole_minutes() -> None:
    start = datetime(2026, 12, 1, 9, 0)
    assert dose.attended_minutes(start, start + timedelta(minutes=22, seconds=59)) == 22
    assert dose.attended_minutes(start, start + timedelta(hours=1)) == 60


# What the therapist reads above the note's field (services/courses.py shows str(error)): each
# refusal in plain words, with the limit it was held to.
@pytest.mark.parametrize(
    ("refuse", "code", "message"),
    [
        (
            lambda: dose.duration_minutes(D(40), D(0)),
            "current_not_positive",
            "The current must be more than 0 mA.",
        ),
        (
            lambda: dose.duration_minutes(D(40), D("4.5")),
            "current_too_high",
            "The device gives at most 4.0 mA.",
        ),
        (
            lambda: dose.duration_minutes(D(0), D(4)),
            "dose_not_positive",
            "The dose must be more than 0 mA·min.",
        ),
        (
            lambda: dose.duration_minutes(D(81), D(1)),
            "duration_too_long",
            "The device runs at most 80 minutes.",
        ),
        (
            lambda: dose.check_delivered(D(-1), D(80), ""),
            "delivered_negative",
            "The delivered dose cannot be negative.",
        ),
        (
            lambda: dose.check_delivered(D(81), D(80), " "),
            "above_electrode_max",
            "The delivered dose is above the electrode's maximum of 80 mA·min: say why in the override note.",
        ),
        (
            lambda: dose.attended_minutes(datetime(2026, 12, 1, 9), datetime(2026, 12, 1, 9)),
            "stop_before_start",
            "The stop time must be after the start time.",
        ),
    ],
)
def test_each_refusal_has_a_stable_code_and_says_why_in_plain_words(
    refuse: Callable[[], object], code: str, message: str
) -> None:
    with pytest.raises(DoseError) as refused:
        refuse()
    assert (refused.value.code, str(refused.value)) == (code, message)


def test_a_stop_time_not_after_the_start_is_refused() -> None:
    start = datetime(2026, 12, 1, 9, 0)
    with pytest.raises(DoseError) as refused:
        dose.attended_minutes(start, start)
    assert refused.value.code == "stop_before_start"


def test_patch_wear_gives_no_units() -> None:
    assert dose.session_units(0, 240, patch=True) == 0


def test_a_second_session_the_same_day_adds_only_what_the_day_total_allows() -> None:
    assert dose.session_units(10, 13, patch=False) == 1  # 23 minutes in the day: 2 units, 1 already


@PROPERTY
@given(st.integers(min_value=0, max_value=10_000))
def test_units_never_exceed_four_and_never_fall_as_minutes_grow(minutes: int) -> None:
    assert 0 <= dose.units_97033(minutes) <= dose.MAX_UNITS_PER_DAY
    assert dose.units_97033(minutes) <= dose.units_97033(minutes + 1)


@PROPERTY
@given(st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=500))
def test_the_sessions_of_a_day_never_add_up_to_more_than_the_day(earlier: int, this: int) -> None:
    assert dose.units_97033(earlier) + dose.session_units(earlier, this, patch=False) == dose.units_97033(
        earlier + this
    )


@PROPERTY
@given(
    st.decimals(min_value=D("0.1"), max_value=D("4.0"), places=1),
    st.decimals(min_value=D("1"), max_value=D("80"), places=1),
)
def test_duration_times_current_gives_back_the_dose(current: Decimal, planned: Decimal) -> None:
    try:
        minutes = dose.duration_minutes(planned, current)
    except DoseError as refused:
        assert refused.code == "duration_too_long"
        assert planned / current > DeviceLimits().max_duration_min
        return
    assert abs(minutes * current - planned) <= current * D("0.05")


@PROPERTY
@given(st.decimals(min_value=D("0"), max_value=D("200"), places=1))
def test_a_dose_is_refused_without_a_note_exactly_when_above_the_maximum(delivered: Decimal) -> None:
    try:
        dose.check_delivered(delivered, D("80"), "")
    except DoseError:
        assert delivered > D("80")
    else:
        assert delivered <= D("80")
