"""Settings for the city data platform, read from the environment (see README and CONTRACT §1)."""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy

from .env import database_from_url, env_bool, env_int, env_list, env_str, load_dev_env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
# What `make run` serves with, for manage.py typed in another terminal (see env.load_dev_env).
load_dev_env(Path(env_str("DEV_ENV_FILE") or VAR_DIR / "dev.env"))

# --- Core -------------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", default=False)
# Demo mode allows `seed_demo` and its well-known demo passwords, and the conveniences of a
# machine of one's own (a generated secret key, plain http on localhost, mail to the console);
# never on in production. `make run` serves the demo with DEBUG off, as users will see it.
DEMO_MODE = env_bool("DEMO_MODE", default=DEBUG)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not (DEBUG or DEMO_MODE):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # A development key that survives restarts, so sessions stay valid under `make run`.
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(get_random_string(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
PLATFORM_DOMAIN = env_str("PLATFORM_DOMAIN", "localhost")
ALLOWED_HOSTS = [PLATFORM_DOMAIN, f".{PLATFORM_DOMAIN}", *env_list("ALLOWED_HOSTS", [])]
if DEBUG or DEMO_MODE:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", ".localhost"]

# --- Applications -----------------------------------------------------------------------------
# Apps in both lists get tables in `public` and in every municipality's schema: each municipality
# has its own users, sessions and login-attempt records, and platform-team users live in public.
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "accounts",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.gis",
    "leaflet",
    "django_htmx",
    "axes",
    "national",  # national indicator snapshots: public schema only
    "ninja",  # serves the API docs' Swagger UI from static files, not a CDN
    "api",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "accounts",
    "axes",
    "communities",  # the register of communities, before the domains that point at it
    "infrastructure",
    "smarthealth",
    "ltc",  # long-term care (after smarthealth: it chains onto the 43-file import)
    "imports",
    "dashboards",
    "opendata",  # open-data publishing (after dashboards: it reads their aggregates)
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Municipality"
# SET search_path once per connection and schema switch, not before every cursor: it halves the
# round trips of a page. Safe with the pool: django-tenants forgets the path on close (a pooled
# connection is handed back), on rollback and on every set_tenant / set_schema.
TENANT_LIMIT_SET_CALLS = True
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "cityplatform.urls_public"
ROOT_URLCONF = "cityplatform.urls_tenant"
# Seconds a process keeps a host → municipality lookup (tenants.middleware).
TENANT_CACHE_SECONDS = env_int("TENANT_CACHE_SECONDS", 30)

MIDDLEWARE = [
    "tenants.middleware.HealthzMiddleware",
    # Before anything reads the body or the database: 413 / 400 for requests we will not read,
    # 503 for a database outage, every error in the shape of its area (API, Open311, pages).
    "cityplatform.request_guard.RequestGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.middleware.CachedTenantMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cityplatform.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cityplatform.upload_gate.ImportUploadGateMiddleware",  # before CSRF, which reads the upload
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tenants.middleware_modules.ModuleGateMiddleware",  # after tenant + auth: 404 for switched-off modules
    "django.contrib.messages.middleware.MessageMiddleware",
    # After auth + messages: signs out after SESSION_IDLE_TIMEOUT idle / SESSION_COOKIE_AGE total.
    "accounts.middleware.SessionLimitsMiddleware",
    # Cache-Control: no-store on every view that shows personal data (kernel/personal.py).
    "kernel.personal.PersonalDataNoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

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
                "tenants.context_processors.municipality",
                "tenants.context_processors.theme",
                "accounts.context_processors.navigation",
            ],
            "builtins": ["cityplatform.templatetags.thai"],
        },
    }
]

WSGI_APPLICATION = "cityplatform.wsgi.application"

