"""What a queue row shows (screening/queue_rows.py): each cell's words, worked out in Python, as the
therapist reads them in the queue page, in English and in Spanish, and escaped like any template
value."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from screening import queue_rows, services
from screening.models import DecisionChoice, Submission
from tests.support.answers import make_answers
from tests.support.factories import SubmissionFactory
from tests.support.review import decide

pytestmark = pytest.mark.django_db

QUEUE = reverse("screening:review-queue")


def row_html(html: str, reference_or_name: str) -> str:
    """The <tr> of the queue table that holds this text."""
    rows = re.findall(r"<tr[ >].*?</tr>", html, flags=re.S)
    [row] = [r for r in rows if reference_or_name in r]
    return re.sub(r"\s+", " ", row)


@pytest.mark.parametrize("code", [uuid.UUID(int=0), uuid.UUID(int=2**128 - 1), uuid.uuid4()])
def test_a_rows_link_is_the_detail_pages_url(code: uuid.UUID) -> None:
    assert queue_rows.detail_url_maker()(code) == reverse("screening:review-detail", args=[code])


def test_a_language_the_site_does_not_know_is_shown_as_its_code() -> None:
    # get_language_info raises KeyError for it: the queue would have failed with a 500.
    assert queue_rows.language_name("tlh") == "tlh"
    with translation.override("es"):
        assert queue_rows.language_name("en") == "Inglés"


def test_an_undecided_row_in_english_and_in_spanish(therapist_client: Client) -> None:
    SubmissionFactory(
        first_name="Rosa",
        last_name="Núñez",
        phone="(555) 010-2233",
        answers=make_answers(
            has_implanted_electronic_device="yes", condition="bursitis", body_area="shoulder"
        ),
        created_at=timezone.now() - timedelta(hours=5, minutes=10),
    )
    therapist_client.post(QUEUE, {"status": "all"})
    english = row_html(therapist_client.get(QUEUE).content.decode(), "Núñez, Rosa")
    assert 'data-code="NS-IMPLANT">Pacemaker or other implanted electrical device</span>' in english
    assert '<a href="tel:5550102233">(555) 010-2233</a>' in english
    assert "<td>English</td>" in english
    assert "5 hours" in english and "Undecided" in english
    assert re.search(r'<td class="answer-cell">Bursitis</td> <td class="answer-cell">Shoulder</td>', english)

    with translation.override("es"):
        spanish = row_html(
            therapist_client.get(QUEUE, HTTP_ACCEPT_LANGUAGE="es").content.decode(), "Núñez, Rosa"
        )
    assert "5 horas" in spanish and "<td>Inglés</td>" in spanish
    assert "Pacemaker" not in spanish


def test_a_name_is_escaped_like_any_template_value(therapist_client: Client) -> None:
    SubmissionFactory(first_name='<img src=x onerror="alert(1)">', last_name="O'Brien & Co")
    therapist_client.post(QUEUE, {"status": "all"})
    html = therapist_client.get(QUEUE).content.decode()
    assert "<img src=x" not in html
    assert "O&#x27;Brien &amp; Co, &lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_a_row_without_a_phone_or_a_birth_date_shows_dashes(therapist_client: Client) -> None:
    answers = make_answers()
    del answers["date_of_birth"]
    SubmissionFactory(last_name="Quinn", phone="", email="quinn@example.com", answers=answers)
    therapist_client.post(QUEUE, {"status": "all"})
    row = row_html(therapist_client.get(QUEUE).content.decode(), "Quinn,")
    assert '<td class="text-nowrap">–</td>' in row and "<td>–</td>" in row and "tel:" not in row


def test_possible_duplicates_and_a_closed_duplicate_read_as_words_with_links(
    therapist_client: Client, therapist: User
) -> None:
    now = timezone.now()
    first = SubmissionFactory(
        first_name="Ana", last_name="Reyes", phone="(555) 010-0001", created_at=now - timedelta(days=3)
    )
    second = SubmissionFactory(
        first_name="Ana", last_name="Reyes", phone="(555) 010-0001", created_at=now - timedelta(days=2)
    )
    third = SubmissionFactory(first_name="Ana", last_name="Reyes", phone="(555) 010-0001", created_at=now)
    therapist_client.post(QUEUE, {"status": "all"})
    newest_link = reverse("screening:review-detail", args=[third.code]) + '">Reyes, Ana'
    newest = row_html(therapist_client.get(QUEUE).content.decode(), newest_link)
    nearest = reverse("screening:review-detail", args=[second.code])
    assert f'<a href="{nearest}">Possible duplicate of {second.reference}</a> and 1 more' in newest

    services.decision_record(
        submission=third,
        therapist=therapist,
        choice="duplicate",
        note="",
        seen_decision_id=None,
        duplicate_of_id=first.pk,
    )
    closed = row_html(therapist_client.get(QUEUE).content.decode(), newest_link)
    assert "possible-duplicate" not in closed  # closed as a duplicate: nothing left to look at
    original = reverse("screening:review-detail", args=[first.code])
    assert f'{DecisionChoice.DUPLICATE.label}: <a href="{original}">{first.reference}</a>' in closed
    assert f"thea, {timezone.localdate().isoformat()}" in closed


def test_a_decision_names_the_therapist_by_full_name_when_there_is_one(
    therapist_client: Client, therapist: User
) -> None:
    therapist.first_name, therapist.last_name = "Thea", "Okafor"
    therapist.save()
    submission: Submission = SubmissionFactory(last_name="Evans")
    decide(submission, therapist, "suitable")
    therapist_client.post(QUEUE, {"status": "decided"})
    row = row_html(therapist_client.get(QUEUE).content.decode(), "Evans,")
    assert f"Thea Okafor, {timezone.localdate().isoformat()}" in row
    assert '<span class="text-body-secondary text-nowrap">Undecided</span>' not in row
