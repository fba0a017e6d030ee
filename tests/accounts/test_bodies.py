"""Bodies no page can use get the calm 400 page, with no row stored and no error e-mail; and a
fuzz test over whole bodies (charsets, invalid UTF-8, NUL bytes, many fields, files, huge ones)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from screening.models import Submission
from tests.support.intake import INTAKE, ONE_PAGE, form_data

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
CALM_400 = "Something was wrong with that request"
URLENCODED = "application/x-www-form-urlencoded"


@pytest.fixture(autouse=True)
def _admins_would_be_mailed(settings: Any) -> None:
    # Error e-mails go to ADMINS: with someone to mail, any error record would show in mailoutbox.
    settings.ADMINS = [("Admin", "admin@clinic.example")]


def _browser(path: str) -> Client:
    # CSRF checked as a browser's request is: the body must be read to find the token.
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    # The questionnaire's one-page form is where a browser gets the cookie to POST to INTAKE.
    browser.get(ONE_PAGE if path == INTAKE else path)
    return browser


def _multipart(parts: list[tuple[str, str | None, bytes]], boundary: str = "XyZ") -> bytes:
    out = b""
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def _with_csrf(browser: Client, fields: dict[str, Any]) -> dict[str, Any]:
    return {**fields, "csrfmiddlewaretoken": browser.cookies["csrftoken"].value}


@pytest.mark.parametrize("path", [INTAKE, LOGIN])
def test_a_utf16_form_is_a_calm_400_with_no_error_mail(path: str, mailoutbox: list[Any]) -> None:
    browser = _browser(path)
    body = urlencode(_with_csrf(browser, form_data())).encode("utf-16")
    response = browser.generic("POST", path, body, content_type=f"{URLENCODED}; charset=utf-16")
    assert response.status_code == 400
    assert CALM_400 in response.content.decode()
    assert mailoutbox == []
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("path", [INTAKE, LOGIN])
def test_a_file_part_is_refused_and_never_spooled_to_disk(
    path: str, settings: Any, tmp_path: Path, mailoutbox: list[Any]
) -> None:
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    browser = _browser(path)
    fields = [(k, None, str(v).encode()) for k, v in _with_csrf(browser, form_data()).items()]
    body = _multipart([*fields, ("photo", "knee.jpg", b"\xff" * 5_000_000)])
    response = browser.generic("POST", path, body, content_type="multipart/form-data; boundary=XyZ")
    assert response.status_code == 400
    assert CALM_400 in response.content.decode()
    assert list(tmp_path.iterdir()) == []
    assert mailoutbox == []
    assert Submission.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [b"a=" + b"x" * 3_000_000, b"&".join(b"f%d=1" % i for i in range(3000))],
    ids=["over the size limit", "too many fields"],
)
def test_a_huge_body_is_a_400_and_mails_nobody(body: bytes, mailoutbox: list[Any]) -> None:
    response = _browser(INTAKE).generic("POST", INTAKE, body, content_type=URLENCODED)
    assert response.status_code == 400
    assert CALM_400 in response.content.decode()
    assert mailoutbox == []


@pytest.mark.parametrize("query", ["?x=%00", "?%00=1", "?outcome=ok%00"])
def test_a_nul_byte_in_a_query_string_is_a_400(client: Client, query: str) -> None:
    assert client.get(INTAKE + query).status_code == 400


def test_admin_filters_refuse_nul_and_other_unusable_values(admin_client: Client) -> None:
    changelist = reverse("admin:screening_submission_changelist")
    assert admin_client.get(changelist + "?outcome=%00").status_code == 400
    assert admin_client.get(changelist + "?created_at__year=abc").status_code == 400
    assert admin_client.get(changelist + "?no_such_field=1").status_code == 400
    assert admin_client.get(changelist + "?outcome=not_suitable").status_code == 200


# ---------------------------------------------------------------- fuzzing whole bodies

content_types = st.sampled_from(
    [
        URLENCODED,
        f"{URLENCODED}; charset=utf-16",
        f"{URLENCODED}; charset=latin-1",
        f"{URLENCODED}; charset=no-such-charset",
        "multipart/form-data; boundary=XyZ",
        "multipart/form-data; boundary=XyZ; charset=utf-16",
        "multipart/form-data",
        "text/plain",
        "application/json",
    ]
)
raw_bytes = st.binary(max_size=2000)
field_value = st.one_of(st.text(max_size=200).map(str.encode), raw_bytes, st.just(b"\x00"))
fields = st.lists(
    st.tuples(st.sampled_from(["first_name", "last_name", "consent", "form_token", "x"]), field_value),
    max_size=40,
)


@st.composite
def bodies(draw: st.DrawFn) -> tuple[str, bytes]:
    content_type = draw(content_types)
    kind = draw(st.sampled_from(["raw", "urlencoded", "multipart", "multipart-file", "many", "huge"]))
    if kind == "raw":
        return content_type, draw(raw_bytes)
    if kind == "urlencoded":
        return content_type, b"&".join(k.encode() + b"=" + v for k, v in draw(fields))
    if kind == "many":
        return content_type, b"&".join(b"f%d=%d" % (i, i) for i in range(draw(st.integers(1001, 5000))))
    if kind == "huge":
        return content_type, b"first_name=" + b"x" * draw(st.integers(2_621_440, 3_000_000))
    parts = [(k, None, v) for k, v in draw(fields)]
    if kind == "multipart-file":
        parts.append(
            ("file", draw(st.sampled_from(["a.txt", "../../etc/passwd", "\x00.jpg"])), draw(raw_bytes))
        )
    return "multipart/form-data; boundary=XyZ", _multipart(parts)


@hypothesis_settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies(), path=st.sampled_from([INTAKE, LOGIN]), csrf=st.booleans())
def test_any_body_gives_no_500_stores_no_row_and_mails_nobody(
    body: tuple[str, bytes], path: str, csrf: bool, mailoutbox: list[Any]
) -> None:
    content_type, data = body
    browser = Client(enforce_csrf_checks=csrf, raise_request_exception=False)
    response = browser.generic("POST", path, data, content_type=content_type)
    assert response.status_code < 500
    assert Submission.objects.count() == 0
    assert mailoutbox == []
