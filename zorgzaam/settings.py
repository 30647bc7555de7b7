"""Settings for Zorgzaam, read from the environment.

Development works with no configuration. Production (DJANGO_DEBUG=0) refuses to start
without DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS, and is secure by default.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not DEBUG:
    missing = [
        name
        for name, value in (
            ("DJANGO_SECRET_KEY", SECRET_KEY),
            ("DJANGO_ALLOWED_HOSTS", ALLOWED_HOSTS),
        )
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            "Production mode (DJANGO_DEBUG=0) needs these environment variables: "
            + ", ".join(missing)
            + ". Set them, or set DJANGO_DEBUG=1 for local development."
        )
else:
    SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key-do-not-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]

# Absolute base for links that leave the site: QR codes, emails, calendar files.
# In development it follows the address `make run` serves on (HOST and PORT).
SITE_URL = os.environ.get(
    "SITE_URL", f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
).rstrip("/")
_site = urlsplit(SITE_URL)
if not _site.scheme or not _site.netloc:
    raise ImproperlyConfigured(f"SITE_URL must be an absolute URL, got {SITE_URL!r}.")
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"] + env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "organisations",
    "events",
    "initiatives",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zorgzaam.middleware.DutchFirstLocaleMiddleware",
    "zorgzaam.middleware.RejectUnreadableInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "zorgzaam.urls"
WSGI_APPLICATION = "zorgzaam.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zorgzaam.context_processors.site",
            ],
        },
    },
]

# Database: a SQLite file by default, PostgreSQL (or anything dj-database-url knows)
# when DATABASE_URL is set.
DATA_DIR = Path(os.environ.get("ZORGZAAM_DATA_DIR", BASE_DIR / "data"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Seconds a worker keeps its database connection (0 closes it after every request).
CONN_MAX_AGE = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
_conn_max_age = CONN_MAX_AGE
# A database that accepts connections but never answers must not hold a worker for long:
# connecting gives up after this many seconds, a statement after this many milliseconds
# (0 switches the statement limit off, e.g. for a long migration).
DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3"))
DATABASE_STATEMENT_TIMEOUT = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "10000"))


def sqlite_database(name: str | Path, *, test_name: str | Path) -> dict:
    """The one SQLite configuration, for the default file and for a sqlite:// URL alike."""
    seconds = 20
    return {
        # Django's SQLite backend, with write transactions queued on a file lock.
        "ENGINE": "zorgzaam.sqlite",
        "NAME": name,
        "OPTIONS": {
            # IMMEDIATE takes the write lock when a transaction starts, so two sign-ups
            # never deadlock upgrading a read lock; the busy timeout makes a waiting
            # writer queue instead of failing with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": seconds,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                f"PRAGMA busy_timeout={seconds * 1000};"
            ),
        },
        # One connection per worker, kept: opening one costs the pragmas above and closing
        # the last one checkpoints the WAL, several milliseconds a request.
        "CONN_MAX_AGE": _conn_max_age,
        # A file, not memory, so concurrency tests use real connections and locks.
        "TEST": {"NAME": str(test_name)},
    }


def postgresql_options(options: dict) -> dict:
    """Bounded waits: a stuck lock or a silent server turns into an error, not a hung page."""
    limits = ["-c lock_timeout=10000"]
    if DATABASE_STATEMENT_TIMEOUT:
        limits.append(f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT}")
    return {
        "connect_timeout": DATABASE_CONNECT_TIMEOUT,
        "options": " ".join(limits),
        **options,
    }


if DATABASE_URL.startswith("sqlite:"):
    _name = dj_database_url.parse(DATABASE_URL)["NAME"]
    if not _name or _name == ":memory:":
        raise ImproperlyConfigured(
            "DATABASE_URL names an in-memory SQLite database; name a file, for example "
            "sqlite:////srv/zorgzaam/db.sqlite3."
        )
    _path = Path(_name)
    _path.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": sqlite_database(_path, test_name=_path.with_name("test_" + _path.name))}
