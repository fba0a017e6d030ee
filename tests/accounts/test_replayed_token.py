"""A used form token replayed from another browser gets the form back with a fresh token and its
answers, never the first browser's note; the first browser's own resend still finds its note."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from screening.models import Submission
from tests.support.intake import INTAKE, ONE_PAGE, RESULT, form_data

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def _browser() -> Client:
    browser = Client()
    browser.get(ONE_PAGE)  # a visit: the CSRF cookie that tells this browser from others
    return browser


def test_another_browser_replaying_a_used_token_gets_the_form_back_not_the_note() -> None:
    first, second = _browser(), _browser()
    sent = form_data(first_name="Rosa", body_area="knee")
    assert first.post(INTAKE, sent).status_code == 302
    stored = Submission.objects.get()

    replay = second.post(INTAKE, {**sent, "first_name": "Rosita"})
    assert replay.status_code == 200
    html = replay.content.decode()
    assert stored.reference not in html
    assert 'value="Rosita"' in html and re.search(r'value="knee"[^>]*checked', html)
    fresh = TOKEN.search(html).group(1)
    assert fresh != sent["form_token"]
    assert "token_invalid" in [e.code for e in replay.context["form"].errors.as_data()["form_token"]]
    assert second.get(RESULT).status_code == 404
    # Sending that page again stores the second browser's own submission.
    assert second.post(INTAKE, {**sent, "first_name": "Rosita", "form_token": fresh}).status_code == 302
    assert sorted(Submission.objects.values_list("first_name", flat=True)) == ["Rosa", "Rosita"]
    assert stored.reference not in second.get(RESULT).content.decode()


def test_the_same_browser_sending_twice_still_reads_its_one_note() -> None:
    browser = _browser()
    sent = form_data()
    assert browser.post(INTAKE, sent).status_code == 302
    again = browser.post(INTAKE, sent)
    assert again.status_code == 302 and again["Location"] == RESULT
    assert Submission.objects.get().reference in browser.get(RESULT).content.decode()
