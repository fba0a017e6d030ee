"""Custom 400/403/404/500 pages: friendly, and revealing nothing about the request or the code."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.support.urls_errors")]

NOTHING_REVEALED = ("Traceback", "secret reason", "test-boom", "RuntimeError", "Django", "settings")


def assert_reveals_nothing(html: str) -> None:
    for word in NOTHING_REVEALED:
        assert word not in html


def test_404_page_is_ours_and_does_not_echo_the_path() -> None:
    response = Client().get("/no-such-page-<b>probe</b>/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "probe" not in html
    assert_reveals_nothing(html)


def test_403_page_is_ours() -> None:
    response = Client().get("/test-forbidden/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Not allowed" in html
    assert_reveals_nothing(html)


def test_csrf_failure_page_is_ours() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/intake/", {"first_name": "Rosa"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Please try again" in html
    assert "CSRF" not in html
    assert "Rosa" not in html


def test_400_page_is_ours() -> None:
    response = Client().get("/test-suspicious/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Something was wrong with that request" in html
    assert_reveals_nothing(html)


def test_disallowed_host_gets_the_400_page() -> None:
    response = Client(HTTP_HOST="evil.example").get("/")
    assert response.status_code == 400
    assert "evil.example" not in response.content.decode()


def test_500_page_is_ours() -> None:
    response = Client(raise_request_exception=False).post("/test-boom/", {"first_name": "Rosa"})
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "Rosa" not in html
    assert_reveals_nothing(html)
