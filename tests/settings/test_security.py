"""Production hardening: Django's deploy checks, HTTPS, response headers, templates without inline code."""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.support.commands import BASE_DIR, manage

pytestmark = pytest.mark.django_db


PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "screening.clinic.example",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "FIELD_ENCRYPTION_KEY": "dGVzdC1vbmx5LW5vdC1zZWNyZXQtZmllbGQta2V5ISE=",
}


def settings_in_fresh_process(*names: str, **env: str) -> dict[str, object]:
    code = f"from django.conf import settings; print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    result = manage("shell", "-c", f"import json; {code}", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_deploy_check_passes_with_production_settings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_fails_without_the_https_redirect() -> None:
    # The check above is only worth something if it can fail.
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV, DJANGO_SECURE_SSL_REDIRECT="false"
    )
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_deploy_check_passes_without_redis_too() -> None:
    # The embedded default (the database cache) is shared by every worker: no axes.W001.
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "REDIS_URL"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_https_and_second_factor_default_on_with_debug_off_and_off_with_debug_on() -> None:
    names = ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "REQUIRE_2FA", "SECURE_PROXY_SSL_HEADER")
    production = settings_in_fresh_process(*names, **PRODUCTION_ENV)
    assert production == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "REQUIRE_2FA": True,
        "SECURE_PROXY_SSL_HEADER": None,
    }
    development = settings_in_fresh_process(*names, DJANGO_DEBUG="true")
    assert development == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "REQUIRE_2FA": False,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_trusted_proxy_turns_on_the_forwarded_proto_header() -> None:
    values = settings_in_fresh_process("SECURE_PROXY_SSL_HEADER", **PRODUCTION_ENV, TRUSTED_PROXY="true")
    assert values == {"SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]}


def test_http_is_redirected_to_https_when_the_redirect_is_on(client: Client, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/intake/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/intake/"
    assert client.get("/intake/name/", secure=True).status_code == 200


def test_https_responses_carry_hsts(client: Client, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_every_page_sends_the_security_headers(client: Client) -> None:
    response = client.get("/intake/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_content_security_policy_allows_our_own_files_only(client: Client) -> None:
    csp = client.get("/intake/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in csp
    # No other origin: every source is a keyword, or data: for Bootstrap's inline SVG icons.
    sources = {s for value in directives.values() for s in value.split()}
    assert sources <= {"'self'", "'none'", "data:"}


def test_error_pages_carry_the_headers_too(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"


TEMPLATE_DIRS = [BASE_DIR / "templates"]
INLINE_CODE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on...= event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_have_no_inline_scripts_or_styles() -> None:
    # The CSP forbids them, so a browser would silently drop them: keep them out of the source.
    found = []
    for directory in TEMPLATE_DIRS:
        for path in sorted(directory.rglob("*.html")):
            text = path.read_text()
            found += [
                f"{path.relative_to(BASE_DIR)}: {what}" for regex, what in INLINE_CODE if regex.search(text)
            ]
    assert found == []


@pytest.mark.parametrize(
    ("env", "hops"),
    [
        ({}, 0),
        ({"TRUSTED_PROXY": "true"}, 1),
        ({"TRUSTED_PROXY_HOPS": "2"}, 2),
        ({"TRUSTED_PROXY_HOPS": "0", "TRUSTED_PROXY": "true"}, 0),
    ],
)
def test_trusted_proxy_hops_counts_the_proxies_and_trusted_proxy_means_one(
    env: dict[str, str], hops: int
) -> None:
    values = settings_in_fresh_process(
        "TRUSTED_PROXY_HOPS", "SECURE_PROXY_SSL_HEADER", **PRODUCTION_ENV, **env
    )
    expected_header = ["HTTP_X_FORWARDED_PROTO", "https"] if hops else None
    assert values == {"TRUSTED_PROXY_HOPS": hops, "SECURE_PROXY_SSL_HEADER": expected_header}


def test_a_wrong_number_of_proxy_hops_stops_the_start_naming_the_variable() -> None:
    result = manage("check", **PRODUCTION_ENV, TRUSTED_PROXY_HOPS="one")
    assert result.returncode != 0
    assert "TRUSTED_PROXY_HOPS must be a whole number" in result.stderr


def test_the_language_cookie_is_secure_http_only_and_same_site(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"}, secure=True)
    cookie = response.cookies["django_language"]
    assert (bool(cookie["secure"]), bool(cookie["httponly"]), cookie["samesite"]) == (True, True, "Lax")


def test_the_language_cookie_is_not_secure_only_with_debug_on() -> None:
    values = settings_in_fresh_process(
        "LANGUAGE_COOKIE_SECURE", "LANGUAGE_COOKIE_HTTPONLY", DJANGO_DEBUG="true"
    )
    assert values == {"LANGUAGE_COOKIE_SECURE": False, "LANGUAGE_COOKIE_HTTPONLY": True}
