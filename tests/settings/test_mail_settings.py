"""E-mail and review-alert settings from the environment (clinic/mail_settings.py): what each
variable gives, and a wrong value stopping the start with a message that names it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from clinic import mail_settings
from clinic.mail_settings import CONSOLE_BACKEND, SMTP_BACKEND, parse_email_url
from tests.support.commands import manage

NAMES = (
    "EMAIL_URL",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "DEFAULT_FROM_EMAIL",
    "REVIEW_NOTIFY_EMAILS",
    "REVIEW_NOTIFY_MINUTES",
    "PUBLIC_BASE_URL",
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://mailer:s%40cret@smtp.clinic.example:587?tls=true",
            {"EMAIL_HOST": "smtp.clinic.example", "EMAIL_PORT": 587, "EMAIL_HOST_USER": "mailer",
             "EMAIL_HOST_PASSWORD": "s@cret", "EMAIL_USE_TLS": True, "EMAIL_USE_SSL": False},
        ),
        (
            "smtp://relay.clinic.example",
            {"EMAIL_HOST": "relay.clinic.example", "EMAIL_PORT": 25, "EMAIL_HOST_USER": "",
             "EMAIL_HOST_PASSWORD": "", "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": False},
        ),
        (
            "smtps://u:p@smtp.clinic.example",
            {"EMAIL_HOST": "smtp.clinic.example", "EMAIL_PORT": 465, "EMAIL_HOST_USER": "u",
             "EMAIL_HOST_PASSWORD": "p", "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": True},
        ),
    ],
)  # fmt: skip
def test_an_email_url_gives_djangos_email_settings(url: str, expected: dict[str, object]) -> None:
    assert parse_email_url(url) == {"EMAIL_BACKEND": SMTP_BACKEND, **expected}


def test_console_prints_mail() -> None:
    assert parse_email_url("console:") == {"EMAIL_BACKEND": CONSOLE_BACKEND}


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mailto:someone@example.com", "must start with smtp://, smtps:// or console:"),
        ("smtp://", "names no mail server"),
        ("smtp://host:99999", "port that is not a number"),
        ("smtp://host?starttls=1", "takes only ?tls=true or ?ssl=true"),
        ("smtp://host?tls=yes", "takes only ?tls=true or ?ssl=true"),
        ("smtp://host?tls=true&ssl=true", "cannot use both"),
    ],
)
def test_a_wrong_email_url_names_the_variable(url: str, says: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL") as raised:
        parse_email_url(url)
    assert says in str(raised.value)


def test_by_default_mail_goes_to_the_console_and_alerts_are_off(env: pytest.MonkeyPatch) -> None:
    found = mail_settings.mail_settings(debug=False)
    assert found["EMAIL_BACKEND"] == CONSOLE_BACKEND
    assert (found["REVIEW_NOTIFY_EMAILS"], found["REVIEW_NOTIFY_MINUTES"], found["PUBLIC_BASE_URL"]) == (
        [],
        15,
        "",
    )
    assert found["DEFAULT_FROM_EMAIL"] == found["SERVER_EMAIL"] == "webmaster@localhost"
    assert found["TASKS"] == {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert mail_settings.mail_settings(debug=True)["PUBLIC_BASE_URL"] == "http://127.0.0.1:8000"


def test_the_usual_email_variables(env: pytest.MonkeyPatch) -> None:
    env.setenv("EMAIL_HOST", "smtp.clinic.example")
    env.setenv("EMAIL_PORT", "587")
    env.setenv("EMAIL_HOST_USER", "mailer")
    env.setenv("EMAIL_HOST_PASSWORD", "pw")
    env.setenv("EMAIL_USE_TLS", "true")
    env.setenv("DEFAULT_FROM_EMAIL", "screening@clinic.example")
    env.setenv("REVIEW_NOTIFY_EMAILS", " review@clinic.example, lead@clinic.example ,")
    env.setenv("REVIEW_NOTIFY_MINUTES", "30")
    env.setenv("PUBLIC_BASE_URL", "https://screening.clinic.example/")
    found = mail_settings.mail_settings(debug=False)
    assert {k: found[k] for k in ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS")} == {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": "smtp.clinic.example",
        "EMAIL_PORT": 587,
        "EMAIL_USE_TLS": True,
    }
    assert found["REVIEW_NOTIFY_EMAILS"] == ["review@clinic.example", "lead@clinic.example"]
    assert found["REVIEW_NOTIFY_MINUTES"] == 30
    assert found["PUBLIC_BASE_URL"] == "https://screening.clinic.example"


@pytest.mark.parametrize(
    ("variables", "says"),
    [
        ({"EMAIL_URL": "smtp://a", "EMAIL_HOST": "b"}, "Set EMAIL_URL or EMAIL_HOST, not both"),
        (
            {"EMAIL_HOST": "h", "EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"},
            "EMAIL_USE_TLS and EMAIL_USE_SSL",
        ),
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT must be a whole number"),
        ({"EMAIL_USE_TLS": "maybe"}, "EMAIL_USE_TLS must be true or false"),
        ({"DEFAULT_FROM_EMAIL": "screening"}, "DEFAULT_FROM_EMAIL must be comma-separated e-mail addresses"),
        ({"REVIEW_NOTIFY_EMAILS": "review@clinic.example; lead"}, "REVIEW_NOTIFY_EMAILS must be"),
        ({"REVIEW_NOTIFY_MINUTES": "0"}, "REVIEW_NOTIFY_MINUTES must be between 0.05 and 1440"),
        ({"REVIEW_NOTIFY_MINUTES": "a quarter hour"}, "REVIEW_NOTIFY_MINUTES must be a number"),
        ({"REVIEW_NOTIFY_MINUTES": "nan"}, "REVIEW_NOTIFY_MINUTES must be between"),
        ({"REVIEW_NOTIFY_EMAILS": "review@clinic.example"}, "Set PUBLIC_BASE_URL"),
        ({"PUBLIC_BASE_URL": "screening.clinic.example"}, "PUBLIC_BASE_URL must be an address"),
        ({"PUBLIC_BASE_URL": "https://screening.clinic.example/?x=1"}, "PUBLIC_BASE_URL must be an address"),
    ],
)
def test_a_wrong_value_stops_the_start_naming_the_variable(
    env: pytest.MonkeyPatch, variables: dict[str, str], says: str
) -> None:
    for name, value in variables.items():
        env.setenv(name, value)
    with pytest.raises(ImproperlyConfigured) as raised:
        mail_settings.mail_settings(debug=False)
    assert says in str(raised.value)


def test_the_app_does_not_start_with_a_wrong_value() -> None:
    result = manage(
        "check",
        DJANGO_DEBUG="true",
        EMAIL_URL="smtp://smtp.clinic.example?tls=maybe",
    )
    assert result.returncode != 0
    assert "EMAIL_URL takes only ?tls=true or ?ssl=true (true or false), not tls=maybe" in result.stderr
