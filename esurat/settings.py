"""e-Surat settings: one file, driven by the environment.

SQLite under var/ is the default so `make run` needs nothing installed; DATABASE_URL selects
PostgreSQL (production and CI). Secrets come from the environment, never from the repository.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ESURAT_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    # A development machine gets a random key kept outside the repository, in var/.
    key_file = VAR_DIR / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "axes",
    "esurat.accounts",
    "esurat.organisations",
    "esurat.letters",
    "esurat.dispositions",
    "esurat.signing",
    "esurat.delivery",
    "esurat.audit",
    "esurat.search",
    "esurat.notifications",
    "esurat.reminders",
    "esurat.api",
    "esurat.onboarding",
    "esurat.pwa",
    "esurat.reports",
]

MIDDLEWARE = [
    "esurat.lib.client.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, which serves static files compressed already; pages only (the reason
    # it is safe despite BREACH: esurat/lib/compression.py).
    "esurat.lib.compression.PageGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "esurat.organisations.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "esurat.organisations.middleware.GovernmentTimezoneMiddleware",
    "esurat.reports.middleware.DailyActivityMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Note each official's first request of the day for the evaluation (esurat/reports/middleware.py).
NOTE_DAILY_ACTIVITY = True

ROOT_URLCONF = "esurat.urls"
WSGI_APPLICATION = "esurat.wsgi.application"

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
                "esurat.letters.context_processors.counters",
                "esurat.onboarding.context_processors.onboarding",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'esurat.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web server and the worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "esurat.accounts.backends.NipOrUsernameBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "letters:inbox"
LOGOUT_REDIRECT_URL = "accounts:login"

# Throttled login (django-axes): 5 failures per username and address lock for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# Sessions: server-side, HttpOnly, 8 working hours, secure cookies whenever served over HTTPS.
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies stand in front of e-Surat, each appending to X-Forwarded-For
# (esurat/lib/client.py): 1 behind the usual TLS proxy, 0 (the header ignored) otherwise.
TRUSTED_PROXIES = int(
    os.environ.get("TRUSTED_PROXIES", "1" if env_bool("BEHIND_TLS_PROXY") else "0")
)
# Counters shared by every web process (the verification page's rate limit): in the database,
# so that three gunicorn workers do not each allow the limit. Table made by a migration.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "esurat_cache",
    }
}
# Minutes within which a signatory's password re-entry is not asked again.
REAUTH_MAX_AGE_SECONDS = 0

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# The default zone; each government carries its own (GovernmentTimezoneMiddleware activates it).
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Makassar")

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even in development
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"  # never served directly: files go through access-checked views.
# Static files for a phone on a slow link (issue 9): `collectstatic` writes each file under a
# name carrying a hash of its content (bootstrap.min.3f2a….css), with gzip and brotli copies
# beside it; WhiteNoise serves the smallest one the browser accepts and lets it keep the hashed
# names for good (Cache-Control: immutable, ten years): a changed file gets a new name. A server
# needs `collectstatic` (docs/deploy.md). With DEBUG on (`make run`) pages link the plain names
# and WhiteNoise serves them from static/, so nothing has to be collected for development.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible object storage (MinIO, etc.) when configured; needs django-storages[s3].
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}

# Attachments: PDF and images, checked by content.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_MB", "20")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Incoming scans (esurat.letters.scans) and reading them (esurat.letters.ocr, run by the worker).
SCAN_MAX_PAGES = int(os.environ.get("SCAN_MAX_PAGES", "300"))
SCAN_MAX_PHOTOS = int(os.environ.get("SCAN_MAX_PHOTOS", "40"))
SCAN_MAX_IMAGE_PIXELS = int(os.environ.get("SCAN_MAX_IMAGE_MEGAPIXELS", "60")) * 1_000_000
# A scan uploaded first (scan first) and never registered is removed after this many days.
SCAN_UPLOAD_DAYS = int(os.environ.get("SCAN_UPLOAD_DAYS", "7"))
OCR_LANGUAGE = os.environ.get("OCR_LANGUAGE", "ind")
OCR_JOBS = int(os.environ.get("OCR_JOBS", "1"))  # pages read in parallel by one task
OCR_PAGE_TIMEOUT = float(os.environ.get("OCR_PAGE_TIMEOUT", "180"))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Django 6.1 mailers. SMTP is configured by the environment; without EMAIL_HOST mail goes to the
# console (development).
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend"
        if os.environ.get("EMAIL_HOST")
        else "django.core.mail.backends.console.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS"),
            "timeout": 20,
        }
        if os.environ.get("EMAIL_HOST")
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "e-surat@localhost")

# Web Push (esurat/pwa/): the VAPID key pair signs every push; `manage.py generate_vapid_keys`
# prints one. Without it Web Push is off, except with DEBUG, where one is made and kept in var/.
# VAPID_SUBJECT lets a push service reach the operator. The server posts only to the push
# services named here (https), never to an address a browser made up (SSRF).
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", f"mailto:{DEFAULT_FROM_EMAIL}")
PUSH_SERVICE_HOSTS = env_list(
    "PUSH_SERVICE_HOSTS",
    "fcm.googleapis.com,updates.push.services.mozilla.com,*.push.apple.com,*.notify.windows.com",
)
PUSH_HTTP_HOSTS: list[str] = []  # hosts allowed over plain http: the tests' loopback server only
PUSH_TIMEOUT = float(os.environ.get("PUSH_TIMEOUT", "10"))

# Notifications (esurat.notifications; docs/deploy.md). The Telegram bot for the whole
# installation (a government may set its own in the admin); TELEGRAM_API_URL is the Bot API.
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_BOT_USERNAME = os.environ.get("TELEGRAM_BOT_USERNAME", "")
TELEGRAM_API_URL = os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/")
TELEGRAM_CODE_MINUTES = int(os.environ.get("TELEGRAM_CODE_MINUTES", "15"))
# One-tap links in e-mails and messages expire after this many days.
ONE_TAP_MAX_AGE = int(os.environ.get("ONE_TAP_MAX_AGE_DAYS", "7")) * 24 * 3600

# The signing provider behind esurat.signing: `local` (PAdES with the government's own CA, the
# default), `bsre` (BSrE-certified, through the Pemda's Esign Client Service) or `recorded` (the
# signing act only, no PDF signature). `local` needs ESURAT_CA_PASSPHRASE, which unlocks the CA's
# key: a development machine (DEBUG) gets a published demo value, a server must set its own.
SIGNING_PROVIDER = os.environ.get("SIGNING_PROVIDER", "local")
if DEBUG:
    os.environ.setdefault("ESURAT_CA_PASSPHRASE", "demo-ca-passphrase-not-for-production")
# PAdES level: with a timestamp authority (RFC 3161) signatures are B-T, and B-LT when revocation
# data for every certificate is reachable; without one, B-B. SIGNING_TSA_ROOTS: a PEM file of the
# roots the TSA's certificate chains to.
SIGNING_TSA_URL = os.environ.get("SIGNING_TSA_URL", "")
SIGNING_TSA_ROOTS = os.environ.get("SIGNING_TSA_ROOTS", "")
SIGNING_TSA_TIMEOUT = float(os.environ.get("SIGNING_TSA_TIMEOUT", "10"))
SIGNING_FETCH_REVOCATION = env_bool("SIGNING_FETCH_REVOCATION", True)  # OCSP/CRL named in certs
# BSrE's Esign Client Service hosted by the Pemda (SIGNING_PROVIDER=bsre), HTTP Basic auth.
BSRE_URL = os.environ.get("BSRE_URL", "").rstrip("/")
BSRE_USER = os.environ.get("BSRE_USER", "")
BSRE_PASSWORD = os.environ.get("BSRE_PASSWORD", "")
BSRE_TIMEOUT = float(os.environ.get("BSRE_TIMEOUT", "30"))
BSRE_API_VERSION = int(os.environ.get("BSRE_API_VERSION", "1"))
BSRE_ROOTS = os.environ.get("BSRE_ROOTS", "")  # PEM file: BSrE roots the verification page trusts

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# /healthz reports the worker as stalled when a ready task has waited longer than this.
HEALTH_MAX_QUEUE_SECONDS = int(os.environ.get("HEALTH_MAX_QUEUE_SECONDS", "900"))
# /healthz recomputes the hashes of this many latest audit events of each chain (and checks the
# head): cheap at any size of the trail. `manage.py verify_audit` checks them all.
HEALTH_AUDIT_TAIL = int(os.environ.get("HEALTH_AUDIT_TAIL", "200"))
