""" "Send" on "Check your answers" while the database fails: a calm 503, the answers kept, stored once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from screening.models import Submission
from screening.views.intake_steps import STATE_KEY
from tests.support.faults import database_unreachable, write_lock_held
from tests.support.intake import RESULT
from tests.support.steps import CHECK, SEND, walk

pytestmark = pytest.mark.django_db(transaction=True)


def _ready_to_send(client: Client) -> dict[str, str]:
    walk(client)
    return {"consent": "on", "form_token": client.get(CHECK).context["form_token"]}


def _assert_calm_503(response: Any, sent: dict[str, str]) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Your answers are not sent yet" in html
    assert f'name="form_token" value="{sent["form_token"]}"' in html  # "Send again" stores them once
    assert 'name="consent" value="on"' in html
    assert "Rosa" not in html  # the page shows no answer: they wait in the session


def test_send_while_another_connection_holds_the_lock_is_a_calm_503_and_sending_again_stores_once(
    client: Client,
) -> None:
    sent = _ready_to_send(client)
    with write_lock_held():
        _assert_calm_503(client.post(SEND, sent), sent)
    assert not Submission.objects.exists()
    assert client.session[STATE_KEY]["answers"]["first_name"] == "Rosa"
    assert client.post(SEND, sent)["Location"] == RESULT
    assert client.post(SEND, sent)["Location"] == RESULT
    assert Submission.objects.count() == 1


def test_send_while_the_database_is_unreachable_is_a_calm_503_and_stores_nothing() -> None:
    # The patient's session lives in the database, so the outage can surface in a middleware
    # after the view: it reaches handler500, and the test client must not re-raise it.
    client = Client(raise_request_exception=False)
    sent = _ready_to_send(client)
    with database_unreachable():
        _assert_calm_503(client.post(SEND, sent), sent)
    assert not Submission.objects.exists()
    assert client.post(SEND, sent)["Location"] == RESULT
    assert Submission.objects.count() == 1
