"""Reading settings from the environment: each helper names the variable when its value is wrong."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: str) -> bool:
    """True or false from 1/0, true/false, yes/no, on/off; anything else stops the start."""
    value = os.getenv(name, default).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int, *, low: int, high: int) -> int:
    """A whole number from low to high; anything else stops the start."""
    raw = os.getenv(name, str(default)).strip()
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name} must be between {low} and {high}, not {value}")
    return value


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of choices; anything else stops the start."""
    value = os.getenv(name, default).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def envnumber(name: str, default: str, *, low: float, high: float) -> float:
    """A number from low to high, decimals allowed (0.5); anything else stops the start."""
    raw = os.getenv(name, default).strip()
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from None
    if not low <= value <= high:  # also refuses nan
        raise ImproperlyConfigured(f"{name} must be between {low:g} and {high:g}, not {raw}")
    return value
