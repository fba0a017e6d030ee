"""The short reference a patient reads out on the phone, such as "K7MQ-4XPD"."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L: a patient reads this code out on the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """A short code such as "K7MQ-4XPD" (31**8 possibilities), random and not derived from data."""
    # One draw of the whole number, its 8 base-31 digits read off: as uniform as 8 secrets.choice()
    # calls, with one read of the system's randomness instead of 8 (seeding a million rows).
    number = secrets.randbelow(len(REFERENCE_ALPHABET) ** 8)
    chars = []
    for _ in range(8):
        number, digit = divmod(number, len(REFERENCE_ALPHABET))
        chars.append(REFERENCE_ALPHABET[digit])
    return f"{''.join(chars[:4])}-{''.join(chars[4:])}"


def as_reference(text: str) -> str | None:
    """The stored form of a reference typed as "k7mq 4xpd" or "K7MQ4XPD"; None if it cannot be one."""
    chars = text.upper().replace("-", "").replace(" ", "")
    if len(chars) != 8 or not set(chars) <= set(REFERENCE_ALPHABET):
        return None
    return f"{chars[:4]}-{chars[4:]}"
