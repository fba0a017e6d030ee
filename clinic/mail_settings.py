"""E-mail, the review alerts and the background worker: read from the environment for settings.py.

Kept apart so that settings.py stays short; settings.py takes every name here into its own
namespace. Like the rest of the settings, a wrong value stops the start with a message that
names the variable. README.md "Configuration" and "Review alerts" document each variable.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

from clinic.env import envbool, envint, envnumber

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
# A mail server that accepts the connection and then says nothing must not hold the worker for long.
EMAIL_TIMEOUT = 10
# `make run` links to the development server when PUBLIC_BASE_URL is not set.
DEBUG_BASE_URL = "http://127.0.0.1:8000"


def parse_email_url(url: str) -> dict[str, object]:
    """Django's EMAIL_* settings from one URL.

    smtp://user:password@host:587?tls=true  SMTP, STARTTLS after connecting (the usual port 587)
    smtp://host:25                          SMTP without TLS (a relay on the same network)
    smtps://user:password@host:465          SMTP over TLS from the start
    console:                                print each mail to the worker's output
    The user name and password are percent-decoded (an @ in a password is %40).
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": CONSOLE_BACKEND}
    if scheme not in ("smtp", "smtps"):
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtps:// or console:, not {parts.scheme or url!r}"
        )
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no mail server: smtp://user:password@host:587?tls=true")
    try:
        port = parts.port or (465 if scheme == "smtps" else 25)
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number from 1 to 65535") from None
    options = {"tls": False, "ssl": scheme == "smtps"}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key not in ("tls", "ssl") or value.lower() not in ("true", "false"):
            raise ImproperlyConfigured(
                f"EMAIL_URL takes only ?tls=true or ?ssl=true (true or false), not {key}={value}"
            )
        options[key] = value.lower() == "true"
    if options["tls"] and options["ssl"]:
        raise ImproperlyConfigured("EMAIL_URL cannot use both tls (STARTTLS) and ssl (TLS from the start)")
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": options["tls"],
        "EMAIL_USE_SSL": options["ssl"],
    }


def email_addresses(name: str, raw: str) -> list[str]:
    """Comma-separated e-mail addresses; one that is not an address stops the start."""
    addresses = [a.strip() for a in raw.split(",") if a.strip()]
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ImproperlyConfigured(
                f"{name} must be comma-separated e-mail addresses, not {address!r}"
            ) from None
    return addresses


def public_base_url(raw: str, *, debug: bool, needed: bool) -> str:
    """The address therapists open the app at, without a trailing slash: the alerts' links start with it."""
    url = raw.strip().rstrip("/")
    if not url:
        if debug or not needed:
            return DEBUG_BASE_URL if debug else ""
        raise ImproperlyConfigured(
            "Set PUBLIC_BASE_URL (the address therapists open, e.g. https://screening.clinic.example): "
            "the review alerts link to the queue"
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"PUBLIC_BASE_URL must be an address such as https://screening.clinic.example, not {raw!r}"
        )
    return url


def mail_settings(*, debug: bool) -> dict[str, object]:
    """Every setting this module owns, by name."""
    found: dict[str, object] = {"EMAIL_BACKEND": CONSOLE_BACKEND, "EMAIL_TIMEOUT": EMAIL_TIMEOUT}
    url = os.getenv("EMAIL_URL", "").strip()
    host = os.getenv("EMAIL_HOST", "").strip()
    port = envint("EMAIL_PORT", 25, low=1, high=65535)
    user = os.getenv("EMAIL_HOST_USER", "")
    password = os.getenv("EMAIL_HOST_PASSWORD", "")
    use_tls = envbool("EMAIL_USE_TLS", "false")
    use_ssl = envbool("EMAIL_USE_SSL", "false")
    if url and host:
        raise ImproperlyConfigured("Set EMAIL_URL or EMAIL_HOST, not both: EMAIL_URL names the server itself")
    if url:
        found.update(parse_email_url(url))
    elif host:
        if use_tls and use_ssl:
            raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true")
        found.update(
            EMAIL_BACKEND=SMTP_BACKEND,
            EMAIL_HOST=host,
            EMAIL_PORT=port,
            EMAIL_HOST_USER=user,
            EMAIL_HOST_PASSWORD=password,
            EMAIL_USE_TLS=use_tls,
            EMAIL_USE_SSL=use_ssl,
        )
    sender = os.getenv("DEFAULT_FROM_EMAIL", "webmaster@localhost").strip()
    email_addresses("DEFAULT_FROM_EMAIL", sender)
    if not sender:
        raise ImproperlyConfigured("DEFAULT_FROM_EMAIL must not be empty")
    # Django's own error mails to ADMINS come from the same sender.
    found.update(DEFAULT_FROM_EMAIL=sender, SERVER_EMAIL=sender)

    recipients = email_addresses("REVIEW_NOTIFY_EMAILS", os.getenv("REVIEW_NOTIFY_EMAILS", ""))
    found.update(
        REVIEW_NOTIFY_EMAILS=recipients,
        # Decimals allowed: the tests use a few seconds (0.1 minutes).
        REVIEW_NOTIFY_MINUTES=envnumber("REVIEW_NOTIFY_MINUTES", "15", low=0.05, high=24 * 60),
        PUBLIC_BASE_URL=public_base_url(
            os.getenv("PUBLIC_BASE_URL", ""), debug=debug, needed=bool(recipients)
        ),
        # The background worker (`manage.py db_worker`): tasks wait in the app's own database.
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
    )
    return found
