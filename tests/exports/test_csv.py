"""The CSV export: its rows, its cells made safe for spreadsheets, and the view that streams it."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from screening.exports.csv import HEADER, _safe_cell, submission_rows
from screening.models import AccessLog, Submission
from screening.queue import ReviewFilter
from tests.support.answers import make_answers
from tests.support.factories import SubmissionFactory
from tests.support.review import decide

pytestmark = pytest.mark.django_db

EXPORT = reverse("screening:review-export")


def read_csv(response: Any) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+4412345", "'+4412345"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("K7MQ-4XPD", "K7MQ-4XPD"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (3, "3"),
    ],
)
def test_export_escapes_formula_cells(value: object, expected: str) -> None:
    assert _safe_cell(value) == expected


def test_rows_start_with_the_header_and_hold_one_row_per_submission(therapist: User) -> None:
    plain = SubmissionFactory()
    flagged = SubmissionFactory(answers=make_answers(has_implanted_electronic_device="yes", depth="unsure"))
    decide(flagged, therapist, "not_suitable")
    rows = list(submission_rows(Submission.objects.for_queue(ReviewFilter(status="all"))))
    assert rows[0] == HEADER
    by_reference = {row[0]: dict(zip(HEADER, row, strict=True)) for row in rows[1:]}
    assert set(by_reference) == {plain.reference, flagged.reference}
    row = by_reference[flagged.reference]
    assert row["outcome"] == "not_suitable"
    assert row["reason_codes"] == "NS-IMPLANT NR-DEPTH"
    assert row["has_implanted_electronic_device"] == "yes"
    assert row["skin_problem_at_site"] == "none"
    assert row["date_of_birth"] == "1980-06-15"
    assert (row["decision"], row["decided_by"], row["decision_against_outcome"]) == (
        "not_suitable",
        "thea",
        "no",
    )
    assert row["submitted_at"].startswith(flagged.created_at.strftime("%Y-%m-%d"))
    assert by_reference[plain.reference]["decision"] == ""


def test_export_streams_the_current_filter_as_an_attachment(therapist_client: Client) -> None:
    SubmissionFactory(answers=make_answers(has_implanted_electronic_device="yes"))
    clear = SubmissionFactory()
    therapist_client.post(reverse("screening:review-queue"), {"outcome": "likely_suitable"})
    response = therapist_client.get(EXPORT)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="screenings-')
    assert [row["reference"] for row in read_csv(response)] == [clear.reference]


def test_export_leaves_names_and_contact_details_out(therapist_client: Client) -> None:
    SubmissionFactory(first_name="Rosa", last_name="Reyes", email="rosa@example.com")
    text = b"".join(therapist_client.get(EXPORT).streaming_content).decode()
    assert "Reyes" not in text and "rosa@example.com" not in text and "010-0000" not in text


def test_export_neutralises_a_formula_in_a_therapist_name(client: Client) -> None:
    mallory = User.objects.create_user("=HYPERLINK(1)", password="x")  # admins can create any name
    mallory.groups.add(Group.objects.get(name="Therapists"))
    client.force_login(mallory)
    submission = SubmissionFactory()
    decide(submission, mallory, "call_patient")
    client.post(reverse("screening:review-queue"), {"status": "all"})
    rows = read_csv(client.get(EXPORT))
    assert rows[0]["decided_by"] == "'=HYPERLINK(1)"


def test_each_export_is_logged_with_its_filter_but_not_the_search_words(therapist_client: Client) -> None:
    SubmissionFactory(last_name="Reyes")
    therapist_client.post(reverse("screening:review-queue"), {"search": "Reyes", "status": "all"})
    read_csv(therapist_client.get(EXPORT))
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert (entry.username, entry.action, entry.submission) == ("thea", "export", None)
    assert entry.detail == "rows=1 outcome=any status=all sent=.. search=yes sort=sent"
    assert "Reyes" not in entry.detail
