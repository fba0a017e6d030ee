"""The signed sessions' CSV: codes and figures, no names, formula-safe, logged, therapists only."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from screening import services
from screening.models import AccessLog, CheckIn
from tests.support.checkins import make_checkin
from tests.support.courses import note_fields, open_course, signed_session

pytestmark = pytest.mark.django_db
EXPORT = reverse("screening:course-sessions-export")


def _rows(response: object) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body)))


def test_the_sessions_export_needs_a_therapist(client: Client, other_user_client: Client) -> None:
    assert client.get(EXPORT).status_code == 302
    assert other_user_client.get(EXPORT).status_code == 403


def test_signed_sessions_are_exported_with_codes_and_no_names(
    therapist_client: Client, therapist: User
) -> None:
    course = open_course(therapist)
    note = signed_session(therapist, course, delivered_dose=Decimal("81"), override_note="Device overshoot")
    services.amendment_add(note=note, author=therapist, reason="Typo", text="Lot L2026-119")
    response = therapist_client.get(EXPORT)
    assert response["Content-Disposition"].startswith('attachment; filename="sessions-')
    header, row = _rows(response)
    record = dict(zip(header, row, strict=True))
    assert record["reference"] == course.submission.reference
    assert (record["units_97033"], record["duration_min"], record["above_electrode_max"]) == (
        "1",
        "10.0",
        "yes",
    )
    assert record["amendments"] == "1"
    body = ",".join(row)
    assert course.submission.last_name not in body and course.submission.first_name not in body
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, detail="sessions rows=1").exists()


def test_a_formula_in_a_free_text_code_is_neutralised(therapist_client: Client, therapist: User) -> None:
    course = open_course(therapist, concentration="=HYPERLINK(1)")
    signed_session(therapist, course)
    header, row = _rows(therapist_client.get(EXPORT))
    assert dict(zip(header, row, strict=True))["concentration"] == "'=HYPERLINK(1)"


def test_drafts_are_not_exported(therapist_client: Client, therapist: User) -> None:
    course = open_course(therapist)
    check_in = services.check_in_record(
        course=course, answers=make_checkin(), recorded_by=therapist, filled_by=CheckIn.FilledBy.THERAPIST
    )
    services.session_note_save(check_in=check_in, clinician=therapist, fields=note_fields(), sign=False)
    assert len(_rows(therapist_client.get(EXPORT))) == 1
