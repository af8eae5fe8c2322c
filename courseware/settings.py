"""
Settings for the Courseware site, in one module.

Environment variables decide everything that differs between a laptop and
production. Django's own settings use the ``DJANGO_`` prefix, the project's
use ``COURSEWARE_``. With no variables set, the site runs in debug mode on
an embedded SQLite database, which is what the README's first command uses.
"""

import os
from pathlib import Path

import dj_database_url

from exercises_browser import static_headers

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


DEBUG = env_bool("DJANGO_DEBUG", True)

# A fixed key is only acceptable for local debugging; production must set one.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off."
        )
    SECRET_KEY = "insecure-development-key-only-for-local-debugging-0123456789"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "markdownx",
    "axes",
    "courseware",
    "lessons",
    "exercises",
    # The sandbox plumbing (registry, tenancy, embedding), then one line per demo.
    "sandbox_apps",
    "sandbox_apps.session_counter",
    "sandbox_apps.ninja_gold",
    "sandbox_apps.disappearing_ninjas",
    "sandbox_apps.email_validation",
    "sandbox_apps.login_registration",
    "exercises_browser",
]

MIDDLEWARE = [
    # First: answers kept reader pages before any other work (pagecache.py).
    "courseware.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, which answers static files (already compressed)
    # before this runs. Compresses every other answer, sandbox fragments
    # included, so a site without a compressing proxy still sends them small.
    # Why that does not open the BREACH attack (guessing a secret in an
    # encrypted page by making the victim's browser ask for it again and
    # again with guesses reflected next to it, and watching the size):
    # - the CSRF token in forms is masked anew in every answer, so it never
    #   repeats and a guess cannot compress against it;
    # - Django's gzip adds "Heal The Breach" random padding to every answer,
    #   so each size measurement needs many more requests;
    # - the session cookie is never in a body, and password hashes and the
    #   sandbox's token are left out of the inspector's view of the session;
    # - what else a fragment shows (the name a visitor typed into the
    #   registration demo, their gold) is only practice data they typed into
    #   their own sandbox. The inspector does echo a GET's query string, but
    #   for another site to put guesses next to that data its requests must
    #   carry the visitor's cookies: they are SameSite=Lax and every sandbox
    #   change is a CSRF-checked POST, so only a top-level navigation would,
    #   one visible page load per guess, times the padding's many tries.
    "courseware.compression.CompressionMiddleware",
    "courseware.csp.CSPMiddleware",
    # Must come before SessionMiddleware: it wraps the session's load and save.
    "sandbox_apps.middleware.SessionWriteLockMiddleware",
    # Django's, without re-sending an unchanged session cookie (courseware/sessions.py).
    "courseware.sessions.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After AuthenticationMiddleware: answers a locked-out admin login.
    "axes.middleware.AxesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sandbox_apps.middleware.SandboxMiddleware",
    # A demo POST retried after a lost answer is applied once (idempotency.py).
    "sandbox_apps.idempotency.IdempotencyMiddleware",
    # Last, so inside SessionMiddleware: it sees the session before and after each sandbox view.
    "sandbox_apps.inspector.middleware.InspectorMiddleware",
]

ROOT_URLCONF = "courseware.urls"
WSGI_APPLICATION = "courseware.wsgi.application"

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
                "sandbox_apps.context_processors.current_demo",
            ],
        },
    },
    {
        # The inspector's panel only (sandbox_apps/inspector/panel.py). Every
        # demo click renders it, and Django's template language took 0.85 ms
        # to render a POST and its redirect: more than the demo's own view.
        # Jinja2 compiles templates to Python functions and renders the same
        # panel in about a quarter of that. Sandbox apps keep Django's
        # templates: those are what the course teaches.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "inspector",
        "DIRS": [BASE_DIR / "sandbox_apps" / "inspector" / "jinja2"],
        "APP_DIRS": False,
    },
]

