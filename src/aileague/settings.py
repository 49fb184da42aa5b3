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
    "aileague.judging",
    "aileague.results",
    "aileague.outcomes",
    "aileague.reports",
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

# A shared cache (Redis) in production; each process keeps its own in the embedded mode.
_cache_url = env_str("AILEAGUE_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

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
AILEAGUE_MAX_UPLOAD_BYTES = env_int("AILEAGUE_MAX_UPLOAD_BYTES", 2 * 1024**3, minimum=1)
# Chunked uploads (aileague.uploads): chunk size, how long an idle upload is kept, and the file
# size above which the web page and the CLI switch from one request to chunks.
AILEAGUE_UPLOAD_CHUNK_BYTES = env_int("AILEAGUE_UPLOAD_CHUNK_BYTES", 8 * 1024**2, minimum=1024)
AILEAGUE_UPLOAD_SESSION_TTL_S = env_int("AILEAGUE_UPLOAD_SESSION_TTL_S", 24 * 3600, minimum=60)
AILEAGUE_CHUNKED_UPLOAD_THRESHOLD_BYTES = env_int(
    "AILEAGUE_CHUNKED_UPLOAD_THRESHOLD_BYTES", 16 * 1024**2, minimum=0
)
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
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("AILEAGUE_SCORING_TIME_LIMIT_S", 1800, minimum=1) + 600
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("AILEAGUE_SCORING_TIME_LIMIT_S", 1800, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = max(1, CELERY_TASK_TIME_LIMIT - 30)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "aileague"
# A worker whose broker connection drops stops its running tasks: they are redelivered, and the
# database lease decides who scores (see submissions/worker.py).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# The reaper: takes back expired leases and re-sends submissions whose message was lost.
AILEAGUE_REAPER_EVERY_S = env_int("AILEAGUE_REAPER_EVERY_S", 30, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "requeue-stale-submissions": {
        "task": "aileague.submissions.tasks.task_requeue_stale_submissions",
        "schedule": float(AILEAGUE_REAPER_EVERY_S),
    },
    "expire-upload-sessions": {
        "task": "aileague.uploads.tasks.task_expire_upload_sessions",
        "schedule": 3600.0,
    },
    # Rank history: records the ranks other teams' submissions moved (changes only).
    "snapshot-ranks": {
        "task": "aileague.leaderboards.tasks.task_snapshot_ranks",
        "schedule": 900.0,
    },
}
# Submissions left "queued" longer than this are sent to the broker again (a lost message).
AILEAGUE_REQUEUE_AFTER_S = env_int("AILEAGUE_REQUEUE_AFTER_S", 300, minimum=1)
# A worker's claim on a submission lasts this long and is renewed every third of it while the
# file is scored; a worker that died stops renewing, and the reaper takes the submission back.
AILEAGUE_LEASE_S = env_int("AILEAGUE_LEASE_S", 60, minimum=3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("AILEAGUE_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 100
