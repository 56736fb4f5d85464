"""Settings of the intranet: one module, every knob read from the environment.

The defaults run on a laptop with nothing installed (SQLite, in-memory channel layer, files
under ``var/``, console e-mail). ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and
Redis; ``INTRANET_ENV=production`` turns on every deployment safeguard.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from intranet.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("INTRANET_VAR_DIR", str(BASE_DIR / "var")))

ENVIRONMENT = env_str("INTRANET_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("INTRANET_ENV must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

# Off by default, `make run` included: a missing or refused page shows the site's own 404/403/500
# pages (Django's technical pages list every route, in English, and break the CSP). Errors are
# still logged with their traceback in the console. DEBUG=true brings the technical pages back.
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("Set SECRET_KEY (or SECRET_KEY_FILE) in production.")
    # Development only: a fixed key keeps sessions across restarts of `make run`.
    SECRET_KEY = "django-insecure-development-key-never-used-in-production-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The association's legal name, as it signs its documents (the archive's deposit agreements).
ASSOCIATION_NAME = env_str("ASSOCIATION_NAME", "la Fédération régionale du cinéma et de l'audiovisuel")

INSTALLED_APPS = [
    "daphne",  # first, so that `runserver` serves ASGI (HTTP and WebSockets) too
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the API docs' assets, served from our own server
    "guardian",
    "axes",
    "intranet",
    "intranet.notifications",
    "realtime",
    "forums",
    "documents",
    "viewflow.workflow",  # the process engine only; its Material frontend is not used
    "workflows",
    "workflows.archives",  # the film and photo archive's deposits and catalogue
    "workflows.meetings",  # board meetings: convocation, agenda, attendance and proxies
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "intranet.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session is read: the database down is a short 503 page, not a 500.
    "intranet.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "intranet.middleware.RolesReadOnceMiddleware",
    # A signed-in person's answers (pages, API, downloads) are kept by no cache.
    "intranet.middleware.PrivateAnswersMiddleware",
    # Every page needs a login unless its view says otherwise (login, password reset, invitations).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "intranet.middleware.LanguageMiddleware",
    # Inside the language's: a form's address opened as a page gets the site's page, in its language.
    "intranet.middleware.MethodNotAllowedPageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into our page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "intranet.urls"
ASGI_APPLICATION = "intranet.asgi.application"

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
                "intranet.context_processors.navigation",
                "realtime.context_processors.live_socket",
            ],
            # Django's ``date`` filter at a quarter of its cost, in every template.
            "builtins": ["intranet.templatetags.dates"],
        },
    },
]

# --- Data -----------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    # The embedded default: SQLite under var/, which must exist before the first connection.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A page's thread keeps its SQLite connection (pages run on HTTP_THREADS threads): opening
    # one, with its pragmas, for every request cost about 1 ms.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 600)
    # IMMEDIATE transactions take the write lock up front, so concurrent writers wait
    # (busy timeout) instead of failing with "database is locked" halfway through.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests get a file too (not the in-memory default), so that concurrent writers in them wait
    # for the lock as they would in production instead of failing with "table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
# Connections reused across requests on PostgreSQL (Django's psycopg pool): opening one per
# request cost 40-55 ms per page. DB_POOL_SIZE connections at most per process; 0 turns it off.
# The web processes default to one per page thread (intranet/asgi.py); management commands to
# none (the worker's session advisory locks must never go back to a pool).
DB_POOL_SIZE = env_int("DB_POOL_SIZE", 0)
if DB_POOL_SIZE and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them; Django refuses both
    # With CONN_HEALTH_CHECKS (below), Django has the pool check a connection before handing it
    # out: one that died with a server restart is replaced before a request uses it.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(2, DB_POOL_SIZE),
        "max_size": DB_POOL_SIZE,
        # A page thread holds at most one connection, so a wait means PostgreSQL is unreachable
        # or a connection is being opened: fail the page (503) soon rather than hold it.
        "timeout": env_int("DB_POOL_TIMEOUT", 2),
    }
# A connection kept from an earlier request is checked before its first use in the next one (a
# round trip on PostgreSQL, nothing on SQLite): one that died with a restart is replaced.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Threads a process runs pages on (intranet/asgi.py); each holds at most one database connection.
HTTP_THREADS = max(1, env_int("HTTP_THREADS", 8))

REDIS_URL = env_str("REDIS_URL")
# Bursts of sockets exhaust redis-py's default pool of 100 connections (1011 closes).
REDIS_MAX_CONNECTIONS = env_int("REDIS_MAX_CONNECTIONS", 2000)

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "max_connections": REDIS_MAX_CONNECTIONS}],
                "prefix": env_str("CHANNEL_LAYER_PREFIX", "intranet"),
            },
        }
    }
    CACHES = {
        "default": {
            # Django's Redis backend, where an outage is a cache miss instead of a 500.
            "BACKEND": "intranet.cache.OutageTolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "intranet",
            # An unreachable Redis must not hold requests: give up quickly, the cache is optional.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "realtime.layers.ThrottledInMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
SEARCH_INDEX_DIR = Path(env_str("SEARCH_INDEX_DIR", str(VAR_DIR / "index")))
# "whoosh": a local index (one node). "postgres": PostgreSQL full-text search, shared by every
# node (needs DATABASE_URL on PostgreSQL).
SEARCH_BACKEND = env_str("SEARCH_BACKEND", "whoosh")
if SEARCH_BACKEND not in ("whoosh", "postgres"):
    raise ImproperlyConfigured('SEARCH_BACKEND is "whoosh" or "postgres".')

# Documents live under generated names in their own folder, never under a static or media URL:
# every download goes through a view that asks the folder policy.
DOCUMENTS_ROOT = Path(env_str("DOCUMENTS_ROOT", str(MEDIA_ROOT / "documents")))
DOCUMENTS_MAX_UPLOAD_BYTES = env_int("DOCUMENTS_MAX_UPLOAD_MB", 200) * 1024 * 1024
# "" (Django sends the file), "x-accel-redirect" (nginx) or "x-sendfile" (Apache, lighttpd):
# the front server then sends the file from DOCUMENTS_SENDFILE_PREFIX + its stored name.
DOCUMENTS_SENDFILE = env_str("DOCUMENTS_SENDFILE", "")
DOCUMENTS_SENDFILE_PREFIX = env_str("DOCUMENTS_SENDFILE_PREFIX", "/protected-documents/")
# Files one person may upload per window, pages and API together: "<count>/<second|minute|hour|day>".
DOCUMENTS_UPLOAD_RATE = env_str("DOCUMENTS_UPLOAD_RATE", "60/hour")
# Text for search is read by the worker (job documents.extract), one file at a time, each in a child
# process limited to this wall-clock (and CPU) time and this address space.
DOCUMENTS_EXTRACTION_SECONDS = env_int("DOCUMENTS_EXTRACTION_SECONDS", 30)
DOCUMENTS_EXTRACTION_MEMORY_MB = env_int("DOCUMENTS_EXTRACTION_MEMORY_MB", 512)
# Fields in one form post: the archive's pre-deposit list takes up to 200 lines of 12 fields at
# once (Django's default, 1,000, refused a list of 83 lines and lost it).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 3000

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production, serve static files straight from the apps: no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# --- People and accounts --------------------------------------------------------------------

AUTH_USER_MODEL = "intranet.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
    # The permissions the proposal process's steps declare, answered by the workflow policy.
    "workflows.backends.ProcessStepBackend",
]
# No anonymous user row: visitors who are not logged in see nothing but the login page.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14)

# Login throttling: 10 failures per 15 minutes, counted per account and per client address.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
# A success must not wipe the failures counted against an address or another account: otherwise
# anyone with an account could guess 9 times, log in as themselves, and guess again.
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "intranet.views.accounts.client_address"
# Behind reverse proxies, how many of them append to X-Forwarded-For (0: use the peer address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_USERNAME_CALLABLE = "intranet.views.accounts.login_attempt_username"
AXES_LOCKOUT_CALLABLE = "intranet.views.accounts.locked_out"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A form sent from an expired page (opened before logging in again): the site's page, not Django's.
CSRF_FAILURE_VIEW = "intranet.views.errors.csrf_failure"

# --- Language and time ----------------------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "intranet" / "locale"]
# One date and one date-time format per language, used everywhere (intranet/formats/<lang>/).
FORMAT_MODULE_PATH = ["intranet.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- E-mail ---------------------------------------------------------------------------------

# The console by default; SMTP as soon as the environment names a mail server (EMAIL_HOST).
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Intranet de la fédération <intranet@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Notifications: the daily digest leaves from this hour (local time); unsubscribe links work
# for this long.
NOTIFICATIONS_DIGEST_HOUR = env_int("NOTIFICATIONS_DIGEST_HOUR", 7)
NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE = env_int("NOTIFICATIONS_UNSUBSCRIBE_DAYS", 90) * 24 * 3600

# --- API -----------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "intranet.api.authentication.TokenAuthentication",
        "intranet.api.authentication.SessionAuthentication",  # with its CSRF check
    ],
    "DEFAULT_PERMISSION_CLASSES": ["intranet.api.base.IsMember"],
    "DEFAULT_THROTTLE_CLASSES": ["intranet.api.throttling.PerTokenOrUserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "member": env_str("API_RATE", "600/minute"),
        "anonymous": env_str("API_ANONYMOUS_RATE", "60/minute"),
    },
    "DEFAULT_PAGINATION_CLASS": "intranet.api.base.Pages",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["intranet.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "intranet.api.errors.api_exception_handler",
    # OPTIONS describes nothing: the OpenAPI schema does, and the metadata class guessed wrong.
    "DEFAULT_METADATA_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_TOKEN_VALID_DAYS = env_int("API_TOKEN_VALID_DAYS", 365)
SPECTACULAR_SETTINGS = {
    "TITLE": "Intranet de la fédération — API",
    "DESCRIPTION": (
        "The members' intranet API: the same rules as the pages. Authenticate with the session "
        "(and its CSRF token) or a personal token created on your profile: "
        "`Authorization: Bearer <token>`. Missing and forbidden objects both answer 404."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "intranet.api.schema.add_common_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "DeliveryEnum": "intranet.notifications.kinds.Delivery",
        "VoteResultEnum": "workflows.models.VoteResult",
        "BallotChoiceEnum": "workflows.models.BallotChoice",  # a ballot, online or recorded in the room
        "FondsStatusEnum": "workflows.archives.models.FondsStatus",
        "StatusEnum": "workflows.models.ProposalStatus",  # as before the archive had a status too
    },
    "SERVE_PERMISSIONS": ["intranet.api.base.IsMember"],
    "SERVE_AUTHENTICATION": [
        "intranet.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}

# --- Security -------------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
