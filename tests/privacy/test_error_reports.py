"""Patient answers never reach logs or error reports: a forced error, reported every way Django can."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from screening.reporting import DropRequestBodyFilter, PatientSafeExceptionReporterFilter
from tests.support.patients import ZEBULON, ZEBULON_BIRTH_DATE, identifying_strings, zebulon_form

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.support.urls_errors")]

PATIENT = zebulon_form()
SECRETS = identifying_strings(ZEBULON, ZEBULON_BIRTH_DATE)


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def django_records() -> Iterator[list[logging.LogRecord]]:
    handler = Collect()
    logger = logging.getLogger("django")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


def patient_client() -> Client:
    # A browser that has sent the questionnaire: its session holds the note's code.
    client = Client(raise_request_exception=False)
    client.cookies["some_cookie"] = "cookie-value-Zebulon"
    return client


def assert_no_patient_data(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_error_email_shows_no_post_value_cookie_or_local_variable(settings: Any) -> None:
    settings.ADMINS = [("Ops", "ops@clinic.example")]
    client = patient_client()
    response = client.post("/test-boom/", PATIENT)
    assert response.status_code == 500
    assert len(mail.outbox) == 1
    report = mail.outbox[0]
    body = report.body + "".join(str(content) for content, _type in getattr(report, "alternatives", []))
    assert "RuntimeError" in body  # it is the report of our error
    assert_no_patient_data(body)
    assert "cookie-value" not in body


def test_error_email_with_html_shows_no_patient_data(settings: Any) -> None:
    settings.ADMINS = [("Ops", "ops@clinic.example")]
    handler = next(h for h in logging.getLogger("django").handlers if h.name == "mail_admins")
    handler.include_html = True
    try:
        patient_client().post("/test-boom/", PATIENT)
    finally:
        handler.include_html = False
    html = mail.outbox[0].alternatives[0][0]
    assert "RuntimeError" in html
    assert_no_patient_data(html)


def test_debug_page_shows_no_patient_data_either(settings: Any) -> None:
    # Even a server started with DEBUG on by mistake does not print the answers.
    settings.DEBUG = True
    response = patient_client().post("/test-boom/", PATIENT)
    assert response.status_code == 500
    html = response.content.decode()
    assert "RuntimeError" in html
    assert_no_patient_data(html)
    assert "cookie-value" not in html


def test_request_in_log_records_has_no_body_or_cookies(django_records: list[logging.LogRecord]) -> None:
    client = patient_client()
    client.post("/test-boom/", PATIENT)
    client.post("/no-such-page/", PATIENT)
    records = [r for r in django_records if hasattr(r, "request")]
    assert {r.status_code for r in records} == {500, 404}
    for record in records:
        assert dict(record.request.POST) == {}
        assert record.request.body == b""
        assert record.request.COOKIES == {}
        assert "HTTP_COOKIE" not in record.request.META
        assert record.request.path in {"/test-boom/", "/no-such-page/"}


def test_csrf_rejections_are_logged_without_the_body(django_records: list[logging.LogRecord]) -> None:
    Client(enforce_csrf_checks=True).post("/intake/", PATIENT)
    (record,) = [r for r in django_records if r.name == "django.security.csrf"]
    assert dict(record.request.POST) == {}


def test_every_configured_handler_drops_request_bodies() -> None:
    handlers = {h for name in ("", "django") for h in logging.getLogger(name).handlers if h.name}
    assert {h.name for h in handlers} == {"console", "mail_admins"}
    for handler in handlers:
        assert any(isinstance(f, DropRequestBodyFilter) for f in handler.filters), handler.name


def test_the_reporter_filter_is_the_default() -> None:
    from django.views.debug import get_default_exception_reporter_filter

    assert isinstance(get_default_exception_reporter_filter(), PatientSafeExceptionReporterFilter)
