"""The detail page of issue 12: the decision in reach, the error summary after a refusal, reasons in words."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.html import escape

from screening import presenters
from screening.clinical import sources
from tests.support.review import decide, detail_url

if TYPE_CHECKING:
    from django.test import Client

    from screening.models import Submission

pytestmark = pytest.mark.django_db


def post_decision(client: Client, submission: Submission, **data: Any) -> Any:
    url = reverse("screening:review-decide", args=[submission.code])
    return client.post(url, {"note": "", "seen_decision": "", **data})


def test_the_decision_form_comes_before_the_answers_with_a_link_to_it_at_the_top(
    therapist_client: Client, rosa: Submission
) -> None:
    html = therapist_client.get(detail_url(rosa)).content.decode()
    assert html.index('href="#decide"') < html.index('id="outcome-title"')
    assert html.index('id="outcome-title"') < html.index('id="decide"') < html.index('id="answers-title"')
    assert 'id="error-summary"' not in html


def test_a_refused_override_opens_at_an_error_summary_that_names_the_note(
    therapist_client: Client, rosa: Submission
) -> None:
    response = post_decision(therapist_client, rosa, choice="suitable")
    html = response.content.decode()
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    assert "autofocus" in html.split('id="error-summary"')[1].split(">")[0]
    assert '<a href="#id_note">' in summary and "please say why in the note" in summary
    assert re.search(r"<title>Error: ", html)
    assert html.count("autofocus") == 1


def test_a_decision_with_no_choice_names_the_choice(therapist_client: Client, rosa: Submission) -> None:
    html = post_decision(therapist_client, rosa).content.decode()
    assert '<a href="#id_choice_0">' in html.split('id="error-summary"')[1].split("</div>")[0]


def test_a_conflict_opens_at_the_error_summary_too(therapist_client: Client, rosa: Submission) -> None:
    seen = therapist_client.get(detail_url(rosa)).context["form"]["seen_decision"].value()
    decide(rosa, User.objects.create_user("carl"), "call_patient")
    response = post_decision(therapist_client, rosa, choice="not_suitable", seen_decision=seen or "")
    assert response.status_code == 409
    summary = response.content.decode().split('id="error-summary"')[1].split("</div>")[0]
    assert "carl decided" in summary and 'href="#decisions-title"' in summary


def test_each_reason_reads_as_a_headline_a_plain_text_and_its_sources(
    therapist_client: Client, rosa: Submission
) -> None:
    html = therapist_client.get(detail_url(rosa)).content.decode()
    outcome = html.split('id="outcome-title"')[1].split('id="decide"')[0]
    assert "Pacemaker or other implanted electrical device" in outcome
    assert "CI in" not in html and "IFU" not in html
    chattanooga = sources.SOURCES["CHAT"]
    assert f'<a href="{chattanooga.urls[0]}" rel="noreferrer">{escape(chattanooga.title)}</a>' in outcome
    assert outcome.count("<details") == 2  # the pacemaker and the unsure depth
    answers = html.split('id="answers-title"')[1]
    assert answers.count('class="triggered"') == 2  # the answers that fired them stay marked


def test_the_headlines_read_in_spanish_on_a_spanish_page(therapist_client: Client, rosa: Submission) -> None:
    html = therapist_client.get(detail_url(rosa), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Marcapasos u otro dispositivo eléctrico implantado" in html
    assert "Fuentes (9)" in html  # Spanish has three plural forms here: the third is the usual one


def test_reason_view_works_from_a_code_a_check_in_code_and_a_retired_one() -> None:
    assert presenters.reason_view("NS-IMPLANT").sources[0] is sources.SOURCES["CHAT"]
    assert presenters.reason_view("CI-SESSION-BURN").headline == "Burn or blister after the last session"
    retired = presenters.reason_view("NS-GONE")
    assert (retired.outcome, retired.sources) == ("needs_review", ())
