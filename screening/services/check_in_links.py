"""The one-time codes that open a patient's own check-in on the clinic's device: one session each."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from screening.models import AccessLog, CheckInLink, Course
from screening.services.courses import _log, _require_open

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

# A patient's check-in link opens the one session it was made for, and only for a short while.
CHECK_IN_LINK_LIFETIME = timedelta(minutes=30)

# Crockford's base32: no I, L, O or U, so a code read off the screen is typed back without doubt.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 bits: one-time, and dead after CHECK_IN_LINK_LIFETIME
_CODE_READS = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})


def normalise_code(typed: str) -> str:
    """A check-in code as stored, from what a patient typed: case, dashes, spaces and look-alikes ignored."""
    return typed.upper().translate(_CODE_READS)


def _token_hash(token: str) -> str:
    return hashlib.sha256(normalise_code(token).encode()).hexdigest()


@transaction.atomic
def check_in_link_create(*, course: Course, therapist: AbstractBaseUser) -> str:
    """A fresh one-time code (XXXXX-XXXXX) for the patient's check-in of the course's next session.

    Only its hash is stored; any earlier unused link of the course stops working.
    """
    _require_open(course)
    now = timezone.now()
    CheckInLink.objects.filter(course=course, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    token = f"{raw[:5]}-{raw[5:]}"
    CheckInLink.objects.create(
        course=course,
        session_number=course.next_session_number(),
        token_hash=_token_hash(token),
        created_by=therapist,
        expires_at=now + CHECK_IN_LINK_LIFETIME,
    )
    _log(therapist, AccessLog.Action.CHECK_IN_LINK, course, f"session={course.next_session_number()}")
    return token


def check_in_link_find(token: str) -> CheckInLink | None:
    """The link this code opens, if it is unused, unexpired and still for the course's next session."""
    if len(normalise_code(token)) != CODE_LENGTH:
        return None
    link = (
        CheckInLink.objects.select_related("course__submission", "created_by")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    return link if link is not None and check_in_link_live(link) else None


def check_in_link_live(link: CheckInLink) -> bool:
    """Whether the link still opens its session: unused, unexpired, the course open and at that session."""
    fresh = CheckInLink.objects.filter(
        pk=link.pk, used_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()
    return fresh and link.course.is_open and link.session_number == link.course.next_session_number()
