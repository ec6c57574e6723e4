"""Lectern settings: one module, every deploy-varying value from the environment.

Defaults are safe and need no set-up: DEBUG off, SQLite in the project folder.
`.env.example` lists every variable this file reads.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Production mode is an explicit switch, not "DEBUG is off": a fresh clone's tests and
# benchmarks run with DEBUG off and no environment at all. In production the values that
# must not fall back to a default are required, and the HTTPS settings below turn on.
# docs/deployment.md lists the production environment.
DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in ("development", "production"):
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "DJANGO_DEBUG must be off when DJANGO_ENV=production: debug pages show settings."
    )
if PRODUCTION and not env.str("DJANGO_SECRET_KEY", default=""):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is required when DJANGO_ENV=production: set it to a long random "
        "string (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
if PRODUCTION and not env.list("DJANGO_ALLOWED_HOSTS", default=[]):
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is required when DJANGO_ENV=production: the comma-separated "
        "host names the site answers to, e.g. lectern.example.org."
    )
# The fallback key is only good for development and tests; `check --deploy` flags it.
SECRET_KEY = env(
    "DJANGO_SECRET_KEY", default="django-insecure-lectern-development-key-do-not-deploy"
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# Full origins (https://lectern.example.org) whose forms may post here, when a proxy or a
# second host name makes the browser's Origin differ from the Host the app sees.
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- HTTPS and security headers -------------------------------------------------------
# Always on, whatever the mode: no MIME sniffing, no framing, referrers only to this site.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    # Cookies only over HTTPS, and HTTP redirected to HTTPS. A load balancer's health
    # probe usually speaks plain HTTP to the app server, so /healthz is not redirected.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading asks browsers to hard-code HTTPS for the whole domain, for months, and
        # is hard to undo: a decision for whoever owns the domain, so it is opt-in and the
        # check that nags about it is silenced until it is chosen.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Content Security Policy (django-csp), on every answer: scripts, styles and everything
# else only from this site, no inline script or style, no plugins, no framing, forms post
# only here. Templates keep to it: scripts and styles are files under static/, and htmx's
# own indicator <style> is turned off in base.html. docs/deployment.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Behind a proxy that terminates TLS, the app sees plain HTTP; the proxy says the
# original scheme in X-Forwarded-Proto. Only trust that header when a proxy sets it
# (and strips any the client sent), or any client could claim to be on HTTPS.
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "accounts",
    "quizzes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
]

MIDDLEWARE = [
    # First, so every log line of the request, and the answer, carries its id.
    "config.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Under /api/: oversized bodies (413) and foreign charsets (415) never reach a view,
    # and every error answers JSON.
    "quizzes.api.guards.ApiRequestGuardMiddleware",
    # Everywhere: an address or form that is not UTF-8 never reaches a view (400, 415).
    "config.middleware.RequestEncodingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: turns a locked-out log-in into the lock-out page (accounts/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite unless DATABASE_URL says otherwise. On SQLite: WAL so readers never wait for the
# writer, IMMEDIATE transactions so a read-then-write transaction waits for the lock
# instead of failing at once with "database is locked", and persistent connections
# (opening one plus its PRAGMAs costs ~2 ms a request).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 5,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = None
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", 60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username and address before any password is checked.
    "accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock-out after repeated failed log-ins (django-axes), per username and client address
# together: a guesser is stopped without locking the real user out from elsewhere. The
# count is kept in the database, so every worker process and app server shares it and a
# restart does not forget it; it costs a few queries on log-in requests only. (Axes'
# cache handler would put it in Redis, but then the admin could neither see nor clear a
# lock-out.) A successful log-in clears the count; attempts made while locked out are
# refused without being counted, so the pause ends the cool-off after the last counted
# failure. The client address is read as the API throttles read it (LECTERN_PROXIES).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LECTERN_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LECTERN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_USERNAME_CALLABLE = "accounts.lockout.client_username"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Failures are kept until their cool-off ends; successful log-ins are not logged (the
# table would only grow, and last_login already says when someone last logged in).
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.password_validation.MaximumLengthValidator"},
]

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Lectern <lectern@localhost>")

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = env("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# whitenoise serves the hashed names collectstatic writes (app.3f2a9c.css) with a
# ten-year, immutable cache lifetime; files asked for by their plain name may change on
# the next deploy, so browsers keep those for this many seconds only.
WHITENOISE_MAX_AGE = env.int("LECTERN_STATIC_MAX_AGE", default=60)

# --- Lectern --------------------------------------------------------------------------
# Largest document accepted by the importer (upload, paste, command line), in bytes.
LECTERN_MAX_DOCUMENT_BYTES = env.int("LECTERN_MAX_DOCUMENT_BYTES", default=5 * 1024 * 1024)
# Largest single line of a text document, in bytes.
LECTERN_MAX_LINE_BYTES = env.int("LECTERN_MAX_LINE_BYTES", default=1024 * 1024)
# DOCX is a zip: caps on what it may unpack to and on how many entries it may hold.
LECTERN_MAX_UNCOMPRESSED_BYTES = env.int(
    "LECTERN_MAX_UNCOMPRESSED_BYTES", default=50 * 1024 * 1024
)
LECTERN_MAX_ARCHIVE_ENTRIES = env.int("LECTERN_MAX_ARCHIVE_ENTRIES", default=1000)
# How many generated questions a lesson gets (the best of many candidates).
LECTERN_QUESTIONS_PER_LESSON = env.int("LECTERN_QUESTIONS_PER_LESSON", default=8)
# Flashcards a student meets for the first time per day (due reviews are not limited).
LECTERN_NEW_CARDS_PER_DAY = env.int("LECTERN_NEW_CARDS_PER_DAY", default=20)
# Wrong class codes a student may type in an hour before joining is paused.
LECTERN_JOIN_WRONG_CODES_PER_HOUR = env.int("LECTERN_JOIN_WRONG_CODES_PER_HOUR", default=10)
# More sections than this is almost certainly a mis-read document, not a course.
LECTERN_MAX_SECTIONS = env.int("LECTERN_MAX_SECTIONS", default=1000)
# A pasted document travels as a form field: let it reach the importer's own size check
# (which names the problem) instead of Django's generic "request too large".
DATA_UPLOAD_MAX_MEMORY_SIZE = LECTERN_MAX_DOCUMENT_BYTES * 2 + 1024 * 1024
# A long document's admin page lists every lesson (two fields each) and its archive.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Logs go to stderr (gunicorn and systemd collect them), each record with the id of the
# request it belongs to: one JSON object a line for a log pipeline, or readable text.
LOG_FORMAT = env.str("LECTERN_LOG_FORMAT", default="json" if PRODUCTION else "text")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LECTERN_LOG_FORMAT must be 'json' or 'text'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "config.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}


# Cache: shared by every worker process (login throttles count across them). Redis when
# REDIS_URL is set; otherwise a database table (created by a migration), which works
# with SQLite and PostgreSQL alike.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lectern",
        }
    }
    # Sessions are read from Redis and written through to the database: a request skips
    # the session query, and a Redis restart (or eviction) logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "lectern_cache",
        }
    }

# API v1: JSON only, a token per device (django-rest-knox), explicit pagination.
KNOX_TOKEN_MODEL = "accounts.DeviceToken"
# knox's own migrations would create its default token table even though the model is
# swapped for accounts.DeviceToken; an unused table that references users, so skip them.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("LECTERN_API_TOKEN_DAYS", default=90)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
REST_FRAMEWORK = {
    # knox's token check, refusing malformed tokens with a 401 (knox alone answers 500).
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.DeviceTokenAuthentication"],
    # Proxies in front of the app: the login throttle counts the client address they pass.
    "NUM_PROXIES": env.int("LECTERN_PROXIES", default=0) or None,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's JSON parser, answering 400 (not 500) to JSON nested too deep to parse.
    "DEFAULT_PARSER_CLASSES": ["quizzes.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's page numbers, refusing "?page=" and "?page=last" instead of guessing.
    "DEFAULT_PAGINATION_CLASS": "quizzes.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "login_ip": env("LECTERN_LOGIN_RATE_PER_IP", default="30/min"),
        "login_username": env("LECTERN_LOGIN_RATE_PER_USERNAME", default="10/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lectern API",
    "DESCRIPTION": "Content, offline sync and graded quizzes for the Lectern mobile app.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    # No "valid spec" badge fetched from swagger.io: nothing leaves the site (and the
    # Content Security Policy would refuse the image).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
