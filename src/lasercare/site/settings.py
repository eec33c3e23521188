"""Settings for the practice web app, read from the environment (see docs/deployment.md).

The embedded default needs no configuration at all: SQLite in WAL mode and the photos under `./var/`, a secret
key generated there on first start, background work in-process. `DATABASE_URL` switches to PostgreSQL.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext

from lasercare.site.env import SettingError, envbool, envint, envlist, envnetworks, envsecret, envstr
from lasercare.site.private_files import keep_private

# Generic admin and form classes (UserAdmin[StaffUser]) are subscriptable at run time, as the type checker sees them.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("LASERCARE_VAR_DIR", str(Path.cwd() / "var"))).resolve()
# The databases, the key, e-mails and photos under var/: this account's only (site/private_files.py).
keep_private(VAR_DIR)

DEBUG = envbool("DEBUG", False)
# Behind TLS (a reverse proxy) set LASERCARE_HTTPS=true: cookies become Secure, HSTS is sent and plain HTTP
# redirects. The embedded default serves http://127.0.0.1:8000, where a Secure cookie would never be sent back.
HTTPS = envbool("LASERCARE_HTTPS", False)


def _secret_key() -> str:
    configured = envsecret("SECRET_KEY")
    if configured:
        return configured
    # The embedded default keeps a generated key beside its database, so sessions survive a restart.
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(key)
        return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # its jinja2/ folder holds the widgets' Jinja2 templates
    "lasercare.practice.clinic",
    "lasercare.practice.audit",
    "lasercare.practice.patients",
    "lasercare.practice.consultations",
    "lasercare.practice.scheduling",
    "lasercare.practice.consent",
    "lasercare.practice.charting",
    "lasercare.practice.portal",
    "lasercare.practice.photos",
    "lasercare.practice.selfassessment",
    "lasercare.practice.reminders",
    "lasercare.practice.safety",
    "lasercare.site",
    "django_tasks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lasercare.site.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Patient pages follow the reader's language (the browser's, or the portal account's preference).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lasercare.site.security.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "lasercare.site.urls"
WSGI_APPLICATION = "lasercare.site.wsgi.application"

# The app's pages are Jinja2 templates in each app's jinja2/ folder (lasercare/site/jinja.py says why); the admin's
# are Django templates. A name is looked up in that order, and so are the forms' templates (FORM_RENDERER).
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "lasercare.site.jinja.environment",
            "context_processors": [
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lasercare.practice.clinic.context.staff",
                "lasercare.site.jinja.csrf",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


FORM_RENDERER = "lasercare.site.forms.FormRenderer"


def _databases() -> dict[str, dict[str, object]]:
    url = envstr("DATABASE_URL", "")
    if url:
        try:
            config = dj_database_url.parse(url, conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60))
        except ValueError as error:
            raise SettingError(f"DATABASE_URL: {error}") from None
        if config.get("ENGINE") == "django.db.backends.postgresql" and envbool("DATABASE_PREPARED_STATEMENTS", True):
            # A query the app runs again and again is parsed and planned once per connection: PostgreSQL spent a
            # fifth of its CPU per request planning the dashboard's joins anew (docs/performance.md). Django turns
            # this off by default for PgBouncer's transaction pooling, which cannot keep a prepared statement:
            # set DATABASE_PREPARED_STATEMENTS=false behind such a pooler (docs/deployment.md).
            config.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
        return {"default": dict(config)}
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "default": {
            # Django's backend plus the planner statistics (lasercare/site/sqlite/base.py).
            "ENGINE": "lasercare.site.sqlite",
            "NAME": str(VAR_DIR / "lasercare.sqlite3"),
            # Each server thread keeps its connection (and SQLite's page cache and parsed schema) between requests.
            "CONN_MAX_AGE": envint("DATABASE_CONN_MAX_AGE", 60),
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock when a
                # transaction starts, so two writers queue on busy_timeout instead of failing mid-transaction.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA analysis_limit=1000;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Tests use a shared in-memory database, named so explicitly: pytest-django recognises an unnamed one
            # only under Django's own engine name, and would give each xdist worker an impossible file name.
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3") if envbool("LASERCARE_TEST_FILE_DB", False) else ":memory:"},
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "clinic.StaffUser"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Log-in throttling (lasercare.practice.clinic.throttle, docs/security.md): past LOGIN_FAILURE_LIMIT failures a
# growing wait (LOGIN_FIRST_WAIT_SECONDS, doubled at each further failure, at most the window) before the next try,
# per account and address; failures are counted over LOGIN_LOCKOUT_MINUTES. LOGIN_TRUSTED_NETWORKS (the practice's
# own) have no address-wide ceiling.
LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", 15)
LOGIN_FIRST_WAIT_SECONDS = envint("LOGIN_FIRST_WAIT_SECONDS", 30)
LOGIN_TRUSTED_NETWORKS = envnetworks("LOGIN_TRUSTED_NETWORKS")

# Sessions end after 30 idle minutes and at the latest after a working day.
# The session and its account each read with one SQL statement (lasercare/practice/clinic/sessions.py).
SESSION_ENGINE = "lasercare.practice.clinic.sessions"
AUTHENTICATION_BACKENDS = ["lasercare.practice.clinic.sessions.StaffBackend"]
# The patient portal: how long an invitation and an e-mailed sign-in link stay valid.
PORTAL_INVITATION_DAYS = envint("PORTAL_INVITATION_DAYS", 7)
PORTAL_SIGN_IN_LINK_MINUTES = envint("PORTAL_SIGN_IN_LINK_MINUTES", 15)
SESSION_IDLE_SECONDS = envint("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_COOKIE_AGE = envint("SESSION_MAX_SECONDS", 10 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
# The language a reader chose with the switch of the patient pages (docs/patient-portal.md, "Languages").
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = HTTPS and envbool("LASERCARE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The client's address (the audit log, log-in throttling): REMOTE_ADDR, unless the request comes from one of
# TRUSTED_PROXIES, whose CLIENT_ADDRESS_HEADER then names the client (lasercare.practice.audit.services).
TRUSTED_PROXIES = envnetworks("TRUSTED_PROXIES")
CLIENT_ADDRESS_HEADER = envstr("CLIENT_ADDRESS_HEADER", "HTTP_X_FORWARDED_FOR")
# Before TRUSTED_PROXIES: the header's last address trusted from any peer. Still honoured, for a proxy that is the
# only way in; TRUSTED_PROXIES is safer (docs/deployment.md).
AUDIT_CLIENT_ADDRESS_HEADER = envstr("AUDIT_CLIENT_ADDRESS_HEADER", "")

LANGUAGE_CODE = "en"
# The languages patients may read their pages in, each named in its own language (the language switch shows these
# names). English is the source language; Spanish is translated in locale/es (docs/patient-portal.md, "Languages").
# site/translations.py's TRANSLATED_LANGUAGES lists the same translated ones.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "media"}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Skin photos (lasercare.practice.photos): outside MEDIA_ROOT and served by no URL of its own; the app reads
    # them only through views that check access and audit. Production may point this at S3-compatible storage.
    "photos": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": VAR_DIR / "private" / "photos",
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
}
# The largest photo file accepted (a 12-megapixel JPEG at best quality is 5-10 MB, a 16-bit TIFF far more).
PHOTO_MAX_BYTES = envint("PHOTO_MAX_BYTES", 40 * 1024 * 1024)
# `lasercare serve` collects the static files first; the finders let the test server and an installed copy
# that skipped collecting still serve them.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# E-mail (the reminders: docs/reminders.md). The embedded default writes each message to a file under var/mail/,
# readable by this account only: the console backend printed patients' e-mails into the server's log. A practice
# sends for real with EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and its server's settings.
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
if EMAIL_BACKEND.endswith("filebased.EmailBackend"):
    EMAIL_FILE_PATH.mkdir(mode=0o700, parents=True, exist_ok=True)
    EMAIL_FILE_PATH.chmod(0o700)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
# A reminder's row stays locked while its e-mail is handed over (sending.py): a server that does not answer must
# not hold it for long.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "lasercare <reminders@localhost>")
# The app's public address, as patients and staff reach it: every link in an e-mail is made from it
# (lasercare.web.public). Unset, it is http://127.0.0.1:8000, and `lasercare serve` warns when it listens elsewhere.
LASERCARE_SITE_URL = envstr("LASERCARE_SITE_URL", "")
# The hour of the morning (practice time zone) a reminder's day starts with.
LASERCARE_REMINDER_HOUR = envint("LASERCARE_REMINDER_HOUR", 8)

# Background jobs (docs/architecture.md): in the embedded default they run in-process, in the request or loop that
# queues them; with REDIS_URL they go through Redis to RQ workers (`python -m lasercare.site.manage rqworker
# --job-class django_tasks_rq.Job default`, docs/deployment.md). TASKS_BACKEND names another backend.
REDIS_URL = envstr("REDIS_URL", "")
_RQ_BACKEND = "django_tasks_rq.RQBackend"
TASKS = {
    "default": {
        "BACKEND": envstr(
            "TASKS_BACKEND", _RQ_BACKEND if REDIS_URL else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}
if TASKS["default"]["BACKEND"] == _RQ_BACKEND:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
    TASKS["default"]["QUEUES"] = ["default"]  # type: ignore[assignment]

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Application logs carry no patient data: request paths hold only opaque ids, and nothing logs bodies.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Every line: secrets in addresses blanked, and a refused request (4xx) in one line (site/log_secrets.py).
    "filters": {"blank_secrets": {"()": "lasercare.site.log_secrets.BlankSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["blank_secrets"]}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
    # Even at LOG_LEVEL=DEBUG: these two log a template's whole context and SQL parameters, i.e. patient data.
    "loggers": {"django.template": {"level": "INFO"}, "django.db.backends": {"level": "INFO"}},
}