# --- Database -------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=60, conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            # Each worker keeps its connection: opening one runs the PRAGMAs
            # below, and closing the last one checkpoints the WAL to disk;
            # per request, the two cost a sandbox click more than its view.
            "CONN_MAX_AGE": None,
            "NAME": os.environ.get(
                "COURSEWARE_SQLITE_PATH", str(BASE_DIR / "db.sqlite3")
            ),
            "OPTIONS": {
                # IMMEDIATE takes the write lock when a transaction starts, so two
                # writers queue behind each other instead of failing with
                # "database is locked" half-way through.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # WAL lets readers keep reading while one writer writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Tests use a file too, not Django's default in-memory database:
            # the live server's threads then get their own connections and
            # real locking, as in production, so concurrency tests mean something.
            "TEST": {
                "NAME": os.environ.get(
                    "COURSEWARE_SQLITE_TEST_PATH", str(BASE_DIR / "db.sqlite3-tests")
                )
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------

# Redis is a cache and only a cache: the database is the one copy of
# everything a visitor owns. So sessions stay in the database with or
# without Redis ("db", not "cached_db"): a Redis restarted from an old
# snapshot could otherwise hand back a game as it was minutes ago, and the
# next click would write that over the database copy. Reading a session is
# one primary-key lookup, which is all a cached copy could have saved.
# courseware.sessions is Django's "db" engine, reading and writing those
# rows with plain SQL instead of the ORM (it says why).
SESSION_ENGINE = "courseware.sessions"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_SAMESITE = "Lax"

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            # Falls back to process memory when Redis is down or hangs
            # (courseware/cache.py), so Redis never takes a page down.
            "BACKEND": "courseware.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                # A healthy Redis on the local network answers in well under
                # a millisecond; waiting longer only holds a worker hostage.
                "socket_connect_timeout": float(
                    os.environ.get("COURSEWARE_REDIS_TIMEOUT", "0.25")
                ),
                "socket_timeout": float(
                    os.environ.get("COURSEWARE_REDIS_TIMEOUT", "0.25")
                ),
                "fallback_pause": 5.0,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        },
    }

# Whole reader pages kept in each worker's memory (courseware/pagecache.py),
# at most this many megabytes per worker; the least recently used go first.
COURSEWARE_PAGE_CACHE_MB = env_int("COURSEWARE_PAGE_CACHE_MB", 24)
# How many lesson pages each gunicorn worker renders before taking traffic
# (deploy/gunicorn.conf.py); the course home is always one of them.
COURSEWARE_WARM_PAGES = env_int("COURSEWARE_WARM_PAGES", 20)

# --- Passwords (the login sandbox uses Django's hashers, Argon2 first) -----

PASSWORD_HASHERS = [
    # Argon2id at OWASP's minimum cost (m=19 MiB, t=2, p=1), not Django's
    # default of 100 MiB and 8 lanes: every sandbox login hashes once, on a
    # public form, and at 100 MiB a handful of logins at once could take a
    # small server's memory. 19 MiB with 2 passes is still what OWASP
    # recommends against offline cracking. See courseware/hashers.py.
    "courseware.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Used by the admin's password forms and by the login sandbox's registration.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Who is asking: the client address, and login throttles ---------------

# How many proxies you run in front of the app servers, each adding the
# address it received from to X-Forwarded-For (nginx:
# proxy_add_x_forwarded_for). 0 (the default) trusts no header and uses the
# socket's address, which is right when browsers connect to Django directly.
# With 1 (one nginx in front), the client is the last address in the header:
# anything before it was written by the client itself and could be forged.
# See courseware/client.py.
COURSEWARE_TRUSTED_PROXIES = env_int("COURSEWARE_TRUSTED_PROXIES", 0)

# The login sandbox refuses a login form, before hashing anything, after this
# many failures in the window: per sandbox (a visitor's own demo), and per
# client address (a script that makes a new sandbox for every try).
COURSEWARE_LOGIN_FAILURES_PER_SANDBOX = env_int(
    "COURSEWARE_LOGIN_FAILURES_PER_SANDBOX", 5
)
COURSEWARE_LOGIN_FAILURES_PER_ADDRESS = env_int(
    "COURSEWARE_LOGIN_FAILURES_PER_ADDRESS", 20
)
# Registrations hash a password too: at most this many per address in the window.
COURSEWARE_REGISTRATIONS_PER_ADDRESS = env_int(
    "COURSEWARE_REGISTRATIONS_PER_ADDRESS", 20
)
COURSEWARE_LOGIN_WINDOW_MINUTES = env_int("COURSEWARE_LOGIN_WINDOW_MINUTES", 5)

# The admin's login is throttled by django-axes: after 5 failures for one
# username from one address, that pair is locked out for an hour.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("COURSEWARE_ADMIN_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "courseware.client.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin_locked_out.html"
AXES_VERBOSE = False

# --- Per-session lock (sandbox_apps/session_lock.py) ----------------------

# One visitor's demo requests take turns: one runs, at most
# COURSEWARE_SESSION_LOCK_WAITERS wait (across every worker and app server),
# and any further one is refused at once with a 429 "try again". A waiting
# request holds a worker, so a visitor can hold 1 + WAITERS workers at most;
# a page sends one demo request at a time (demos.js), so the waiter slot
# is for the visitor's other tab.
#
# The wait only bounds how long a visitor's second request waits for their
# first. It waits for one request: a click takes tens of milliseconds, a
# login's Argon2 hash took 135 ms (p50) and 296 ms (slowest of 15) at a
# load average of 33 on this project's 2-core machine. Two seconds leave
# room for the rest of the request and a busier machine still;
# waiting longer would keep a worker for a request that is late anyway.
COURSEWARE_SESSION_LOCK_WAIT = float(
    os.environ.get("COURSEWARE_SESSION_LOCK_WAIT", "2")
)
COURSEWARE_SESSION_LOCK_WAITERS = env_int("COURSEWARE_SESSION_LOCK_WAITERS", 1)

# --- Internationalisation -------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("COURSEWARE_TIME_ZONE", "UTC")
# The course is written in English only and nothing is translated. With
# translation on, Django still looks up the active language in a
# per-request local again and again: three times in every reverse() (a demo
# click's redirect) and throughout template rendering. Django documents this
# switch as the way to skip that work on a site that translates nothing.
USE_I18N = False
USE_TZ = True

# --- Static and media files -----------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(
    os.environ.get("COURSEWARE_STATIC_ROOT", str(BASE_DIR / "staticfiles"))
)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("COURSEWARE_MEDIA_ROOT", str(BASE_DIR / "media")))