# --- Database ---------------------------------------------------------------------------------
# psycopg 3 with Django's own pool. Never PgBouncer in transaction mode: django-tenants sets
# search_path per session, and transaction pooling would hand one tenant's path to another.
_db = database_from_url(
    env_str("DATABASE_URL", "postgres://city:city@127.0.0.1:5433/cityplatform")
)
DATABASES = {
    "default": {
        # django-tenants' backend, recycling a connection that has served many schemas.
        "ENGINE": "kernel.db_backend",
        **_db,
        "CONN_MAX_AGE": 0,
        "OPTIONS": (
            # Django adds `check=ConnectionPool.check_connection` itself: a pooled connection is
            # tested as it is handed out, so after a PostgreSQL restart a dead one is replaced.
            # max_lifetime (psycopg_pool's default is an hour) bounds by age what
            # DB_CONNECTION_MAX_SCHEMAS bounds by use: a backend's catalogue caches only grow.
            {"pool": {"min_size": 1, "max_size": env_int("DB_POOL_MAX", 8), "timeout": 10,
                      "max_lifetime": env_int("DB_POOL_MAX_LIFETIME", 600)}}
            if env_bool("DB_POOL", default=True)
            else {}
        ),
    }
}
# On a Citus cluster (CITUS=1, DATABASE_URL = the coordinator): every session creates schemas as
# distributed schemas, one shard group per municipality (tenants/citus.py, README "Past one server").
CITUS = env_bool("CITUS", default=False)
if CITUS:
    from tenants.citus import SESSION_OPTIONS

    DATABASES["default"]["OPTIONS"]["options"] = SESSION_OPTIONS
# A connection that has worked in this many schemas is replaced by a fresh one when handed back
# (kernel/db_backend): each schema it touches adds its tables to the backend's memory for good.
DB_CONNECTION_MAX_SCHEMAS = env_int("DB_CONNECTION_MAX_SCHEMAS", 50)
ORIGINAL_BACKEND = "django.contrib.gis.db.backends.postgis"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"  # SCALE.md rule 4

