"""Dose and billing arithmetic of a session note (treatment-course.md §3).

Pure Python, no Django imports. Decimals throughout, so that 80 mA·min is exactly 80 and the
boundary against the electrode's labelled maximum is never blurred by a float.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

# CMS 8-minute rule for one timed code alone, and the MUE of 97033 (MBPM, CODA, MPIQ).
MINUTES_PER_UNIT = 15
MIN_BILLABLE_MINUTES = 8
MAX_UNITS_PER_DAY = 4


@dataclass(frozen=True)
class DeviceLimits:
    """The range the clinic's device accepts; DUPEL-class devices deliver up to 4 mA."""

    max_current_ma: Decimal = Decimal("4.0")
    max_duration_min: Decimal = Decimal("80")


class DoseError(ValueError):
    """A dose figure the app refuses; `code` is stable for forms and tests."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def duration_minutes(
    dose_ma_min: Decimal, current_ma: Decimal, limits: DeviceLimits | None = None
) -> Decimal:
    """Minutes the current must run to give the dose (dose ÷ current); DoseError outside the device's range."""
    limits = limits or DeviceLimits()
    if current_ma <= 0:
        raise DoseError("current_not_positive", "The current must be more than 0 mA.")
    if current_ma > limits.max_current_ma:
        raise DoseError("current_too_high", f"The device gives at most {limits.max_current_ma} mA.")
    if dose_ma_min <= 0:
        raise DoseError("dose_not_positive", "The dose must be more than 0 mA·min.")
    minutes = dose_ma_min / current_ma
    if minutes > limits.max_duration_min:
        raise DoseError("duration_too_long", f"The device runs at most {limits.max_duration_min} minutes.")
    return minutes.quantize(Decimal("0.1"))


def check_delivered(delivered_ma_min: Decimal, electrode_max_ma_min: Decimal, override_note: str) -> None:
    """DoseError when the delivered dose is above the electrode's labelled maximum without a note."""
    if delivered_ma_min < 0:
        raise DoseError("delivered_negative", "The delivered dose cannot be negative.")
    if delivered_ma_min > electrode_max_ma_min and not override_note.strip():
        raise DoseError(
            "above_electrode_max",
            f"The delivered dose is above the electrode's maximum of {electrode_max_ma_min} mA·min: "
            "say why in the override note.",
        )


def attended_minutes(start: datetime, stop: datetime) -> int:
    """Whole minutes of constant attendance from start to stop; DoseError if stop is not after start."""
    if stop <= start:
        raise DoseError("stop_before_start", "The stop time must be after the start time.")
    return int((stop - start).total_seconds() // 60)


def units_97033(minutes: int) -> int:
    """97033 units for a day's attended minutes by the 8-minute rule: 0 under 8, at most 4 (MUE)."""
    if minutes < MIN_BILLABLE_MINUTES:
        return 0
    return min((minutes + 7) // MINUTES_PER_UNIT, MAX_UNITS_PER_DAY)


def session_units(minutes_today: int, minutes_this_session: int, *, patch: bool) -> int:
    """The units this session adds to the day's earlier ones; a wearable patch's wear adds none."""
    if patch:
        return 0
    return units_97033(minutes_today + minutes_this_session) - units_97033(minutes_today)
