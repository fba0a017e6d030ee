"""Ionto Screen settings: one module, driven by environment variables with safe defaults.

Every variable is documented in README.md. A wrong value stops the start with a message that
names the variable.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import to_language

from clinic import policies
from clinic.env import envbool, envchoice, envint

BASE_DIR = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------- core

DEBUG = envbool("DJANGO_DEBUG", "False")
SECRET_KEY = os.getenv("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (required when DJANGO_DEBUG is off)")
    SECRET_KEY = "dev-only-insecure-key"  # noqa: S105 -- only ever used with DJANGO_DEBUG on  # nosec B105

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
    # Security: a Content-Security-Policy, the log-in lockout, two-factor log-in ("security" below).
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "screening.middleware.SecurityHeadersMiddleware",
    # Static files straight after security headers, before sessions: a stylesheet needs no session.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Bodies no page can use (files, other charsets, NUL in a query) get the calm 400, before CSRF.
    "screening.accounts.bodies.RequestBodyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Signed-in sessions: the idle and absolute limits, then the second factor before patient data.
    "screening.accounts.middleware.SessionTimeoutMiddleware",
    "screening.accounts.middleware.Require2FAMiddleware",
    # django-axes turns a locked-out login into its lockout page; it must come last.
    "axes.middleware.AxesMiddleware",
    # Last, so its process_exception runs first: a Redis outage in a view is a calm 503.
    "screening.accounts.middleware.CacheOutageMiddleware",
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
# when REDIS_URL is set, otherwise Django's database cache in the app's own database (table
# ionto_cache, made by migration 0006). Every gunicorn worker, and every app server on the same
# PostgreSQL, then counts the same failures; a cache in each process's memory would let five
# wrong passwords per worker through, and the file cache is not shared between servers (django-axes
# refuses both: axes.W001). A few small queries per submit and per log-in (README "Security").
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
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ionto_cache",
            "KEY_PREFIX": "ionto",
            # Past MAX_ENTRIES Django deletes a third of the rows, lockouts included: set high, so
            # that filling the cache with made-up user names cannot wipe a real lockout.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# Rendered template fragments ({% cache %}: the empty questionnaire) stay in each process's memory,
# never in Redis: they are cheap to rebuild, the same on every server, and a deploy restarts the
# processes, so no fragment outlives the code that made it. With DEBUG (`make run`) nothing is
# kept: the development server reloads templates and translations without restarting.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.dummy.DummyCache"
    if DEBUG
    else "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "ionto-fragments",
}

# ---------------------------------------------------------------- i18n

LANGUAGE_CODE = "en"
LOCALE_PATHS = [BASE_DIR / "locale"]
# English is the source language. Every other language is offered as soon as its translation
# exists, so adding one needs only locale/<code>/LC_MESSAGES/django.po (compiled by `make messages`).
_TRANSLATED = sorted(
    to_language(po.parents[1].name) for po in LOCALE_PATHS[0].glob("*/LC_MESSAGES/django.po")
)
LANGUAGES = [("en", "English")] + [(code, LANG_INFO[code]["name_local"]) for code in _TRANSLATED]
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
REVIEW_TARGET_HOURS = envint("REVIEW_TARGET_HOURS", 48, low=1, high=24 * 30)  # then "overdue" in the queue

# ---------------------------------------------------------------- retention

# `manage.py purge_submissions` (run daily) deletes submissions, with their decisions, this many
# days after they were sent. Bounded so that a typo can neither wipe this week nor keep for ever.
RETENTION_DAYS_RANGE = (30, 3650)
RETENTION_DAYS = envint("RETENTION_DAYS", 730, low=RETENTION_DAYS_RANGE[0], high=RETENTION_DAYS_RANGE[1])
# The same run blanks the client address of access-log rows after ACCESS_LOG_ADDRESS_DAYS, and
# deletes the rows themselves after ACCESS_LOG_RETENTION_DAYS (six years: HIPAA's period for
# keeping documentation). The address must go first.
ACCESS_LOG_ADDRESS_DAYS = envint("ACCESS_LOG_ADDRESS_DAYS", 90, low=1, high=3650)
ACCESS_LOG_RETENTION_DAYS = envint("ACCESS_LOG_RETENTION_DAYS", 2190, low=365, high=7300)
if ACCESS_LOG_RETENTION_DAYS < ACCESS_LOG_ADDRESS_DAYS:
    raise ImproperlyConfigured("ACCESS_LOG_RETENTION_DAYS must not be shorter than ACCESS_LOG_ADDRESS_DAYS")

# ---------------------------------------------------------------- benchmark

# Only `make bench` sets this: it routes the bench's minimal comparison view (bench/urls.py).
if envbool("BENCH_FLOOR_VIEW", "false"):
    ROOT_URLCONF = "bench.urls"

# ---------------------------------------------------------------- logging

# Patient answers reach neither logs nor error e-mails: each handler drops request bodies and
# cookies (the filter on every handler), and error reports hide every POST value, cookie and local
# variable (DEFAULT_EXCEPTION_REPORTER_FILTER). django.request and django.security.csrf also clean
# their records for any handler added later.
DEFAULT_EXCEPTION_REPORTER_FILTER = "screening.reporting.PatientSafeExceptionReporterFilter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_request_body": {"()": "screening.reporting.DropRequestBodyFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_request_body"]},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "no_request_body"],
        },
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django": {"handlers": ["console", "mail_admins"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["no_request_body"]},
        "django.security.csrf": {"filters": ["no_request_body"]},
        # WeasyPrint narrates every step of every summary PDF at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# ---------------------------------------------------------------- security
# The hardening settings (its apps and middleware are in the lists at the top, declared once).
# README.md "Security" says what each part protects and which variables set it.

# HTTPS. Plain http is only for `make run` (DEBUG on) and the test client (its settings fixture).
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", "false" if DEBUG else "true")
SECURE_HSTS_SECONDS = envint(
    "DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365, low=0, high=60 * 60 * 24 * 730
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Behind TLS-terminating proxies that append to X-Forwarded-For (nginx's $proxy_add_x_forwarded_for)
# and set X-Forwarded-Proto, TRUSTED_PROXY_HOPS is how many of them stand in front of the app: the
# client's address is taken that many entries from the right of X-Forwarded-For (what the client
# wrote itself, further left, is ignored), and X-Forwarded-Proto is believed. 0: no proxy, only
# REMOTE_ADDR counts. TRUSTED_PROXY=true, the older switch, means one proxy.
TRUSTED_PROXY_HOPS = envint(
    "TRUSTED_PROXY_HOPS", 1 if envbool("TRUSTED_PROXY", "false") else 0, low=0, high=5
)
if TRUSTED_PROXY_HOPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No form takes a file: a file part is skipped unread and the request refused (accounts/bodies.py).
FILE_UPLOAD_HANDLERS = ["screening.accounts.bodies.RefuseFilesUploadHandler"]

# The language cookie tells nothing secret, but it is set like the others: https only, out of
# reach of scripts, and not sent along by other sites' forms.
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Permissions-Policy and Content-Security-Policy: fixed tables, in clinic/policies.py.
PERMISSIONS_POLICY, CONTENT_SECURITY_POLICY = policies.PERMISSIONS_POLICY, policies.CONTENT_SECURITY_POLICY

# Lockouts and the intake rate limit count in the default cache (see "cache" above), which every
# worker shares: Redis with REDIS_URL, the database otherwise.

# Therapist log-in: django-axes locks a username from one address after repeated failures.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_CLIENT_IP_CALLABLE = "screening.accounts.clients.client_address"
# Attempts are counted in the cache, so axes' database tables stay empty: keep them out of the admin.
AXES_ENABLE_ADMIN = False
# Not its "AXES: BEGIN ..." banner on every start of every command: a clean start shows only what matters.
AXES_VERBOSE = False

# A signed-in session ends after 15 idle minutes and 8 hours in all (SessionTimeoutMiddleware).
# Patients' anonymous sessions are left alone: their note has its own one-hour limit.
SESSION_IDLE_TIMEOUT = 15 * 60
SESSION_ABSOLUTE_TIMEOUT = 8 * 60 * 60

# Secrets at rest: authenticator keys are sealed (AES-GCM) under FIELD_ENCRYPTION_KEY, one or
# more comma-separated keys of 32 random bytes in URL-safe base64; the first seals, each unseals
# (screening/models/twofactor.py; rotation in README "Security"). Kept apart from
# DJANGO_SECRET_KEY, so a leaked signing key does not open the second factor, and the other way.
FIELD_ENCRYPTION_KEY = os.getenv("FIELD_ENCRYPTION_KEY", "").strip()
if not FIELD_ENCRYPTION_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set FIELD_ENCRYPTION_KEY (required when DJANGO_DEBUG is off): it encrypts the "
            "therapists' authenticator keys. Make one with: python -c 'import base64, secrets; "
            "print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())'"
        )
    # Development only: a key derived from the (development) secret key.
    FIELD_ENCRYPTION_KEY = base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()
for _field_key in FIELD_ENCRYPTION_KEY.split(","):
    try:
        _field_key_ok = len(base64.urlsafe_b64decode(_field_key.strip().encode())) == 32
    except ValueError:
        _field_key_ok = False
    if not _field_key_ok:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be comma-separated keys of 32 random bytes in URL-safe base64"
        )

# Two-factor log-in (django-otp: an authenticator app, and recovery codes for a lost phone).
REQUIRE_2FA = envbool("REQUIRE_2FA", "false" if DEBUG else "true")
OTP_TOTP_ISSUER = CLINIC_NAME
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
RECOVERY_CODE_COUNT = 10

# The public questionnaire: at most INTAKE_RATE_LIMIT sends per client address per window (seconds).
INTAKE_RATE_LIMIT = envint("INTAKE_RATE_LIMIT", 20, low=1, high=100_000)
INTAKE_RATE_WINDOW = envint("INTAKE_RATE_WINDOW", 10 * 60, low=1, high=24 * 60 * 60)