# --- Redis, cache and Celery ------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6380/0")
CACHES = {
    "default": {
        # Redis down is a slower site, not a broken one: the cache falls back to process memory
        # (kernel/cache.py says what that means for rate limits).
        "BACKEND": "kernel.cache.DegradingRedisCache",
        "LOCATION": REDIS_URL,
        # Prefix every key with the schema, so one municipality never reads another's cache.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        # A hung Redis costs a request half a second at most, not the default of waiting forever.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
# Sessions live in PostgreSQL (Django's default engine, said here so nobody moves them): a Redis
# outage or restart must not sign every user out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Bangkok"
CELERY_TASK_TENANT_CACHE_SECONDS = 30
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# An import job may run this long (the task's soft limit); then it ends as failed with the reason.
IMPORT_JOB_TIMEOUT = env_int("IMPORT_JOB_TIMEOUT", 2 * 3600)
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)
# Checked in bounded memory before pandas or calamine reads a file (imports/prechecks.py); a file
# over one is refused as a whole. Columns: far above any dataset's; a line: a long road's WKT.
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
IMPORT_MAX_LINE_BYTES = env_int("IMPORT_MAX_LINE_BYTES", 256 * 1024)
# A parsed GeoJSON document takes about ten times its file's size.
IMPORT_MAX_GEOJSON_BYTES = env_int("IMPORT_MAX_GEOJSON_BYTES", 30 * 1024 * 1024)
# Handing a job to the broker gives up after this long (Redis down): the job stays queued, the
# user is told, and the recovery sweep sends it again.
IMPORT_QUEUE_TIMEOUT = env_int("IMPORT_QUEUE_TIMEOUT", 3)
# Days an import's uploaded file and error report are kept after the job ended (personal data);
# then the daily purge deletes them and keeps the job with its counts.
IMPORT_FILE_RETENTION_DAYS = env_int("IMPORT_FILE_RETENTION_DAYS", 30)
# Import uploads in flight at once per user (cityplatform/upload_gate.py); one more gets 429.
IMPORT_UPLOADS_PER_USER = env_int("IMPORT_UPLOADS_PER_USER", 2)
# Request bodies (cityplatform/request_guard.py checks Content-Length before anything reads the
# body: 413). Any address but the import uploads: five 10 MB attachments of a change request.
REQUEST_MAX_BODY_BYTES = env_int("REQUEST_MAX_BODY_BYTES", 60 * 1024 * 1024)
# Files above 1 MB stream to a temporary file on disk, never whole into memory; form fields and
# JSON bodies (everything but files) may hold 2.5 MB (Django's default, said here), more is 413.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# API requests per token per window (api/auth.py); over it, 429 with Retry-After.
API_RATE_LIMIT = (env_int("API_RATE_LIMIT", 600), env_int("API_RATE_WINDOW", 60))
# How soon the session of a worker that died mid-statement notices and lets its job go.
IMPORT_CLIENT_CHECK_SECONDS = env_int("IMPORT_CLIENT_CHECK_SECONDS", 10)
# Redis hands an unacknowledged message (acks_late) to another worker after this long: it must
# exceed the longest task, or a slow import would be delivered twice while still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": IMPORT_JOB_TIMEOUT + 3600}
# Beat writes its schedule file after every task it sends (Celery's default: every 3 minutes),
# so a beat that crashes and restarts does not send again what it had just sent
# (tests/faults/test_beat_restart.py).
CELERY_BEAT_SYNC_EVERY = 1
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "accounts.tasks.sessions_clear_expired_everywhere",
        "schedule": timedelta(hours=6),
    },
    "purge-old-reporter-contacts": {
        "task": "infrastructure.tasks.service_request_contacts_purge_everywhere",
        "schedule": timedelta(days=1),
    },
    "recover-imports": {
        "task": "imports.tasks.import_jobs_recover_everywhere",
        "schedule": timedelta(minutes=5),
    },
    # Import files and error reports past IMPORT_FILE_RETENTION_DAYS (imports.services).
    "purge-import-files": {
        "task": "imports.tasks.import_files_purge_everywhere",
        "schedule": crontab(hour=3, minute=15),
    },
    "refresh-console-figures": {
        "task": "tenants.tasks.stats_refresh_everywhere",
        "schedule": timedelta(hours=1),
    },
    # Safety net behind the refreshes that edits and imports schedule (dashboards.signals).
    "refresh-dashboards": {
        "task": "dashboards.tasks.dashboard_refresh_everywhere",
        "schedule": timedelta(minutes=30),
    },
    # Nightly national indicator snapshots (national.tasks); CELERY_TIMEZONE is Asia/Bangkok.
    "publish-national-indicators": {
        "task": "national.tasks.national_snapshot_publish_everywhere",
        "schedule": crontab(hour=2, minute=30),
    },
}

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lock an account for 15 minutes after 5 failed logins from one address (brute-force guard).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_VERBOSE = False
# The client address as the rest of the platform reads it (kernel.http.client_ip: REMOTE_ADDR, or
# behind RATE_LIMIT_TRUSTED_PROXIES the entry they appended). Without it axes takes REMOTE_ADDR,
# which behind the TLS proxy is the proxy's for everyone. Axes has one failure limit for all its
# lockout parameters, so failures per address across usernames (password spraying) are counted
# by accounts.views.SignInView with RATE_LIMITS["login-failure"] instead, at a limit an office
# behind one address does not reach.
AXES_CLIENT_IP_CALLABLE = "kernel.http.client_ip"
# A signed-in session ends after SESSION_IDLE_TIMEOUT seconds without a request, and in any case
# SESSION_COOKIE_AGE after signing in (accounts/middleware.py).
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_COOKIE_HTTPONLY = True
# Views whose every response shows personal data: Cache-Control: no-store (kernel/personal.py);
# views elsewhere that show some are marked with @personal_data.
PERSONAL_DATA_VIEW_MODULES = ["smarthealth.views."]

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env_str("MEDIA_ROOT", str(VAR_DIR / "media"))
# Uploaded files go under MEDIA_ROOT/<schema>/ so municipalities never share a folder.
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
# Uploads hold personal data (import files with national IDs, citizens' photos): readable by the
# app's own user only. Nothing is served from MEDIA_URL by another program: views serve every
# file after their own checks, and web and worker run as the same user.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve straight from the app folders when there is no collectstatic (development, tests).
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", default=DEBUG)
WHITENOISE_AUTOREFRESH = DEBUG

# --- Maps -------------------------------------------------------------------------------------
# The base map is a tile service, not a vendored asset; point it at your own tile server offline.
MAP_TILES_URL = env_str("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (13.0, 101.0),
    "DEFAULT_ZOOM": 6,
    "MIN_ZOOM": 5,
    "MAX_ZOOM": 19,
    "TILES": [("OpenStreetMap", MAP_TILES_URL, {
        "attribution": "&copy; OpenStreetMap",
        # Shown on the map by static/js/map-base.js when these tiles fail to load.
        "cityFailedText": gettext_lazy(
            "The base map could not be loaded. The outline and the map's own data are still shown."),
    })],
    "RESET_VIEW": False,
    # On every Leaflet page: the notice when base tiles fail, the municipality's outline, popups
    # that open on a tap (static/js/map-base.js, static/css/maps.css).
    "PLUGINS": {
        "city-maps": {"js": ["js/map-base.js"], "css": ["css/maps.css"], "auto-include": True},
        "forms": {"js": ["js/map-base.js"], "css": ["css/maps.css"]},
    },
}

