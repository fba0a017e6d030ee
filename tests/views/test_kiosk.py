"""Front-desk tablet mode: the server's side of "nothing of one patient can be seen by the next"."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from screening import kiosk
from screening.forms.steps import STEPS_BY_SLUG
from screening.views.intake_steps import STATE_KEY
from screening.views.patient import RESULT_SESSION_KEY
from tests.support.steps import CHECK, page_data, send, step_url, walk

pytestmark = pytest.mark.django_db

PERSONAL_PAGES = ("name", "date-of-birth", "contact")
TOKENS = {
    "name": ["given-name", "family-name"],
    "date-of-birth": ["bday-day", "bday-month", "bday-year"],
    "contact": ["tel", "email"],
}


def _autocompletes(html: str) -> list[str]:
    return re.findall(r'<input[^>]*\bautocomplete="([^"]+)"', html)


@pytest.fixture
def tablet() -> Client:
    """The clinic's tablet, put into kiosk mode by opening /kiosk/."""
    client = Client()
    response = client.get(reverse("screening:kiosk"))
    assert response.status_code == 302
    assert response["Location"] == reverse("screening:home")
    return client


def test_opening_kiosk_sets_a_cookie_that_lasts_until_the_browser_closes(tablet: Client) -> None:
    cookie = tablet.cookies[kiosk.COOKIE]
    assert cookie.value == "1"
    assert cookie["httponly"]
    assert not cookie["max-age"]
    assert not cookie["expires"]
    assert Client().head(reverse("screening:kiosk")).status_code == 302


@pytest.mark.parametrize("slug", PERSONAL_PAGES)
def test_personal_boxes_are_autocomplete_off_only_in_kiosk_mode(tablet: Client, slug: str) -> None:
    own_phone = Client()
    for client in (own_phone, tablet):
        walk_to = list(STEPS_BY_SLUG).index(slug)
        for earlier in list(STEPS_BY_SLUG.values())[:walk_to]:
            client.post(step_url(earlier.slug), page_data(earlier))
    # Twice each, so the second page comes from the cached empty fragment: the cache knows the mode.
    for _ in range(2):
        assert _autocompletes(own_phone.get(step_url(slug)).content.decode()) == TOKENS[slug]
        assert set(_autocompletes(tablet.get(step_url(slug)).content.decode())) == {"off"}


def test_kiosk_mode_env_setting_turns_it_on_for_every_browser(client: Client, settings: Any) -> None:
    settings.KIOSK_MODE = True
    html = client.get(step_url("name")).content.decode()
    assert set(_autocompletes(html)) == {"off"}
    assert 'id="kiosk-prompt"' in html
    assert re.search(r"<script src=\"/static/js/kiosk\.[0-9a-f]+\.js\" defer>", html)


def test_outside_kiosk_mode_there_is_no_prompt_and_no_script(client: Client) -> None:
    html = client.get(step_url("name")).content.decode()
    assert "kiosk" not in html


@pytest.mark.parametrize("name", ["home", "intake-step", "intake-check", "status", "result"])
def test_every_kiosk_page_is_no_store(tablet: Client, name: str) -> None:
    walk(tablet)
    if name == "result":
        send(tablet)
    args = ["name"] if name == "intake-step" else []
    response = tablet.get(reverse(f"screening:{name}", args=args))
    assert response.status_code == 200, name
    assert "no-store" in response["Cache-Control"]


def test_answers_left_four_minutes_on_a_tablet_are_wiped_on_the_server(tablet: Client) -> None:
    walk(tablet)
    assert tablet.session.get_expiry_age() <= 4 * 60
    session = tablet.session
    session[STATE_KEY]["touched"] = (timezone.now() - timedelta(minutes=4, seconds=1)).isoformat()
    session.save()
    assert tablet.get(CHECK)["Location"] == step_url("name")
    assert STATE_KEY not in tablet.session


def test_the_same_four_minutes_keep_the_answers_off_a_tablet(client: Client) -> None:
    walk(client)
    session = client.session
    session[STATE_KEY]["touched"] = (timezone.now() - timedelta(minutes=4, seconds=1)).isoformat()
    session.save()
    assert client.get(CHECK).status_code == 200


def test_still_here_keeps_the_answers_for_another_four_minutes(tablet: Client) -> None:
    walk(tablet)
    session = tablet.session
    session[STATE_KEY]["touched"] = (timezone.now() - timedelta(minutes=3, seconds=30)).isoformat()
    session.save()
    response = tablet.post(reverse("screening:kiosk-alive"))
    assert response.status_code == 302
    touched = timezone.datetime.fromisoformat(tablet.session[STATE_KEY]["touched"])
    assert timezone.now() - touched < timedelta(seconds=30)


def test_the_wipe_forgets_the_visit_and_keeps_kiosk_mode(tablet: Client) -> None:
    walk(tablet)
    response = tablet.post(reverse("screening:kiosk-wipe"))
    assert response.status_code == 302
    assert response["Location"] == reverse("screening:home")
    assert STATE_KEY not in tablet.session
    assert tablet.get(CHECK)["Location"] == step_url("name")
    assert "kiosk-prompt" in tablet.get(step_url("name")).content.decode()
    assert tablet.get(reverse("screening:kiosk-wipe")).status_code == 405


def test_the_confirmation_is_shown_once_and_closes_by_itself(tablet: Client, settings: Any) -> None:
    walk(tablet)
    send(tablet)
    page = tablet.get(reverse("screening:result"))
    html = page.content.decode()
    seconds = settings.KIOSK_TIMINGS["confirmation"]
    assert f'<meta http-equiv="refresh" content="{seconds};url=/">' in html
    assert f"This page will close in {seconds} seconds." in html
    assert "Finish now" in html
    assert RESULT_SESSION_KEY not in tablet.session
    assert tablet.get(reverse("screening:result")).status_code == 404  # Back or the next patient


def test_off_a_tablet_the_confirmation_stays_and_links_to_the_status_page(client: Client) -> None:
    walk(client)
    send(client)
    html = client.get(reverse("screening:result")).content.decode()
    assert "http-equiv" not in html
    assert f'href="{reverse("screening:status")}"' in html
    assert client.get(reverse("screening:result")).status_code == 200
