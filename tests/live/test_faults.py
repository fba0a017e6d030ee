"""A submit while the database fails, on whichever database DATABASE_URL names (CI runs both).

Every fault is real, never a mock: another connection holds the lock the submit needs, the
database cannot be reached at all, or the database raises an error after the submission row is
written. The patient gets a calm 503 page holding every answer, nothing partial is stored, and
sending that page again stores the submission exactly once.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.sessions.models import Session
from django.db import connections
from django.test import Client
from django.urls import reverse

from screening.models import Submission
from tests.support.faults import database_unreachable, fault_after_the_row_is_written, write_lock_held
from tests.support.intake import INTAKE, RESULT, form_data
from tests.support.live import Fields, as_fields, form_fields

pytestmark = pytest.mark.django_db(transaction=True)


def _assert_calm_503_with_every_answer(response: Any, sent: dict[str, Any]) -> Fields:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Your answers are not sent yet" in html
    assert "Nothing you typed is" in html
    again = form_fields(html, "intake-form")
    # Sending the page again sends exactly what the patient typed, with the same form token.
    assert {k: v for k, v in again.items() if k != "csrfmiddlewaretoken"} == as_fields(sent)
    return again


def test_submit_while_another_connection_holds_the_lock_gets_a_calm_503_that_keeps_every_answer(
    client: Client,
) -> None:
    sent = form_data(
        body_area="knee",
        date_of_birth="1970-03-25",
        skin_sensitivity=["tape_or_adhesive", "eczema_or_psoriasis"],
    )
    with write_lock_held():
        again = _assert_calm_503_with_every_answer(client.post(INTAKE, sent), sent)
        assert Submission.objects.count() == 0

    response = client.post(INTAKE, again, follow=True)
    assert response.redirect_chain == [(RESULT, 302)]
    submission = Submission.objects.get()
    assert submission.answers["body_area"] == "knee"
    assert submission.reference in response.content.decode()


def test_submit_while_the_database_is_unreachable_gets_the_503_and_stores_nothing(client: Client) -> None:
    sent = form_data(first_name="Olga", email="olga@example.com")
    with database_unreachable():
        again = _assert_calm_503_with_every_answer(client.post(INTAKE, sent), sent)

    assert Submission.objects.count() == 0
    assert client.post(INTAKE, again).status_code == 302
    assert Submission.objects.get().first_name == "Olga"


def test_a_fault_after_the_row_is_written_leaves_no_partial_submission(client: Client) -> None:
    sent = form_data()
    with fault_after_the_row_is_written():
        again = _assert_calm_503_with_every_answer(client.post(INTAKE, sent), sent)

    assert Submission.objects.count() == 0
    assert Session.objects.count() == 0
    assert client.post(INTAKE, again).status_code == 302
    assert Submission.objects.count() == 1
    assert client.get(RESULT).status_code == 200


def test_the_503_page_needs_no_database_even_for_a_browser_with_a_session() -> None:
    # A therapist trying the form on the front-desk tablet: their session lives in the database.
    # The outage now surfaces in a middleware, before the view, so it reaches handler500 and the
    # test client must not re-raise it.
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.create_user("thea", password="correct-horse-battery"))
    with database_unreachable():
        response = client.post(INTAKE, form_data(first_name="Nell"))
    assert response.status_code == 503
    html = response.content.decode()
    assert "Send my answers again" in html
    assert 'value="Nell"' in html


def test_concurrent_double_submits_store_one_submission() -> None:
    # A double click, and resends after a time-out, all in flight at once.
    sent = form_data()
    start = threading.Barrier(6)
    statuses: list[int] = []
    notes: list[str] = []

    def send() -> None:
        browser = Client()
        try:
            start.wait()
            statuses.append(browser.post(INTAKE, sent).status_code)
            notes.append(browser.get(RESULT).content.decode())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302] * 6
    submission = Submission.objects.get()
    assert all(submission.reference in html for html in notes)


def test_any_other_page_during_an_outage_is_a_calm_503_that_reveals_nothing() -> None:
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.create_user("thea", password="correct-horse-battery"))
    with database_unreachable():
        response = client.get(RESULT)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Please try again in a moment" in html
    assert "OperationalError" not in html
    assert "sqlite" not in html.lower()


def test_the_note_and_the_queue_open_while_another_connection_holds_the_write_lock() -> None:
    # Pages that only read take no write lock: on SQLite they no longer queue behind a submit.
    patient, colleague = Client(), Client()
    assert patient.post(INTAKE, form_data()).status_code == 302
    # Not the therapist fixture: this module's tests empty the database, the Therapists group too.
    thea = User.objects.create_user("thea", password="correct-horse-battery")
    thea.user_permissions.add(Permission.objects.get(codename="review_submission"))
    colleague.force_login(thea)
    queue = reverse("screening:review-queue")
    assert colleague.get(queue).status_code == 200  # stamps the session, which is a write
    with write_lock_held():
        assert patient.get(RESULT).status_code == 200
        assert colleague.get(queue).status_code == 200
        assert patient.get("/").status_code == 200