# --- Security ---------------------------------------------------------------------------------
_tile_origin = "/".join(MAP_TILES_URL.split("/")[:3]) if "://" in MAP_TILES_URL else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # No inline script without the per-request nonce (django-leaflet's map tag carries it).
        "script-src": [SELF, NONCE],
        # Leaflet and the theme's CSS custom properties set inline styles.
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *([_tile_origin] if _tile_origin else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The offline visits' service worker (/sw.js) and the app manifest, from this site only.
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
# How many reverse proxies in front of the app append to X-Forwarded-For; the citizens' report
# page rate-limits by client address, which behind a proxy is only in that header.
RATE_LIMIT_TRUSTED_PROXIES = env_int("RATE_LIMIT_TRUSTED_PROXIES", 0)
# Fixed-window limits (kernel/ratelimit.py): scope → (hits, window in seconds), per client address
# unless said otherwise. Every scope the code counts must be listed here.
RATE_LIMITS: dict[str, tuple[int, int]] = {
    # Citizens' reports actually created: the municipality's queue is what we protect.
    "report-submit": (env_int("RATE_LIMIT_REPORT_SUBMIT", 5), 10 * 60),
    # Every POST of the report form, valid or not (each may carry an 8 MB photo to check).
    "report-attempt": (env_int("RATE_LIMIT_REPORT_ATTEMPT", 30), 10 * 60),
    # Status look-ups, including unknown codes (slows down guessing tracking codes).
    "report-status": (env_int("RATE_LIMIT_REPORT_STATUS", 60), 10 * 60),
    # The report page asks once per pin move or category change.
    "report-nearby": (env_int("RATE_LIMIT_REPORT_NEARBY", 300), 10 * 60),
    # Open311: public reads and any POST per address; requests created per API token. An
    # integration files for many citizens from one server, hence the larger numbers.
    "open311-read": (env_int("RATE_LIMIT_OPEN311_READ", 600), 10 * 60),
    "open311-post": (env_int("RATE_LIMIT_OPEN311_POST", 600), 10 * 60),
    "open311-submit": (env_int("RATE_LIMIT_OPEN311_SUBMIT", 300), 10 * 60),
    # Failed sign-ins per address, whatever the username (password spraying; axes locks one
    # username at one address after AXES_FAILURE_LIMIT).
    "login-failure": (env_int("RATE_LIMIT_LOGIN_FAILURE", 20), 15 * 60),
    # Failed password changes per signed-in user (counted by user, not by address).
    "password-change": (env_int("RATE_LIMIT_PASSWORD_CHANGE", 5), 15 * 60),
}
# A citizen's pin may lie this far outside the municipality's boundary (GPS drift at the edge,
# a road that is the border); farther is most likely a report for another municipality.
REPORT_MAX_DISTANCE_KM = env_int("REPORT_MAX_DISTANCE_KM", 30)
X_FRAME_OPTIONS = "DENY"
# A form refused by the CSRF check gets a page that says what to do, in the reader's language.
CSRF_FAILURE_VIEW = "cityplatform.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # The demo on localhost speaks plain http: no redirect to https, no HSTS pinned on the
    # developer's browser for localhost, cookies that travel over http.
    _HTTPS = not DEMO_MODE
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=_HTTPS)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365 if _HTTPS else 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=_HTTPS)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=_HTTPS)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=_HTTPS)

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG or DEMO_MODE
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)

