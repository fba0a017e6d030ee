"""Closing a possible duplicate: the "Duplicate of …" decision, through the service and the page, in
the history and the exports, never an override or a booking, refused for anything not a match."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from screening import services
from screening.models import AccessLog, Decision, DecisionChoice, Submission, SubmissionTally
from screening.models.decision import OVERRIDES
from tests.support.answers import make_answers
from tests.support.courses import course_fields
from tests.support.factories import SubmissionFactory
from tests.support.review import decide, detail_url

pytestmark = pytest.mark.django_db

QUEUE = reverse("screening:review-queue")


@pytest.fixture
def pair(db: None) -> tuple[Submission, Submission]:
    # Rosa sent the form on Monday and again on Thursday, from another phone.
    now = timezone.now()
    first = SubmissionFactory(first_name="Rosa", last_name="Reyes", created_at=now - timedelta(days=3))
    again = SubmissionFactory(first_name="Rosa", last_name="Reyes", created_at=now)
    return first, again


def close(submission: Submission, therapist: User, original: Submission | None, **kwargs: Any) -> Decision:
    return services.decision_record(
        submission=submission,
        therapist=therapist,
        choice="duplicate",
        note=kwargs.pop("note", ""),
        seen_decision_id=submission.latest_decision_id,
        duplicate_of_id=original.pk if original else None,
        **kwargs,
    )


def undecided_tally() -> int:
    return sum(SubmissionTally.objects.filter(decided=False).values_list("count", flat=True))


def test_closing_as_a_duplicate_is_recorded_and_leaves_the_undecided_queue(
    therapist: User, therapist_client: Client, pair: tuple[Submission, Submission]
) -> None:
    first, again = pair
    decision = close(again, therapist, first)
    again.refresh_from_db()
    assert again.latest_decision == decision and decision.duplicate_of == first
    assert not decision.is_override
    assert undecided_tally() == 1
    assert [row.submission for row in therapist_client.get(QUEUE).context["rows"]] == [first]
    # The pair is settled: the original no longer calls itself a possible duplicate.
    assert therapist_client.get(QUEUE).context["rows"][0].duplicates == []
    log = AccessLog.objects.get(action=AccessLog.Action.DECIDE)
    assert log.detail.endswith(
        f"choice=duplicate outcome=likely_suitable override=no duplicate_of={first.reference}"
    )


def test_a_duplicate_is_no_override_for_any_outcome() -> None:
    assert all(choice != DecisionChoice.DUPLICATE for choice, _outcome in OVERRIDES)


def test_a_duplicate_of_a_likely_not_suitable_patient_needs_no_note(therapist: User) -> None:
    first = SubmissionFactory(last_name="Reyes", answers=make_answers(has_implanted_electronic_device="yes"))
    again = SubmissionFactory(last_name="Reyes", answers=make_answers(has_implanted_electronic_device="yes"))
    assert not close(again, therapist, first).is_override


@pytest.mark.parametrize("target", ["none", "unrelated", "itself", "too_old"])
def test_a_duplicate_of_something_that_is_not_a_possible_duplicate_is_refused_and_nothing_saved(
    therapist: User, pair: tuple[Submission, Submission], target: str
) -> None:
    _first, again = pair
    others = {
        "none": None,
        "unrelated": SubmissionFactory(last_name="Lopez"),
        "itself": again,
        "too_old": SubmissionFactory(last_name="Reyes", created_at=timezone.now() - timedelta(days=91)),
    }
    with pytest.raises(ValidationError) as refused:
        close(again, therapist, others[target])
    assert refused.value.code == "not_a_duplicate"
    assert not Decision.objects.exists()
    assert not AccessLog.objects.filter(action=AccessLog.Action.DECIDE).exists()
    again.refresh_from_db()
    assert again.latest_decision is None and undecided_tally() == len(Submission.objects.all())


def test_the_database_requires_duplicate_of_for_a_duplicate_and_only_for_it(
    therapist: User, pair: tuple[Submission, Submission]
) -> None:
    first, again = pair
    bad = [
        {"choice": "duplicate", "duplicate_of": None},
        {"choice": "call_patient", "duplicate_of": first},
        {"choice": "duplicate", "duplicate_of": again},
    ]
    for fields in bad:
        with pytest.raises(IntegrityError), transaction.atomic():
            Decision.objects.create(
                submission=again, therapist=therapist, automated_outcome="likely_suitable", **fields
            )


def test_a_duplicate_never_opens_a_treatment_course(
    therapist: User, pair: tuple[Submission, Submission]
) -> None:
    first, again = pair
    close(again, therapist, first)
    again.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.course_open(submission=again, therapist=therapist, fields=course_fields())
    assert refused.value.code == "not_booked"


def test_the_detail_page_shows_the_banner_the_choice_and_after_closing_the_history(
    therapist_client: Client, pair: tuple[Submission, Submission]
) -> None:
    first, again = pair
    html = therapist_client.get(detail_url(again)).content.decode()
    banner = html.split('data-testid="duplicate-banner"')[1].split("</section>")[0]
    assert f'Possible duplicate of <a href="{detail_url(first)}">{first.reference}</a>, sent' in banner
    assert first.created_at.strftime("%Y-%m-%d") in banner and "last name and date of birth" in banner
    assert 'value="duplicate"' in html
    assert f'<option value="{first.code}" selected>{first.reference}, sent ' in html
    response = therapist_client.post(
        reverse("screening:review-decide", args=[again.code]),
        {"choice": "duplicate", "duplicate_of": str(first.code), "note": "", "seen_decision": ""},
    )
    assert response.status_code == 302
    html = therapist_client.get(detail_url(again)).content.decode()
    history = html.split('id="decisions-title"')[1].split('id="decide-title"')[0]
    assert f'Duplicate of another submission: <a href="{detail_url(first)}">{first.reference}</a>' in history
    assert 'data-testid="duplicate-banner"' not in html  # closed: nothing left to look at
    assert "Open a treatment course" not in html


def test_a_page_without_duplicates_offers_no_duplicate_choice(therapist_client: Client) -> None:
    alone = SubmissionFactory(last_name="Alone")
    html = therapist_client.get(detail_url(alone)).content.decode()
    assert 'value="duplicate"' not in html and "duplicate-banner" not in html


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"duplicate_of": ""}, "duplicate_of", "duplicate_required"),
        ({"duplicate_of": "not-a-code"}, "duplicate_of", "invalid_choice"),
    ],
)
def test_a_duplicate_without_a_valid_target_is_explained_on_the_form(
    therapist_client: Client, pair: tuple[Submission, Submission], data: dict[str, str], field: str, code: str
) -> None:
    _first, again = pair
    response = therapist_client.post(
        reverse("screening:review-decide", args=[again.code]),
        {"choice": "duplicate", "note": "", "seen_decision": "", **data},
    )
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()[field]] == [code]
    assert not Decision.objects.exists()


def test_a_duplicate_sent_from_a_page_with_no_match_is_explained(therapist_client: Client) -> None:
    alone = SubmissionFactory(last_name="Alone")
    response = therapist_client.post(
        reverse("screening:review-decide", args=[alone.code]),
        {"choice": "duplicate", "duplicate_of": str(alone.code), "note": "", "seen_decision": ""},
    )
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["choice"]] == ["no_duplicate"]
    assert "cannot be closed as a duplicate" in response.content.decode()
    assert not Decision.objects.exists()


def test_the_csv_export_names_the_original(
    therapist: User, therapist_client: Client, pair: tuple[Submission, Submission]
) -> None:
    first, again = pair
    close(again, therapist, first)
    therapist_client.post(QUEUE, {"status": "all"})
    response = therapist_client.get(reverse("screening:review-export"))
    table = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_reference = {row["reference"]: row for row in table}
    assert (by_reference[again.reference]["decision"], by_reference[again.reference]["duplicate_of"]) == (
        "duplicate",
        first.reference,
    )
    assert by_reference[again.reference]["decision_against_outcome"] == "no"
    assert by_reference[first.reference]["duplicate_of"] == ""


def test_the_fhir_export_codes_the_decision_and_names_the_original(
    therapist: User, therapist_client: Client, pair: tuple[Submission, Submission]
) -> None:
    first, again = pair
    close(again, therapist, first)
    bundle = json.loads(therapist_client.get(reverse("screening:review-fhir", args=[again.code])).content)
    observation = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
    )
    decision = next(
        c for c in observation["component"] if c["code"]["coding"][0]["code"] == "therapist-decision"
    )
    assert decision["valueCodeableConcept"]["coding"][0]["code"] == "duplicate"
    assert f"Duplicate of submission {first.reference}." in observation["note"][0]["text"]


def test_erasing_the_original_reopens_the_duplicate_and_keeps_the_counts(
    therapist: User, pair: tuple[Submission, Submission]
) -> None:
    first, again = pair
    called = decide(again, therapist, "call_patient")
    close(again, therapist, first)
    other = SubmissionFactory(last_name="Reyes", created_at=timezone.now() - timedelta(days=1))
    close(other, therapist, first)
    services.submission_erase(submission=first, user=therapist)
    again.refresh_from_db()
    other.refresh_from_db()
    assert again.latest_decision == called  # its earlier decision is the latest again
    assert other.latest_decision is None  # undecided again
    assert list(Decision.objects.filter(choice="duplicate")) == []
    counts = {(t.outcome, t.decided): t.count for t in SubmissionTally.objects.all()}
    assert counts[("likely_suitable", False)] == 1 and counts[("likely_suitable", True)] == 1
