"""Attune's one settings module: every value comes from the environment.

Development and the demo run with safe defaults on SQLite. Production (``ATTUNE_ENV=production``)
refuses to start with the demo secret key or with debugging on.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date, timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
django_stubs_ext.monkeypatch()

DEMO_SECRET_KEY = "attune-demo-secret-key-never-use-in-production"  # noqa: S105


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def envlist(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


PRODUCTION = os.environ.get("ATTUNE_ENV", "development") == "production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEMO_SECRET_KEY)
DEBUG = envbool("DEBUG", default=not PRODUCTION)
# Set by `attune demo` to the last school day its data were made for (attune/clock.py).
DEMO_DAY: date | None = None
if PRODUCTION and (SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a long random value: production refuses the demo key."
    )
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")

# The audit record's chains are keyed with this secret (attune/auditlog/chain.py): someone who
# can write the database but does not hold it cannot rewrite the record unnoticed. Kept apart
# from SECRET_KEY, which is rotated for other reasons; in development it is derived from it.
ATTUNE_AUDIT_KEY = os.environ.get("ATTUNE_AUDIT_KEY") or (
    "" if PRODUCTION else hashlib.sha256(f"attune-audit|{SECRET_KEY}".encode()).hexdigest()
)
if PRODUCTION and len(ATTUNE_AUDIT_KEY) < 40:
    raise ImproperlyConfigured(
        "Set ATTUNE_AUDIT_KEY to a long random value (40 characters or more), kept outside "
        "the database: it keys the audit record's tamper evidence."
    )

ALLOWED_HOSTS = envlist(
    "ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver"
)
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

DATA_DIR = Path(os.environ.get("ATTUNE_DATA_DIR", PROJECT_DIR / "data"))
# Signed checkpoints of the audit record's chains, written by ``attune audit_verify``: outside
# the database, so someone who can rewrite it cannot roll a chain back unnoticed. In production
# keep it where the database's own users cannot write, and back it up separately.
ATTUNE_AUDIT_CHECKPOINT_DIR = Path(
    os.environ.get("ATTUNE_AUDIT_CHECKPOINT_DIR") or DATA_DIR / "audit-checkpoints"
)
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'attune.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests use a file, not memory: the browser tests' live server then gets a connection per
    # thread, instead of sharing one that two overlapping requests would trip over.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-attune.sqlite3")}
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
    "ninja",  # the Virtual School API: serves its OpenAPI docs from our own static files
    "attune.accounts",
    "attune.people",
    "attune.children",
    "attune.relationships",
    "attune.auditlog",
    "attune.attendance",
    "attune.checkins",
    "attune.wholeschool",
    "attune.plans",
    "attune.belonging",
    "attune.training",
    "attune.interventions",
    "attune.incidents",
    "attune.privacy",
    "attune.earlyyears",
    "attune.pep",
    "attune.virtualschool",
    "attune.mis",
    "attune.families",
    "attune.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files keep their long lifetimes; nothing else is cached.
    "attune.caching.NoStoreMiddleware",
    # Outside CommonMiddleware, so a missing slash is still redirected before any 404 page.
    "attune.error_pages.ErrorPagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The request's address and page for the audit record, and each child read, logged once
    # the page is served (attune/auditlog/context.py).
    "attune.auditlog.context.AuditContextMiddleware",
    # Each reader's standing with a child, looked up once a request (attune/access/standing.py).
    "attune.access.standing.AccessMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "attune.accounts.middleware.SessionExpiryMiddleware",
    # A session opened by an emailed link reaches only what the link grants (accounts/links.py).
    "attune.accounts.middleware.LinkSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "attune.tenancy.SchoolScopeMiddleware",
    # After the school scope: it needs request.membership to know the role.
    "attune.accounts.middleware.TwoFactorMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "attune.urls"
WSGI_APPLICATION = "attune.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while locked out
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

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
                "attune.tenancy.school_context",
                "attune.clock.demo_day_context",
            ],
            "builtins": ["attune.forms_ui"],
        },
    }
]

# Django's form templates, but drop-down lists written in Python (a tenth of the nursery register).
FORM_RENDERER = "attune.forms_render.QuickSelects"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Sessions: signed out after ATTUNE_SESSION_IDLE_MINUTES without a request, and after
# SESSION_COOKIE_AGE seconds whatever happens (attune/accounts/middleware.py).
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60 * 8)
ATTUNE_SESSION_IDLE_MINUTES = envint("ATTUNE_SESSION_IDLE_MINUTES", 30)

# Figures shown outside a school hide every count from 1 up to and including this one (the
# DfE's looked-after and children-in-need statistics hide 1 to 5; suppression.py).
ATTUNE_SUPPRESSION_THRESHOLD = envint("ATTUNE_SUPPRESSION_THRESHOLD", 5)
# The largest register file the upload page takes, in megabytes; larger files go through
# ``attune import_attendance`` / ``attune import_ctf`` (attendance/forms.py).
ATTUNE_UPLOAD_MAX_MB = envint("ATTUNE_UPLOAD_MAX_MB", 10)
# ...and round every count they show to the nearest this, so no figure can be worked out by
# moving a date range (virtualschool/domain/rounding.py). 1 turns rounding off: not advised.
ATTUNE_VIRTUAL_SCHOOL_ROUND_TO = envint("ATTUNE_VIRTUAL_SCHOOL_ROUND_TO", 5)
# How long the Virtual School's figures are kept before being worked out again; a register
# import starts afresh at once (virtualschool/kept.py).
ATTUNE_VIRTUAL_SCHOOL_KEEP_SECONDS = envint("ATTUNE_VIRTUAL_SCHOOL_KEEP_SECONDS", 600)
# Signing in by an emailed link (attune/accounts/links.py): how long a link works, how often an
# email or a network address may ask for one, and how long a session it opens may last.
ATTUNE_SIGN_IN_LINK_MINUTES = envint("ATTUNE_SIGN_IN_LINK_MINUTES", 30)
ATTUNE_SIGN_IN_LINKS_PER_EMAIL_HOUR = envint("ATTUNE_SIGN_IN_LINKS_PER_EMAIL_HOUR", 5)
ATTUNE_SIGN_IN_LINKS_PER_ADDRESS_HOUR = envint("ATTUNE_SIGN_IN_LINKS_PER_ADDRESS_HOUR", 20)
ATTUNE_LINK_SESSION_HOURS = envint("ATTUNE_LINK_SESSION_HOURS", 2)
# A family's session on the family page is shorter still (attune/families/invitations.py).
ATTUNE_FAMILY_SESSION_MINUTES = envint("ATTUNE_FAMILY_SESSION_MINUTES", 30)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and envbool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31_536_000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: htmx's own indicator style is switched off in base.html.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Failed sign-ins (django-axes): five wrong passwords for one email from one address lock that
# pair out for ATTUNE_LOCKOUT_MINUTES; another failure while locked out starts the wait again.
# Attune reads REMOTE_ADDR: behind a proxy, have the proxy server set it to the client's address.
AXES_FAILURE_LIMIT = envint("ATTUNE_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("ATTUNE_LOCKOUT_MINUTES", 15))
# ...and an address with ATTUNE_ADDRESS_LOCKOUT_FAILURES over all emails is paused (spraying).
AXES_LOCKOUT_PARAMETERS = "attune.accounts.lockout.lockout_parameters"
ATTUNE_ADDRESS_LOCKOUT_FAILURES = envint("ATTUNE_ADDRESS_LOCKOUT_FAILURES", 20)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "attune.accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# A password reset link lasts an hour and works once (attune/accounts/password_reset.py).
PASSWORD_RESET_TIMEOUT = 60 * 60

# Two-factor codes (django-otp): each wrong code doubles the wait before the next try.
OTP_TOTP_ISSUER = "Attune"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Email goes out through SMTP (Django 6.1 mailers), only from the background worker.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Attune <no-reply@attune.invalid>")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": envint("EMAIL_PORT", 25),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": envbool("EMAIL_USE_TLS", False),
            "timeout": envint("EMAIL_TIMEOUT", 30),
        },
    }
}

# Background tasks (django.tasks) are stored in the database and run by `attune db_worker`.
# Per process: the Virtual School's kept figures (virtualschool/kept.py) live here. Several web
# servers would share Redis or Memcached instead (docs/virtual-school.md).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The school's MIS, read through Wonde (docs/mis-sync.md). The token lives only here, from the
# environment: never in the database, never shown. ATTUNE_WONDE_BASE_URL sends every request
# to one address instead of each school's regional domain (a test server or a proxy).
ATTUNE_WONDE_TOKEN = os.environ.get("ATTUNE_WONDE_TOKEN", "")
ATTUNE_WONDE_BASE_URL = os.environ.get("ATTUNE_WONDE_BASE_URL", "")
ATTUNE_WONDE_PER_PAGE = envint("ATTUNE_WONDE_PER_PAGE", 200)
ATTUNE_WONDE_FIRST_WAIT_MS = envint("ATTUNE_WONDE_FIRST_WAIT_MS", 1000)  # then 2x each retry
ATTUNE_MIS_KEEP_RAW_DAYS = envint("ATTUNE_MIS_KEEP_RAW_DAYS", 30)
ATTUNE_MIS_SCHOOL_DAY = os.environ.get("ATTUNE_MIS_SCHOOL_DAY", "08:00-16:30")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
