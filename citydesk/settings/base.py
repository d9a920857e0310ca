"""Settings for citydesk. Every value comes from the environment, with safe embedded defaults."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no setting from the environment."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated setting from the environment."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("CITYDESK_DEBUG", False)
# The embedded default is for one machine; production must set its own key.
SECRET_KEY = os.environ.get("CITYDESK_SECRET_KEY", "citydesk-embedded-insecure-key-change-me")
ALLOWED_HOSTS = env_list("CITYDESK_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CITYDESK_CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000")

INSTALLED_APPS = [
    "citydesk.core",
    "citydesk.newsroom",
    "citydesk.desk",
    "citydesk.intake",
    "citydesk.channels",
    "citydesk.scorecards",
    "citydesk.network",
    "citydesk.community",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
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
]

ROOT_URLCONF = "citydesk.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "citydesk.newsroom.context_processors.site_navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "citydesk.wsgi.application"

# SQLite by default (one file, the embedded mode); DATABASE_URL selects PostgreSQL in production,
# e.g. postgres://citydesk:secret@db.internal:5432/citydesk (dj-database-url parses it).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("CITYDESK_SQLITE_PATH", str(BASE_DIR / "citydesk.sqlite3")),
            # The web server and the job worker share one file: wait for the other writer.
            # WAL: readers never wait for the writer, and a commit is one append (synchronous=NORMAL is
            # durable against a process crash; a power cut may lose the last commits, not corrupt).
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
ON_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English second, for the public site and the admin.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# citydesk's own strings first, then its Vietnamese catalogue for the Wagtail admin (which overrides and
# completes the one Wagtail ships; see docs/translation.md).
LOCALE_PATHS = [PROJECT_DIR / "locale", PROJECT_DIR / "locale_wagtail"]
TIME_ZONE = os.environ.get("CITYDESK_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = False

STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("CITYDESK_STATIC_ROOT", BASE_DIR / "var" / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("CITYDESK_MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
# Uploaded images are served by the same process in embedded mode; a front web server does it
# in production (CITYDESK_SERVE_MEDIA=0).
SERVE_MEDIA = env_bool("CITYDESK_SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Files readers send to the desk (report images): outside MEDIA_ROOT, served only to desk staff.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("CITYDESK_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private"))},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One job API everywhere (django-tasks). Embedded mode: a database queue and one `db_worker`.
TASKS = {"default": {"BACKEND": os.environ.get("CITYDESK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

WAGTAIL_SITE_NAME = os.environ.get("CITYDESK_SITE_NAME", "Cổng thông tin thành phố")
WAGTAILADMIN_BASE_URL = os.environ.get("CITYDESK_BASE_URL", "http://127.0.0.1:8000")
# The index holds diacritics-folded text (core.search); on PostgreSQL the "simple" configuration
# keeps every folded syllable ("an", "to", "me" are Vietnamese words, not English stop words).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "simple"}}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]
# No request leaves the machine at run time: no update check, no Gravatar avatars (they would also
# tell a third party who uses the admin).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# ASCII slugs ("da-nang", not "đà-nẵng"): readable when shared and typed on any keyboard.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGIN_URL = "wagtailadmin_login"

# Claim matching on arrival (citydesk.desk.matcher): join automatically at or above JOIN, suggest to
# the desk at or above SUGGEST; never join texts under MIN_WORDS words or claims idle for WINDOW_DAYS.
CITYDESK_MATCHING = env_bool("CITYDESK_MATCHING", True)
CITYDESK_MATCH_JOIN = float(os.environ.get("CITYDESK_MATCH_JOIN", "0.9"))
CITYDESK_MATCH_SUGGEST = float(os.environ.get("CITYDESK_MATCH_SUGGEST", "0.5"))
CITYDESK_MATCH_MIN_WORDS = int(os.environ.get("CITYDESK_MATCH_MIN_WORDS", "8"))
CITYDESK_MATCH_WINDOW_DAYS = int(os.environ.get("CITYDESK_MATCH_WINDOW_DAYS", "30"))

# Secrets at rest (platform tokens): Fernet keys, newest first; the first encrypts, all decrypt
# (docs/security-channels.md: rotation). CITYDESK_SECRETS_KEY (one key) still works; with neither, a
# key is derived from SECRET_KEY.
CITYDESK_SECRETS_KEYS = env_list("CITYDESK_SECRETS_KEYS", "")
CITYDESK_SECRETS_KEY = os.environ.get("CITYDESK_SECRETS_KEY", "")

# Intake: the tip form and the chat tiplines.
CITYDESK_TIP_MAX_IMAGE_BYTES = 10 * 1024 * 1024
# Pixels decoded for one uploaded image (every public upload path, core/images.py): a few KB of PNG can
# claim 7000×7000; larger JPEGs are decoded at 1/2, 1/4 or 1/8 scale instead of refused.
CITYDESK_IMAGE_MAX_PIXELS = int(os.environ.get("CITYDESK_IMAGE_MAX_PIXELS", "24000000"))
CITYDESK_UPLOAD_RATE_LIMIT = int(os.environ.get("CITYDESK_UPLOAD_RATE_LIMIT", "10"))  # avatars per IP per window
CITYDESK_UPLOAD_RATE_WINDOW = int(os.environ.get("CITYDESK_UPLOAD_RATE_WINDOW", "600"))
CITYDESK_TIP_RATE_LIMIT = int(os.environ.get("CITYDESK_TIP_RATE_LIMIT", "5"))  # tips per IP per window
CITYDESK_TIP_RATE_WINDOW = int(os.environ.get("CITYDESK_TIP_RATE_WINDOW", "600"))
CITYDESK_CHAT_RATE_LIMIT = int(os.environ.get("CITYDESK_CHAT_RATE_LIMIT", "20"))  # messages per chat per window
CITYDESK_CHAT_RATE_WINDOW = int(os.environ.get("CITYDESK_CHAT_RATE_WINDOW", "600"))
# A tipline message is worked on by one worker at a time for this long; past it, the scheduler's sweep
# takes over from the last recorded step (longer than the platform timeouts and an image download).
CITYDESK_TIPLINE_LEASE_SECONDS = int(os.environ.get("CITYDESK_TIPLINE_LEASE_SECONDS", "120"))
CITYDESK_CLIENT_IP_HEADER = os.environ.get("CITYDESK_CLIENT_IP_HEADER", "")  # e.g. HTTP_X_FORWARDED_FOR behind a proxy
CITYDESK_TELEGRAM_BOT_TOKEN = os.environ.get("CITYDESK_TELEGRAM_BOT_TOKEN", "")
CITYDESK_TELEGRAM_WEBHOOK_SECRET = os.environ.get("CITYDESK_TELEGRAM_WEBHOOK_SECRET", "")
CITYDESK_TELEGRAM_API_URL = os.environ.get("CITYDESK_TELEGRAM_API_URL", "https://api.telegram.org")
CITYDESK_ZALO_APP_ID = os.environ.get("CITYDESK_ZALO_APP_ID", "")
CITYDESK_ZALO_APP_SECRET = os.environ.get("CITYDESK_ZALO_APP_SECRET", "")
CITYDESK_ZALO_OA_SECRET_KEY = os.environ.get("CITYDESK_ZALO_OA_SECRET_KEY", "")
# A signed Zalo event older (or further in the future) than this is a replay and refused; the message
# ids that stop re-deliveries are kept far longer (send_pending_answers), so nothing slips between.
CITYDESK_ZALO_EVENT_MAX_AGE_SECONDS = int(os.environ.get("CITYDESK_ZALO_EVENT_MAX_AGE_SECONDS", "600"))
CITYDESK_ZALO_ACCESS_TOKEN = os.environ.get("CITYDESK_ZALO_ACCESS_TOKEN", "")
CITYDESK_ZALO_REFRESH_TOKEN = os.environ.get("CITYDESK_ZALO_REFRESH_TOKEN", "")
CITYDESK_ZALO_API_URL = os.environ.get("CITYDESK_ZALO_API_URL", "https://openapi.zalo.me")
CITYDESK_ZALO_OAUTH_URL = os.environ.get("CITYDESK_ZALO_OAUTH_URL", "https://oauth.zaloapp.com")
# The platforms' API addresses come only from here (tests point them at local fakes): an address kept
# on an account could be changed in the admin to send the stored token elsewhere.
CITYDESK_FACEBOOK_API_URL = os.environ.get("CITYDESK_FACEBOOK_API_URL", "https://graph.facebook.com")
CITYDESK_CHANNEL_TIMEOUT = float(os.environ.get("CITYDESK_CHANNEL_TIMEOUT", "20"))  # seconds per platform call
CITYDESK_CHANNEL_STALE_SECONDS = int(os.environ.get("CITYDESK_CHANNEL_STALE_SECONDS", "600"))  # lost worker
# Tips that arrive while the database does not answer wait here (intake/spool.py).
CITYDESK_SPOOL_DIR = os.environ.get("CITYDESK_SPOOL_DIR", str(BASE_DIR / "var" / "spool"))
CITYDESK_ZALO_MEDIA_HOSTS = env_list("CITYDESK_ZALO_MEDIA_HOSTS", "zdn.vn,zadn.vn,zalo.me,zaloapp.com")
# Downloads of addresses people typed or sent (core/fetch.py): one deadline for the whole download.
CITYDESK_FEED_DEADLINE_SECONDS = float(os.environ.get("CITYDESK_FEED_DEADLINE_SECONDS", "30"))
CITYDESK_TIP_IMAGE_DEADLINE_SECONDS = float(os.environ.get("CITYDESK_TIP_IMAGE_DEADLINE_SECONDS", "15"))
# Ports of 127.0.0.1 that those downloads may reach. Only tests set it (their fake servers); it is not
# read from the environment, so no deployment can open loopback by accident.
CITYDESK_FETCH_ALLOW_LOOPBACK_PORTS: list[int] = []

# Embedded mode writes outgoing mail (review notifications, ...) to files; production sets SMTP.
EMAIL_BACKEND = os.environ.get("CITYDESK_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("CITYDESK_EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("CITYDESK_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("CITYDESK_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("CITYDESK_DEFAULT_FROM_EMAIL", "citydesk@localhost")

# Retention (docs/security-channels.md), purged by the scheduler: mail files in EMAIL_FILE_PATH hold
# tipsters' addresses and sign-in links; invitations never accepted hold an invitee's name and e-mail.
# Used or expired sign-in links and expired sessions are deleted at once.
CITYDESK_MAIL_FILE_DAYS = int(os.environ.get("CITYDESK_MAIL_FILE_DAYS", "7"))
CITYDESK_EXPIRED_INVITATION_DAYS = int(os.environ.get("CITYDESK_EXPIRED_INVITATION_DAYS", "30"))

# Error reports hide every POST field that holds a secret (platform tokens in admin forms).
DEFAULT_EXCEPTION_REPORTER_FILTER = "citydesk.core.errors.SecretsHiddenFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CITYDESK_LOG_LEVEL", "WARNING")},
}

# Contributor network: contributors who chose a daily digest get it at this local hour.
CITYDESK_DIGEST_HOUR = int(os.environ.get("CITYDESK_DIGEST_HOUR", "7"))

# Community: readers' posts are pre-moderated until this many were approved.
CITYDESK_COMMUNITY_TRUST_AFTER = int(os.environ.get("CITYDESK_COMMUNITY_TRUST_AFTER", "3"))
# An optional harassment/hate model an operator trains locally (train_moderation_model); unused if absent.
CITYDESK_MODERATION_MODEL = os.environ.get(
    "CITYDESK_MODERATION_MODEL", str(BASE_DIR / "var" / "moderation" / "vihsd.joblib")
)

# Article read counts (the community digest's "most read") are added up in each web process and
# written at most this often; 0 writes every read at once.
CITYDESK_READ_FLUSH_SECONDS = int(os.environ.get("CITYDESK_READ_FLUSH_SECONDS", "60"))
