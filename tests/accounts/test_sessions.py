"""Session time limits: fifteen idle minutes or eight hours log a therapist out; patients are not timed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from screening.accounts import middleware as security
from tests.support.accounts import shift_session

pytestmark = pytest.mark.django_db


LOGIN = reverse("login")


def test_active_therapist_stays_logged_in(therapist_client: Client) -> None:
    therapist_client.get("/")
    shift_session(therapist_client, security.SESSION_SEEN_KEY, 14 * 60)
    assert therapist_client.get("/").status_code == 200
    assert "_auth_user_id" in therapist_client.session


def test_fifteen_idle_minutes_log_the_therapist_out(therapist_client: Client) -> None:
    therapist_client.get("/")
    shift_session(therapist_client, security.SESSION_SEEN_KEY, 15 * 60 + 5)
    response = therapist_client.get("/intake/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/intake/"
    assert "_auth_user_id" not in therapist_client.session
    page = therapist_client.get(response["Location"]).content.decode()
    assert "You were logged out" in page


def test_eight_hours_end_the_session_however_active(therapist_client: Client) -> None:
    therapist_client.get("/")
    shift_session(therapist_client, security.SESSION_STARTED_KEY, 8 * 60 * 60 + 5)
    response = therapist_client.get("/")
    assert response.status_code == 302
    assert "_auth_user_id" not in therapist_client.session


def test_expired_post_is_not_replayed_after_logging_in_again(therapist_client: Client) -> None:
    therapist_client.get("/")
    shift_session(therapist_client, security.SESSION_SEEN_KEY, 16 * 60)
    response = therapist_client.post("/intake/start-over/")
    assert response["Location"] == LOGIN


def test_patients_anonymous_session_is_not_timed(client: Client) -> None:
    client.get("/intake/")
    client.post("/intake/start-over/")
    session = client.session
    assert security.SESSION_STARTED_KEY not in session
    assert security.SESSION_SEEN_KEY not in session
