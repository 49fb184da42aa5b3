"""Django settings. Defaults give the embedded mode: SQLite, local files, filesystem broker.

Production sets ``DATABASE_URL`` (PostgreSQL), ``CELERY_BROKER_URL`` (Redis or RabbitMQ),
``AILEAGUE_SECRET_KEY`` and ``AILEAGUE_DEBUG=0``.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from aileague.config import ConfigError, env_bool, env_int, env_list, env_path, env_str

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = env_path("AILEAGUE_VAR_DIR", BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded mode keeps its database and files here

DEBUG = env_bool("AILEAGUE_DEBUG", True)
SECRET_KEY = env_str("AILEAGUE_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigError("AILEAGUE_SECRET_KEY must be set when AILEAGUE_DEBUG=0.")
    SECRET_KEY = "embedded-mode-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list(
    "AILEAGUE_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("AILEAGUE_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("AILEAGUE_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "aileague.common.admin_apps.AileagueAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "aileague.common",
    "aileague.accounts",
    "aileague.competitions",
    "aileague.teams",
    "aileague.submissions",
    "aileague.uploads",
    "aileague.leaderboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "aileague.accounts.middleware.UserTimezoneMiddleware",
]

ROOT_URLCONF = "aileague.urls"
WSGI_APPLICATION = "aileague.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'aileague.sqlite3'}"),
        conn_max_age=env_int("AILEAGUE_DB_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a worker writes; the timeout absorbs short write locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["aileague.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "competitions:home"
LOGOUT_REDIRECT_URL = "competitions:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = env_list(
    "AILEAGUE_PASSWORD_HASHERS",
    ["django.contrib.auth.hashers.PBKDF2PasswordHasher"],
)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATICFILES_DIRS = [SRC_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing root before collectstatic
MEDIA_ROOT = VAR_DIR / "files"
STORAGES = {
    # Uploaded and reference files are never served straight from disk: every download goes
    # through a view that checks permissions, so there is no MEDIA_URL.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "files"), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
AILEAGUE_MAX_UPLOAD_BYTES = env_int("AILEAGUE_MAX_UPLOAD_BYTES", 200 * 1024 * 1024, minimum=1)
AILEAGUE_INLINE_VALIDATION_MAX_BYTES = env_int(
    "AILEAGUE_INLINE_VALIDATION_MAX_BYTES", 20 * 1024 * 1024, minimum=0
)

EMAIL_BACKEND = env_str("AILEAGUE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("AILEAGUE_FROM_EMAIL", "aileague <noreply@aileague.local>")

# Celery: the embedded default is the filesystem transport, so there is one code path (Celery)
# with or without a broker server.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
_broker_dir = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # The default 1 s poll caps a worker at about one task a second; a file scan is cheap.
        "polling_interval": 0.05,
    }
else:
    # Longer than any task's hard limit, so a slow task is never redelivered while it runs.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("AILEAGUE_SCORING_TIME_LIMIT_S", 1800, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = max(1, CELERY_TASK_TIME_LIMIT - 30)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "aileague"
CELERY_BEAT_SCHEDULE = {
    "requeue-stale-submissions": {
        "task": "aileague.submissions.tasks.task_requeue_stale_submissions",
        "schedule": 60.0,
    },
}
# Submissions left "queued" longer than this are sent to the broker again (a lost message).
AILEAGUE_REQUEUE_AFTER_S = env_int("AILEAGUE_REQUEUE_AFTER_S", 300, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("AILEAGUE_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 100
