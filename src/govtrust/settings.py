"""Settings, all from the environment (12-factor), so one build runs in development, CI and production.

Development (GOVTRUST_DEBUG=1, or no keys given): secret and field keys are generated once into var/.
Production (GOVTRUST_DEBUG unset): GOVTRUST_SECRET_KEY and GOVTRUST_FIELD_KEY are required.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def _home() -> Path:
    """The working folder holding var/: GOVTRUST_HOME, else the source checkout, else the cwd."""
    if os.environ.get("GOVTRUST_HOME"):
        return Path(os.environ["GOVTRUST_HOME"]).resolve()
    checkout = PACKAGE_DIR.parents[1]
    return checkout if (checkout / "pyproject.toml").exists() else Path.cwd()


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


HOME = _home()
VAR_DIR = HOME / "var"
DEBUG = _flag("GOVTRUST_DEBUG")


def _key(env_name: str, file_name: str) -> str:
    """A secret from the environment; in development, generated once into var/ and reused."""
    value = os.environ.get(env_name, "").strip()
    if value:
        return value
    if not DEBUG:
        raise ImproperlyConfigured(
            f"{env_name} is required when GOVTRUST_DEBUG is off (production). "
            f"生产环境必须设置环境变量 {env_name}。"
        )
    path = VAR_DIR / file_name
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _key("GOVTRUST_SECRET_KEY", "secret_key")
# Encrypts resident IDs at rest and keys their lookup hash; losing it makes them unreadable.
FIELD_KEY = _key("GOVTRUST_FIELD_KEY", "field_key")
# Keys the audit chain's hashes; defaults to a key derived from SECRET_KEY (see core.audit).
AUDIT_KEY = os.environ.get("GOVTRUST_AUDIT_KEY", "")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("GOVTRUST_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("GOVTRUST_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "govtrust.core",
    "govtrust.subjects",
    "govtrust.accounts",
    "govtrust.intake",
    "govtrust.ledger",
    "govtrust.publicity",
    "govtrust.commitments",
    "govtrust.sanctions",
    "govtrust.complaints",
    "govtrust.remedies",
    "govtrust.supervision",
    "govtrust.evaluation",
    "govtrust.reports",
    "govtrust.monitoring",
    "govtrust.jobs",
    "govtrust.console",
    "govtrust.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Answers POST /api/v1/checks from other systems without the rest of the stack (see its docstring).
    "govtrust.sanctions.fastpath.CheckFastPath",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "govtrust.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "govtrust.urls"
WSGI_APPLICATION = "govtrust.wsgi.application"

TEMPLATES = [
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
                "govtrust.console.context_processors.console",
            ],
        },
    }
]


def _database() -> dict:
    default = f"sqlite:///{VAR_DIR / 'govtrust.sqlite3'}"
    url = os.environ.get("DATABASE_URL") or default  # set but empty: the default too
    if url.startswith("sqlite"):
        VAR_DIR.mkdir(parents=True, exist_ok=True)
    sqlite = url.startswith("sqlite")
    # Connections are kept between requests: reopening SQLite (and its schema) on every request cost more than
    # a screening check. PostgreSQL connections come from a pool shared by a process's threads instead — the
    # server runs a thread per concurrent request, and a persistent connection each would exhaust
    # max_connections (GOVTRUST_DB_POOL_MAX per process; two processes in `make serve`).
    config = dj_database_url.parse(url, conn_max_age=600 if sqlite else 0, conn_health_checks=sqlite)
    if not sqlite:
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1, "max_size": int(os.environ.get("GOVTRUST_DB_POOL_MAX", "10")), "timeout": 30}
        # JIT compilation cost 0.1–0.36 s per large aggregate in bench/evaluate.py and never paid back on
        # queries of this size (docs/benchmarks.md).
        config["OPTIONS"].setdefault("options", "-c jit=off")
        # Django binds parameters on the client, so its own queries are never prepared; this lets the screening
        # check's server-bound reads (core.bare) be prepared once per connection (ADR 0015). Set
        # GOVTRUST_DB_PREPARE=0 behind a pooler that cannot keep prepared statements (pgbouncer < 1.21 in
        # transaction mode).
        if _flag("GOVTRUST_DB_PREPARE", default=True):
            config["OPTIONS"].setdefault("prepare_threshold", 1)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL + IMMEDIATE: a worker and the web app share the file without "database is locked",
        # and writers serialize at BEGIN, which the audit chain relies on (see core.audit).
        # synchronous=NORMAL is the safe setting in WAL mode (a power cut may lose the last commit, never
        # corrupt); a 64 MiB page cache keeps the ledger's indexes in memory during bulk intake.
        config["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                             "PRAGMA cache_size=-65536;", "transaction_mode": "IMMEDIATE"}
    return config


DATABASES = {"default": _database()}
# ledger.Record's `record_subject` index INCLUDEs the id for PostgreSQL's index-only scans; on SQLite the id is
# the rowid, which every index carries already, so the warning that SQLite ignores INCLUDE says nothing.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "console:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The project's own CSS and JS and the vendored npm assets live in the package, not in an app: without this
# runserver (`make run`) served pages without styles or HTMX, and collectstatic missed them.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("GOVTRUST_STATIC_ROOT", HOME / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("GOVTRUST_MEDIA_ROOT", VAR_DIR / "media"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _flag("GOVTRUST_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# Uploads: the largest import file accepted (bytes); larger files are refused with a clear message.
# Uploads through the console and the API are held by the web server, so they are capped lower than files
# the command line streams from disk. A spreadsheet may not expand (unzipped) past IMPORT_MAX_EXPANDED_BYTES.
IMPORT_MAX_BYTES = int(os.environ.get("GOVTRUST_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
IMPORT_MAX_FILE_BYTES = int(os.environ.get("GOVTRUST_IMPORT_MAX_FILE_BYTES", str(2 * 1024**3)))
# Record files at least this large are read and checked in a second process while the first one writes.
IMPORT_PARALLEL_MIN_BYTES = int(os.environ.get("GOVTRUST_IMPORT_PARALLEL_MIN_BYTES", str(1024 * 1024)))
IMPORT_MAX_EXPANDED_BYTES = int(os.environ.get("GOVTRUST_IMPORT_MAX_EXPANDED_BYTES", str(1024**3)))
# Uploads of bulk datasets (credit records) from this size up are imported by the background worker, with a
# progress page; smaller ones are imported within the request. The worker reads them from IMPORT_UPLOADS_DIR
# and reports progress in JOBS_DIR: both must be shared by the web app and the worker (they are, under var/).
IMPORT_BACKGROUND_MIN_BYTES = int(os.environ.get("GOVTRUST_IMPORT_BACKGROUND_MIN_BYTES", str(2 * 1024 * 1024)))
IMPORT_UPLOADS_DIR = Path(os.environ.get("GOVTRUST_IMPORT_UPLOADS_DIR", VAR_DIR / "uploads"))
JOBS_DIR = Path(os.environ.get("GOVTRUST_JOBS_DIR", VAR_DIR / "jobs"))

# Background jobs (ADR 0002): django-tasks with its database backend; `govtrust db_worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Commitments (信用承诺): evidence files (types and size), and how many working days before the due date the
# deadline scan warns.
COMMITMENT_EVIDENCE_TYPES = ("pdf", "jpg", "jpeg", "png", "docx", "xlsx")
COMMITMENT_EVIDENCE_MAX_BYTES = int(os.environ.get("GOVTRUST_COMMITMENT_EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
COMMITMENT_WARN_WORKING_DAYS = int(os.environ.get("GOVTRUST_COMMITMENT_WARN_WORKING_DAYS", "5"))

PORTAL_SITE_NAME = os.environ.get("GOVTRUST_SITE_NAME", _("信用政务诚信"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GOVTRUST_LOG_LEVEL", "WARNING")},
}