# Uploaded lesson images: a local folder by default; with several app
# servers, an S3-compatible bucket every server sees (courseware/media.py).
# Credentials come from boto3's usual places (AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or the machine's role), never from this file.
COURSEWARE_MEDIA_BUCKET = os.environ.get("COURSEWARE_MEDIA_BUCKET", "").strip()
if COURSEWARE_MEDIA_BUCKET:
    MEDIA_STORAGE = {
        "BACKEND": "courseware.media_s3.MediaStorage",
        "OPTIONS": {
            "bucket_name": COURSEWARE_MEDIA_BUCKET,
            # Empty for AWS; e.g. http://minio.internal:9000 for MinIO.
            "endpoint_url": os.environ.get("COURSEWARE_MEDIA_ENDPOINT_URL") or None,
            "region_name": os.environ.get("COURSEWARE_MEDIA_REGION") or None,
            "location": os.environ.get("COURSEWARE_MEDIA_PREFIX", ""),
            # Objects stay private: the site reads and serves them.
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "courseware.storage.StaticFilesStorage"
        )
    },
}

# The exercises' runtime (Pyodide, Django for the browser) sits in folders
# named after its version: cache those files for a year.
WHITENOISE_ADD_HEADERS_FUNCTION = static_headers.add_headers

# --- Request limits: a public form should never be able to eat the server --

DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB, Django's default, stated on purpose.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Security -------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "sandbox_apps.views.csrf_failure"
# htmx sends the token read from this cookie (static/js/csrf.js), so the cookie
# must stay readable by JavaScript; it is not a secret from the page itself.
CSRF_COOKIE_HTTPONLY = False
CSRF_COOKIE_SAMESITE = "Lax"

# A monitor or the rollout's curl asks an app server directly, over plain
# HTTP: redirected, it would get a 301 that says nothing about the database
# (and curl -f counts that as a success).
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
        "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True
    )
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)

# No inline script anywhere: 'self' is enough for htmx and the site's own
# scripts, so lesson pages carry no per-visitor nonce and can be cached whole.
# A page that ever needs an inline script would read request.csp_nonce in its
# view (django-csp then adds it to the header) and pass it to the template as
# csp_nonce, the name {% htmx_script %} reads.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Markdown editing in the admin ----------------------------------------

MARKDOWNX_MARKDOWNIFY_FUNCTION = "lessons.rendering.preview_html"
MARKDOWNX_URLS_PATH = "/admin-tools/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/admin-tools/markdownx/upload/"
MARKDOWNX_UPLOAD_MAX_SIZE = 2 * 1024 * 1024
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/png", "image/jpeg", "image/webp"]
MARKDOWNX_MEDIA_PATH = "lesson-images/"

# --- Project settings -----------------------------------------------------

COURSEWARE_CONTENT_DIR = Path(
    os.environ.get("COURSEWARE_CONTENT_DIR", str(BASE_DIR / "content"))
)
# The largest lesson body accepted, in characters, and the CPU time rendering
# it may take (CPU, not wall time, so a busy server gives the same verdict;
# 0 renders in the process itself, without limits). See bench/render.py.
COURSEWARE_MAX_LESSON_CHARS = env_int("COURSEWARE_MAX_LESSON_CHARS", 40_000)
COURSEWARE_RENDER_CPU_SECONDS = float(
    os.environ.get("COURSEWARE_RENDER_CPU_SECONDS", "1")
)
# Sandboxes idle for longer than this many days are removed by purge_sandboxes.
COURSEWARE_SANDBOX_MAX_IDLE_DAYS = env_int("COURSEWARE_SANDBOX_MAX_IDLE_DAYS", 7)
# The inspector panel beside each demo (off only to measure what it costs).
COURSEWARE_INSPECTOR = env_bool("COURSEWARE_INSPECTOR", True)

# Mounts /bench/hello/, the baseline view for bench/run.py. Never set in production.
COURSEWARE_BENCH = env_bool("COURSEWARE_BENCH", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("COURSEWARE_LOG_LEVEL", "INFO"),
    },
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