elif DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=_conn_max_age, conn_health_checks=True
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": sqlite_database(
            DATA_DIR / "zorgzaam.sqlite3", test_name=DATA_DIR / "test.sqlite3"
        )
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = postgresql_options(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["default"]["TEST"] = {"NAME": urlsplit(DATABASE_URL).path.lstrip("/") + "_tests"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Language: Dutch first, English available; the choice is remembered in a cookie.
LANGUAGE_CODE = "nl"
# Residents' pages in all four; organisers' pages in Dutch and English (a Turkish or
# Arabic string not translated falls back to Dutch, the default).
LANGUAGES = [("nl", "Nederlands"), ("en", "English"), ("tr", "Türkçe"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Cache: Redis when REDIS_URL is set (shared by all app processes), memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that is down or silent costs a request a second, not a worker.
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_TIMEOUT", "1")),
                "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "1")),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background tasks: run at once in development and tests, in the database (with the
# db_worker process) in production. TASKS_BACKEND=database forces the worker.
_tasks_backend = os.environ.get("TASKS_BACKEND", "immediate" if DEBUG else "database")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if _tasks_backend == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# Email: EMAIL_URL (smtp://user:pass@host:port, with ?tls=1 or ?ssl=1) or Django's own
# EMAIL_* variables. Development prints mail to the console.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
if os.environ.get("EMAIL_URL"):
    _mail = urlsplit(os.environ["EMAIL_URL"])
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or 25
    EMAIL_HOST_USER = _mail.username or ""
    EMAIL_HOST_PASSWORD = _mail.password or ""
    EMAIL_USE_TLS = "tls=1" in _mail.query or _mail.scheme == "smtp+tls"
    EMAIL_USE_SSL = "ssl=1" in _mail.query or _mail.scheme == "smtps"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Zorgzaam <noreply@zorgzaam.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER_ENABLE=1.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # management tokens live in URLs
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    _https = _site.scheme == "https"
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _https)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _https)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _https)
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if _https else "0"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _https)
    if env_bool("SECURE_PROXY_SSL_HEADER_ENABLE", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "django_tasks": {"level": "WARNING"}},
}

SITE_NAME = "Zorgzaam"

# Attendees' personal data is erased this many days after their meeting.
PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("PERSONAL_DATA_RETENTION_DAYS", "30"))

# Map tiles for the initiatives map (any XYZ tile server; OpenStreetMap by default).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_ATTRIBUTION = os.environ.get(
    "MAP_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)


# Content-Security-Policy: no inline scripts or styles, nothing from other sites except
# the map tiles (and a report's video player, framed on request). The check-in camera
# needs no extra source (the stream is a MediaStream).
_tiles = urlsplit(MAP_TILE_URL.replace("{s}", "a"))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", f"{_tiles.scheme}://{_tiles.netloc}"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        # A report's video, only after the visitor clicks to play it (static/js/report.js).
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    }
}

# The real client address, when behind a proxy: name the header it sets, for example
# CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR (only behind a proxy that overwrites it).
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")

# Login lock-out: five failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    [CLIENT_IP_HEADER, "REMOTE_ADDR"] if CLIENT_IP_HEADER else ["REMOTE_ADDR"]
)
AXES_VERBOSE = False

# Rate limits on public POSTs, counted in the cache (Redis when REDIS_URL is set, so every
# app process shares the counts). RATELIMIT_ENABLE=0 switches them off for load tests.
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_VIEW = "zorgzaam.errors.rate_limited"
RATELIMIT_IP_META_KEY = CLIENT_IP_HEADER or None
RATELIMIT_SIGNUP_PER_IP = os.environ.get("RATELIMIT_SIGNUP_PER_IP", "30/m")
RATELIMIT_SIGNUP_PER_EMAIL = os.environ.get("RATELIMIT_SIGNUP_PER_EMAIL", "5/h")
RATELIMIT_FORM_PER_IP = os.environ.get("RATELIMIT_FORM_PER_IP", "10/m")
RATELIMIT_SCAN_PER_IP = os.environ.get("RATELIMIT_SCAN_PER_IP", "600/m")
# Live input: a hall of phones shares one Wi-Fi address, so the tight limit is per phone.
RATELIMIT_LIVE_PER_IP = os.environ.get("RATELIMIT_LIVE_PER_IP", "600/m")
RATELIMIT_LIVE_PER_PARTICIPANT = os.environ.get("RATELIMIT_LIVE_PER_PARTICIPANT", "20/m")
