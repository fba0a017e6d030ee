"""Ionto Screen settings: one module, driven by environment variables with safe defaults.

Every variable is documented in README.md. A wrong value stops the start with a message that
names the variable.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int, *, low: int, high: int) -> int:
    raw = os.getenv(name, str(default)).strip()
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name} must be between {low} and {high}, not {value}")
    return value


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.getenv(name, default).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


# ---------------------------------------------------------------- core

DEBUG = envbool("DJANGO_DEBUG", "False")
SECRET_KEY = os.getenv("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (required when DJANGO_DEBUG is off)")
    SECRET_KEY = "dev-only-insecure-key"  # noqa: S105 -- only ever used with DJANGO_DEBUG on

ALLOWED_HOSTS = [h.strip() for h in os.getenv("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "screening",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files straight after security headers, before sessions: a stylesheet needs no session.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "screening.context_processors.clinic",
            ],
        },
    },
]

# ---------------------------------------------------------------- database

# How long the app waits on the database (a lock, a busy SQLite file, a slow statement, a new
# connection) before the patient gets the calm "please send again" page. gunicorn.conf.py gives
# workers 20 s more than this, so that page is always reached before a worker is killed.
DATABASE_TIMEOUT = envint("DATABASE_TIMEOUT", 10, low=1, high=600)
DATABASE_CONN_MAX_AGE = envint("DATABASE_CONN_MAX_AGE", 600, low=0, high=86400)

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
if database_url := os.getenv("DATABASE_URL", "").strip():
    try:
        DATABASES["default"] = dj_database_url.parse(database_url)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL we can use: {exc}") from None
_db = DATABASES["default"]
# Reuse each worker's connection, and check it is still alive before a request uses it.
_db["CONN_MAX_AGE"] = DATABASE_CONN_MAX_AGE
_db["CONN_HEALTH_CHECKS"] = True
# Nothing is ever half-saved: each request is one transaction.
_db["ATOMIC_REQUESTS"] = True
_db_options = _db.setdefault("OPTIONS", {})
if _db["ENGINE"] == "django.db.backends.postgresql":
    _db_options.setdefault("connect_timeout", DATABASE_TIMEOUT)
    _ms = DATABASE_TIMEOUT * 1000
    _db_options.setdefault("options", f"-c statement_timeout={_ms} -c lock_timeout={_ms}")
elif _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock when a
    # transaction starts, so two submits queue behind the busy timeout instead of one failing
    # with "database is locked" when it tries to upgrade a read lock.
    _db_options.setdefault("transaction_mode", "IMMEDIATE")
    _db_options.setdefault("timeout", DATABASE_TIMEOUT)
    _db_options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
    # Tests use a file, as production does, not SQLite's in-memory default: locking, WAL and the
    # live gunicorn tests need a database other processes can open. One per checkout.
    _checkout = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]
    _db.setdefault("TEST", {}).setdefault(
        "NAME", Path(tempfile.gettempdir()) / f"ionto-test-{_checkout}.sqlite3"
    )
else:
    raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or sqlite:// URL")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------- auth and sessions

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "screening:review-queue"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# A shared front-desk tablet must not keep a patient's visit after the browser closes.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 60 * 60 * 8

# ---------------------------------------------------------------- cache

# Rate limits, login lockouts and anything else app servers must share live in the cache: Redis
# when REDIS_URL is set, otherwise a cache in each process's memory (fine for one server only).
if redis_url := os.getenv("REDIS_URL", "").strip():
    if not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"REDIS_URL must start with redis://, rediss:// or unix://, not {redis_url!r}"
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "ionto",
            # A stalled Redis must not hold a patient's request for long.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ionto"}}

# ---------------------------------------------------------------- i18n

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.getenv("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------- static files

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.getenv("DJANGO_STATIC_ROOT", "").strip() or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic writes hashed names (cacheable for ever) and gzip copies; WhiteNoise serves them.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# ---------------------------------------------------------------- the clinic and its rules

CLINIC_NAME = os.getenv("CLINIC_NAME", "Ionto Screen Physical Therapy").strip()
CLINIC_PHONE = os.getenv("CLINIC_PHONE", "(555) 010-0000").strip()
if not CLINIC_NAME:
    raise ImproperlyConfigured("CLINIC_NAME must not be empty")

VERY_ELDERLY_AGE = envint("VERY_ELDERLY_AGE", 85, low=60, high=120)
ADULT_AGE = envint("ADULT_AGE", 18, low=1, high=25)
PREGNANCY_OUTCOME = envchoice("PREGNANCY_OUTCOME", "not_suitable", ("not_suitable", "needs_review"))
DEEP_SITE_OUTCOME = envchoice("DEEP_SITE_OUTCOME", "needs_review", ("needs_review", "not_suitable"))

# ---------------------------------------------------------------- benchmark

# Only `make bench` sets this: it routes the bench's minimal comparison view (bench/urls.py).
if envbool("BENCH_FLOOR_VIEW", "false"):
    ROOT_URLCONF = "bench.urls"

# ---------------------------------------------------------------- logging

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