# Telling reporters and followers about their request (infrastructure.notify): one backend per
# channel. SMS goes to an HTTP gateway (NOTIFY_SMS_URL) in production and to the console in the
# demo; LINE is the LINE helper's backend, reported as a failed delivery until it is installed.
NOTIFY_BACKENDS = {
    "email": env_str("NOTIFY_EMAIL_BACKEND", "infrastructure.notify.email.EmailBackend"),
    "sms": env_str("NOTIFY_SMS_BACKEND", "infrastructure.notify.console.ConsoleBackend" if DEMO_MODE
                   else "infrastructure.notify.sms.HttpSmsBackend"),
    "line": env_str("NOTIFY_LINE_BACKEND", "infrastructure.notify.line.LineBackend"),
}
NOTIFY_SMS_URL = env_str("NOTIFY_SMS_URL", "")
NOTIFY_SMS_TOKEN = env_str("NOTIFY_SMS_TOKEN", "")
NOTIFY_SMS_SENDER = env_str("NOTIFY_SMS_SENDER", "")
NOTIFY_SMS_TIMEOUT = env_int("NOTIFY_SMS_TIMEOUT", 10)
NOTIFY_LINK_SCHEME = "http" if DEMO_MODE else "https"
# A citizen may say "not fixed yet" once, within this many days of the resolution.
REQUEST_REOPEN_DAYS = env_int("REQUEST_REOPEN_DAYS", 14)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"noreply@{PLATFORM_DOMAIN}")
# Who hears about new change requests (comma list); empty: every active console user's e-mail.
PLATFORM_TEAM_EMAILS = env_list("PLATFORM_TEAM_EMAILS", [])

# --- Checks and logging -----------------------------------------------------------------------
# gis.W001 warns that Debian 12's GDAL 3.6 is older than Django 5.2 tests against (3.9); the
# GDAL calls GeoDjango makes here work on 3.6, and Debian ships no newer one.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Request bodies and query parameters may carry personal data: keep Django's request logger
    # to status lines only.
    "loggers": {"django.request": {"level": "ERROR"}, "axes": {"level": "WARNING"}},
}

# --- LINE Official Accounts (infrastructure.line) ------------------------------------------------
# Each municipality enters its own channel secret and token (settings page "LINE Official
# Account"). LINE_API_HOST replaces LINE's API hosts (api.line.me, api-data.line.me): only the
# tests set it, to a local stand-in for LINE.
LINE_API_HOST = env_str("LINE_API_HOST", "") or None
# A report in progress in the chat (state and photo) is forgotten after this many seconds.
LINE_CONVERSATION_SECONDS = env_int("LINE_CONVERSATION_SECONDS", 60 * 60)
# Event ids remembered against replays: longer than LINE's redelivery period.
LINE_EVENT_SEEN_SECONDS = env_int("LINE_EVENT_SEEN_SECONDS", 7 * 24 * 60 * 60)

# --- Personal data (PDPA) ---------------------------------------------------------------------
# Keys for national IDs (smarthealth/crypto.py): PDPA_ENCRYPTION_KEYS is a comma list of Fernet
# keys, the first encrypts and all decrypt (rotation); PDPA_HASH_KEY keys the HMAC used to look
# IDs up. Generate a Fernet key with
#   python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"


def _pdpa_keys() -> tuple[list[str], str]:
    import base64

    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    encryption_keys = env_list("PDPA_ENCRYPTION_KEYS", [])
    hash_key = env_str("PDPA_HASH_KEY") or ""
    if not (encryption_keys and hash_key):
        if not (DEBUG or DEMO_MODE):
            raise ImproperlyConfigured(
                "PDPA_ENCRYPTION_KEYS and PDPA_HASH_KEY must be set when DEBUG is off."
            )

        # Development and demo data are synthetic: keys derived from SECRET_KEY (which persists
        # in var/ under `make run`) keep seeded IDs decryptable across restarts without one more
        # secret to manage. Production must set its own keys, independent of SECRET_KEY.
        def derive(purpose: bytes) -> bytes:
            return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                        info=b"cityplatform-pdpa-" + purpose).derive(SECRET_KEY.encode())

        encryption_keys = encryption_keys or [base64.urlsafe_b64encode(derive(b"fernet")).decode()]
        hash_key = hash_key or derive(b"hmac").hex()
    for key in encryption_keys:
        try:
            Fernet(key)
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                "PDPA_ENCRYPTION_KEYS holds a value that is not a Fernet key."
            ) from exc
    return encryption_keys, hash_key


PDPA_ENCRYPTION_KEYS, PDPA_HASH_KEY = _pdpa_keys()
