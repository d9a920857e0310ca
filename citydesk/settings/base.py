"""Settings for citydesk. Every value comes from the environment, with safe embedded defaults."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from citydesk.core.threads import limit_native_threads
from citydesk.ops.logs import logging_config

# Every process that sets Django up (tests, scripts, other settings modules) gets these too.
limit_native_threads()

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
    "citydesk.staffauth",
    "citydesk.api",
    "citydesk.training",
    "citydesk.ops",
    "citydesk.mailing",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "citydesk.core.apps.CitydeskUsersConfig",  # wagtail.users with citydesk's user admin
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Wagtail's workflow status uses humanize's naturaltime; only an installed app's catalogue is loaded
    # (without it the page editor said "53 seconds ago" in Vietnamese).
    "django.contrib.humanize",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First: a public page served from the cache is answered here, with the headers the chain below
    # gave it when it was rendered, its own request id, access-log line and metrics (newsroom/pagecache.py).
    "citydesk.newsroom.pagecache.PageCacheMiddleware",
    # Then: the request id every log line carries, the access log and the request metrics (citydesk/ops).
    "citydesk.ops.middleware.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # One Content-Security-Policy for the public site, a wider one for the admin (staffauth/csp.py).
    "citydesk.staffauth.csp.PolicyByAreaMiddleware",
    # The tipline webhooks (POST from Telegram, Zalo) skip the rest: it serves people in a browser
    # (intake/middleware.py). Off with CITYDESK_WEBHOOK_SHORT_PATH=0.
    "citydesk.intake.middleware.WebhookShortPathMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A public page not served from the cache: which page its path leads to, remembered per generation.
    "citydesk.newsroom.pagecache.RouteMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Staff who must use a second factor reach no admin page before they set it up and use it.
    "citydesk.staffauth.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a locked-out log-in into the lockout page (django-axes).
    "axes.middleware.AxesMiddleware",
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
            # Each server thread keeps its connection (as on PostgreSQL): opening one (the pragmas
            # above, Django's SQL functions) cost about 1.5 ms, more than a page served from the cache.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
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
# Media on this machine's disk (default) or, with CITYDESK_MEDIA_STORAGE=s3, in an S3-compatible object store
# (django-storages): CITYDESK_S3_BUCKET, _ENDPOINT_URL (MinIO, Ceph, a cloud's S3), _REGION, _ACCESS_KEY_ID,
# _SECRET_ACCESS_KEY, _CUSTOM_DOMAIN (public address of the bucket, if any). Uploaded media are public; the
# files readers send (report images) stay on disk unless CITYDESK_PRIVATE_STORAGE=s3, then in the same
# bucket under private/ with no public address (read only through citydesk, with signed requests).
CITYDESK_MEDIA_STORAGE = os.environ.get("CITYDESK_MEDIA_STORAGE", "filesystem").strip().lower()
CITYDESK_PRIVATE_STORAGE = os.environ.get("CITYDESK_PRIVATE_STORAGE", "filesystem").strip().lower()
CITYDESK_S3 = {
    "bucket_name": os.environ.get("CITYDESK_S3_BUCKET", ""),
    "endpoint_url": os.environ.get("CITYDESK_S3_ENDPOINT_URL") or None,
    "region_name": os.environ.get("CITYDESK_S3_REGION") or None,
    "access_key": os.environ.get("CITYDESK_S3_ACCESS_KEY_ID") or None,
    "secret_key": os.environ.get("CITYDESK_S3_SECRET_ACCESS_KEY") or None,
    "file_overwrite": False,
    "default_acl": None,  # the bucket's policy decides (docs/production.md): media/ public, private/ not
    "signature_version": "s3v4",
}


def file_storage(kind: str, *, private: bool) -> dict:
    """One STORAGES entry: "filesystem" or "s3"."""
    if kind == "s3":
        options = {**CITYDESK_S3, "location": "private" if private else "media"}
        if private:
            options["querystring_auth"] = True
        else:
            options["querystring_auth"] = False
            options["custom_domain"] = os.environ.get("CITYDESK_S3_CUSTOM_DOMAIN") or None
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    if kind != "filesystem":
        variable = "CITYDESK_PRIVATE_STORAGE" if private else "CITYDESK_MEDIA_STORAGE"
        raise ValueError(f"{variable} must be filesystem or s3, not {kind!r}")
    if private:
        location = os.environ.get("CITYDESK_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private"))
        return {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": location}}
    return {"BACKEND": "django.core.files.storage.FileSystemStorage"}


STORAGES = {
    "default": file_storage(CITYDESK_MEDIA_STORAGE, private=False),
    # Files readers send to the desk (report images): outside MEDIA_ROOT, served only to desk staff.
    "private": file_storage(CITYDESK_PRIVATE_STORAGE, private=True),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if CITYDESK_MEDIA_STORAGE == "s3":
    SERVE_MEDIA = False  # the object store (or its CDN) serves them

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

# Staff log-in (citydesk/staffauth, docs/security.md). django-axes locks a username from one
# client address out after CITYDESK_LOGIN_FAILURE_LIMIT wrong passwords, for CITYDESK_LOGIN_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "citydesk.staffauth.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("CITYDESK_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = int(os.environ.get("CITYDESK_LOGIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "citydesk.core.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "citydesk.staffauth.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False  # django.contrib.admin is not installed; lockouts are cleared with `axes_reset`
AXES_DISABLE_ACCESS_LOG = True  # failed attempts are kept, not a log of every staff log-in
AXES_VERBOSE = False
# A second factor (TOTP, recovery codes) for the roles that can speak for the office or grant rights.
CITYDESK_2FA_REQUIRED = env_bool("CITYDESK_2FA_REQUIRED", True)
OTP_TOTP_ISSUER = os.environ.get("CITYDESK_SITE_NAME", "citydesk")

# The reverse proxy in front of citydesk (docs/security.md): its address as the web process
# sees it (or "*" when nothing but the proxy can reach the port), and how many proxies are chained.
# Unset: no proxy, the socket's peer is the client. `manage.py serve` passes the same to waitress.
CITYDESK_TRUSTED_PROXY = os.environ.get("CITYDESK_TRUSTED_PROXY", "").strip()
CITYDESK_TRUSTED_PROXY_COUNT = int(os.environ.get("CITYDESK_TRUSTED_PROXY_COUNT", "1"))

# Rate limits and lockouts are shared by every process and host: the cache is the database's by
# default, Redis when CITYDESK_CACHE_URL is redis://…; "local" stays in each process (fallbacks
# while the database does not answer).
CITYDESK_CACHE_URL = os.environ.get("CITYDESK_CACHE_URL", "").strip()


def cache_from_url(url: str) -> dict:
    """CACHES["default"] from CITYDESK_CACHE_URL: "" or db://table, redis://…, locmem://."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": url[len("locmem://") :]}
    table = url[len("db://") :] if url.startswith("db://") else "citydesk_cache"
    if url and not url.startswith("db://"):
        raise ValueError(f"CITYDESK_CACHE_URL must start with db://, redis://, rediss:// or locmem://, not {url!r}")
    # Django's default of 300 entries is far too few: each per-chat rate-limit counter is one entry, and
    # past the limit every write deletes a third of the table (cached pages and counters with it).
    return {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": table or "citydesk_cache",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CITYDESK_CACHE_MAX_ENTRIES", "200000"))},
    }


CACHES = {
    "default": cache_from_url(CITYDESK_CACHE_URL),
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "citydesk-local"},
    # Wagtail's image renditions (which file an image tag shows). Wagtail writes the entry on every
    # image it renders, so on the database cache each page view was one write transaction per image.
    # The key holds the image's file hash and focal point, so a changed image is a new key; a deleted
    # rendition leaves another process's copy for at most TIMEOUT seconds.
    "renditions": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "citydesk-renditions",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# Claim matching on arrival (citydesk.desk.matcher): join automatically at or above JOIN, suggest to
# the desk at or above SUGGEST; never join texts under MIN_WORDS words or claims idle for WINDOW_DAYS.
CITYDESK_MATCHING = env_bool("CITYDESK_MATCHING", True)
CITYDESK_MATCH_JOIN = float(os.environ.get("CITYDESK_MATCH_JOIN", "0.9"))
CITYDESK_MATCH_SUGGEST = float(os.environ.get("CITYDESK_MATCH_SUGGEST", "0.5"))
CITYDESK_MATCH_MIN_WORDS = int(os.environ.get("CITYDESK_MATCH_MIN_WORDS", "8"))
CITYDESK_MATCH_WINDOW_DAYS = int(os.environ.get("CITYDESK_MATCH_WINDOW_DAYS", "30"))

# Secrets at rest (platform tokens): Fernet keys, newest first; the first encrypts, all decrypt
# (docs/security.md: rotation). CITYDESK_SECRETS_KEY (one key) still works; with neither, a
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
# Public skills quiz: answers per address per window that count in the public totals (all are marked).
CITYDESK_QUIZ_RATE_LIMIT = int(os.environ.get("CITYDESK_QUIZ_RATE_LIMIT", "20"))
CITYDESK_QUIZ_RATE_WINDOW = int(os.environ.get("CITYDESK_QUIZ_RATE_WINDOW", "3600"))
CITYDESK_CHAT_RATE_LIMIT = int(os.environ.get("CITYDESK_CHAT_RATE_LIMIT", "20"))  # messages per chat per window
CITYDESK_CHAT_RATE_WINDOW = int(os.environ.get("CITYDESK_CHAT_RATE_WINDOW", "600"))
# A tipline message is worked on by one worker at a time for this long; past it, the scheduler's sweep
# takes over from the last recorded step (longer than the platform timeouts and an image download).
CITYDESK_TIPLINE_LEASE_SECONDS = int(os.environ.get("CITYDESK_TIPLINE_LEASE_SECONDS", "120"))
CITYDESK_TELEGRAM_BOT_TOKEN = os.environ.get("CITYDESK_TELEGRAM_BOT_TOKEN", "")
CITYDESK_TELEGRAM_WEBHOOK_SECRET = os.environ.get("CITYDESK_TELEGRAM_WEBHOOK_SECRET", "")
CITYDESK_TELEGRAM_API_URL = os.environ.get("CITYDESK_TELEGRAM_API_URL", "https://api.telegram.org")
# The webhooks' POSTs skip the middleware after the security headers (intake/middleware.py); 0 sends them
# through the whole chain, as before (bench/webhook_cpu.py compares the two).
CITYDESK_WEBHOOK_SHORT_PATH = env_bool("CITYDESK_WEBHOOK_SHORT_PATH", True)
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
# Evidence snapshots (desk/snapshots.py): the raw HTML kept is cut at this size; one deadline per download.
CITYDESK_SNAPSHOT_MAX_BYTES = int(os.environ.get("CITYDESK_SNAPSHOT_MAX_BYTES", str(5 * 1024 * 1024)))
CITYDESK_SNAPSHOT_DEADLINE_SECONDS = float(os.environ.get("CITYDESK_SNAPSHOT_DEADLINE_SECONDS", "30"))
# Also submit each evidence address to a public web archive (off when empty), e.g. https://web.archive.org/save/
CITYDESK_WEB_ARCHIVE_URL = os.environ.get("CITYDESK_WEB_ARCHIVE_URL", "")
# URL shorteners whose links in tips the worker unshortens (through core.fetch) for the scam signals.
CITYDESK_LINK_SHORTENERS = os.environ.get(
    "CITYDESK_LINK_SHORTENERS",
    "bit.ly,tinyurl.com,t.co,goo.gl,is.gd,cutt.ly,rebrand.ly,shorturl.at,tiny.cc,rb.gy,ow.ly,buff.ly,s.id,v.gd",
).split(",")

# Embedded mode writes outgoing mail (review notifications, ...) to files; CITYDESK_EMAIL_HOST switches to
# the city's SMTP server: CITYDESK_EMAIL_PORT, _USER, _PASSWORD, _SECURITY (starttls, ssl or none; starttls
# by default with a user), _TIMEOUT (seconds), and CITYDESK_DEFAULT_FROM_EMAIL as the sender.
CITYDESK_EMAIL_HOST = os.environ.get("CITYDESK_EMAIL_HOST", "").strip()
EMAIL_BACKEND = os.environ.get(
    "CITYDESK_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if CITYDESK_EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("CITYDESK_EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = CITYDESK_EMAIL_HOST or "localhost"
EMAIL_HOST_USER = os.environ.get("CITYDESK_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CITYDESK_EMAIL_PASSWORD", "")
CITYDESK_EMAIL_SECURITY = os.environ.get("CITYDESK_EMAIL_SECURITY", "starttls" if EMAIL_HOST_USER else "none")
CITYDESK_EMAIL_SECURITY = CITYDESK_EMAIL_SECURITY.strip().lower()
if CITYDESK_EMAIL_SECURITY not in {"starttls", "ssl", "none"}:
    raise ValueError(f"CITYDESK_EMAIL_SECURITY must be starttls, ssl or none, not {CITYDESK_EMAIL_SECURITY!r}")
EMAIL_USE_TLS = CITYDESK_EMAIL_SECURITY == "starttls"
EMAIL_USE_SSL = CITYDESK_EMAIL_SECURITY == "ssl"
EMAIL_PORT = int(
    os.environ.get("CITYDESK_EMAIL_PORT", {"starttls": "587", "ssl": "465"}.get(CITYDESK_EMAIL_SECURITY, "25"))
)
EMAIL_TIMEOUT = float(os.environ.get("CITYDESK_EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("CITYDESK_DEFAULT_FROM_EMAIL", "citydesk@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Retention (docs/security.md), purged by the scheduler: mail files in EMAIL_FILE_PATH hold
# tipsters' addresses and sign-in links; invitations never accepted hold an invitee's name and e-mail.
# Used or expired sign-in links and expired sessions are deleted at once.
CITYDESK_MAIL_FILE_DAYS = int(os.environ.get("CITYDESK_MAIL_FILE_DAYS", "7"))
CITYDESK_EXPIRED_INVITATION_DAYS = int(os.environ.get("CITYDESK_EXPIRED_INVITATION_DAYS", "30"))

# Error reports hide every POST field that holds a secret (platform tokens in admin forms).
DEFAULT_EXCEPTION_REPORTER_FILTER = "citydesk.core.errors.SecretsHiddenFilter"

# Logs (citydesk/ops/logs.py): time, level, logger, request id and message, as text or one JSON object per
# line (CITYDESK_LOG_FORMAT=json); an access line per request unless CITYDESK_ACCESS_LOG=0, with the client's
# address only when CITYDESK_ACCESS_LOG_CLIENT_IP=1. Web, worker and scheduler log the same way.
CITYDESK_LOG_FORMAT = os.environ.get("CITYDESK_LOG_FORMAT", "text").strip().lower()
CITYDESK_ACCESS_LOG = env_bool("CITYDESK_ACCESS_LOG", True)
CITYDESK_ACCESS_LOG_CLIENT_IP = env_bool("CITYDESK_ACCESS_LOG_CLIENT_IP", False)
LOGGING = logging_config(
    log_format=CITYDESK_LOG_FORMAT,
    level=os.environ.get("CITYDESK_LOG_LEVEL", "WARNING"),
    access_log=CITYDESK_ACCESS_LOG,
)

# Contributor network: contributors who chose a daily digest get it at this local hour.
CITYDESK_DIGEST_HOUR = int(os.environ.get("CITYDESK_DIGEST_HOUR", "7"))

# Community: readers' posts are pre-moderated until this many were approved.
CITYDESK_COMMUNITY_TRUST_AFTER = int(os.environ.get("CITYDESK_COMMUNITY_TRUST_AFTER", "3"))
# An optional harassment/hate model an operator trains locally (train_moderation_model); unused if absent.
CITYDESK_MODERATION_MODEL = os.environ.get(
    "CITYDESK_MODERATION_MODEL", str(BASE_DIR / "var" / "moderation" / "vihsd.joblib")
)
# A trusted member's post waits for a moderator when the shipped comment classifier (ViHOS-trained)
# scores it at least this high. The default is the threshold chosen on ViHOS dev (at most 0.5 % of its
# clean comments held; citydesk/community/data/comment_classifier.json, docs/moderation.md).
CITYDESK_MODERATION_HOLD_AT = float(os.environ.get("CITYDESK_MODERATION_HOLD_AT", "0.92"))
# Public datasets used to build and measure the moderation signals (never shipped, never needed to run).
CITYDESK_DATASETS = os.environ.get("CITYDESK_DATASETS", str(BASE_DIR.parent / "shared" / "data"))

# Article read counts (the community digest's "most read") are added up in each web process and
# written at most this often; 0 writes every read at once.
CITYDESK_READ_FLUSH_SECONDS = int(os.environ.get("CITYDESK_READ_FLUSH_SECONDS", "60"))

# Content-Security-Policy (django-csp; citydesk/staffauth/csp.py picks one per area). The public site
# runs no script of its own and loads nothing from elsewhere. The one inline style is the 500 page's.
PAGE_500_STYLE = "'sha256-GRtXzPIc9Bc1gvRz3Zs1MOazo68KHI3DRuy9EnEFhZc='"  # citydesk/templates/500.html
CITYDESK_CSP_PUBLIC = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", PAGE_500_STYLE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The admin (measured in Chromium, staffauth/tests/test_browser.py): Wagtail's own screens (the page
# editor, snippets, images, users) write inline <script> for their choosers and date widgets, with
# per-field ids and no nonce, and set inline styles; citydesk's own admin screens (desk, community,
# network, channels, scorecards, 2fa), where citizens' text is shown, run no inline script at all.
CITYDESK_CSP_ADMIN = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
CITYDESK_CSP_ADMIN_OWN = {
    "DIRECTIVES": {**CITYDESK_CSP_ADMIN["DIRECTIVES"], "script-src": ["'self'"]},
}
CONTENT_SECURITY_POLICY = CITYDESK_CSP_PUBLIC
# Public pages from a shared cache (newsroom/pagecache.py): the alias in CACHES that holds them ("" turns
# the page cache off). It must be shared by every process (database or Redis): a per-process LocMem cache
# is refused unless CITYDESK_PAGE_CACHE_LOCAL is on (one process only, or the benchmarks).
CITYDESK_PAGE_CACHE = os.environ.get("CITYDESK_PAGE_CACHE", "default")
CITYDESK_PAGE_CACHE_LOCAL = env_bool("CITYDESK_PAGE_CACHE_LOCAL", False)
CITYDESK_PAGE_CACHE_SECONDS = int(os.environ.get("CITYDESK_PAGE_CACHE_SECONDS", "300"))  # an entry's longest life
# Pages each process keeps a copy of (of the current generation; 0 = none): a hit then reads only the
# generation token from the shared cache, not the page.
CITYDESK_PAGE_CACHE_COPIES = int(os.environ.get("CITYDESK_PAGE_CACHE_COPIES", "256"))
# How long a CDN or proxy may keep a public page (browsers always revalidate, with ETag: 304).
CITYDESK_PAGE_SHARED_MAX_AGE = int(os.environ.get("CITYDESK_PAGE_SHARED_MAX_AGE", "60"))
# A CDN or Varnish in front: publishing purges the affected URLs there (HTTP PURGE to this address).
CITYDESK_FRONTEND_CACHE_URL = os.environ.get("CITYDESK_FRONTEND_CACHE_URL", "")
if CITYDESK_FRONTEND_CACHE_URL:
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": CITYDESK_FRONTEND_CACHE_URL,
        }
    }

# The desk's surge rule (desk/surge.py, checked by the scheduler every minute): a claim surges when its
# reports in the last hour reach MIN_REPORTS and FACTOR times its usual hourly rate (reports in the
# BASELINE_HOURS before that hour, at least MIN_RATE per hour). Desk leads are alerted in the admin, by
# e-mail and, with a chat id, in the office's own Telegram group (through CITYDESK_TELEGRAM_BOT_TOKEN).
CITYDESK_SURGE_MIN_REPORTS = int(os.environ.get("CITYDESK_SURGE_MIN_REPORTS", "10"))
CITYDESK_SURGE_FACTOR = float(os.environ.get("CITYDESK_SURGE_FACTOR", "3"))
CITYDESK_SURGE_BASELINE_HOURS = int(os.environ.get("CITYDESK_SURGE_BASELINE_HOURS", "24"))
CITYDESK_SURGE_MIN_RATE = float(os.environ.get("CITYDESK_SURGE_MIN_RATE", "1"))
CITYDESK_OFFICE_TELEGRAM_CHAT_ID = os.environ.get("CITYDESK_OFFICE_TELEGRAM_CHAT_ID", "")
# A published clarification that surges is pinned under "Đang được quan tâm" without waiting for an editor.
CITYDESK_TRENDING_AUTO_PIN = env_bool("CITYDESK_TRENDING_AUTO_PIN", False)
# First-response targets (hours) per harm category where unit admins set none (desk.SlaTarget overrides).
CITYDESK_SLA_DEFAULT_HOURS = {"health": 2, "disaster": 2}
# Open API v1 (citydesk/api, docs/api.md). Rate limits are per minute: anonymous callers per address,
# partner keys each their own (set on the key), staff tokens each this many.
CITYDESK_API_RATE_LIMIT = int(os.environ.get("CITYDESK_API_RATE_LIMIT", "120"))
CITYDESK_API_STAFF_RATE_LIMIT = int(os.environ.get("CITYDESK_API_STAFF_RATE_LIMIT", "600"))
CITYDESK_WEBHOOK_TIMEOUT = float(os.environ.get("CITYDESK_WEBHOOK_TIMEOUT", "10"))  # seconds per attempt
CITYDESK_WEBHOOK_MAX_FAILURES = int(os.environ.get("CITYDESK_WEBHOOK_MAX_FAILURES", "10"))  # in a row, then off
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["citydesk.api.authentication.BearerAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["citydesk.api.throttling.ApiRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["citydesk.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "citydesk.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "citydesk Open API",
    "DESCRIPTION": (
        "API mở của cổng thông tin thành phố: bài làm rõ (ClaimReview), “đã kiểm chứng chưa?”, tài khoản chính "
        "thức, báo cáo của đối tác, webhook có chữ ký. Xem docs/api.md.\n\n"
        "The city portal's open API: clarifications (ClaimReview), “has this been checked?”, verified accounts, "
        "partner reports, signed webhooks. See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "RatingEnum": "citydesk.desk.models.Rating",
        "ClaimStatusEnum": "citydesk.desk.models.ClaimStatus",
        "ReportStatusEnum": ["received", "in_verification", "published", "not_checkable"],
    },
    "PREPROCESSING_HOOKS": ["citydesk.api.schema.only_v1"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "citydesk.api.schema.add_errors",
    ],
}

# Health and metrics (citydesk/ops, docs/production.md). /readyz shows its checks to staff and to callers
# with CITYDESK_HEALTH_TOKEN (Authorization: Bearer …); /metrics answers callers with CITYDESK_METRICS_TOKEN
# or from CITYDESK_METRICS_ALLOWED_IPS (addresses or networks, as core.clientip reads the client), no one else.
CITYDESK_HEALTH_TOKEN = os.environ.get("CITYDESK_HEALTH_TOKEN", "")
CITYDESK_METRICS_TOKEN = os.environ.get("CITYDESK_METRICS_TOKEN", "")
CITYDESK_METRICS_ALLOWED_IPS = env_list("CITYDESK_METRICS_ALLOWED_IPS", "")
# /readyz answers 503 when one of these limits is passed.
CITYDESK_READY_SCHEDULER_MAX_AGE = int(os.environ.get("CITYDESK_READY_SCHEDULER_MAX_AGE", "300"))  # seconds
CITYDESK_READY_QUEUE_MAX_AGE = int(os.environ.get("CITYDESK_READY_QUEUE_MAX_AGE", "300"))  # oldest waiting job
CITYDESK_READY_SPOOL_MAX = int(os.environ.get("CITYDESK_READY_SPOOL_MAX", "100"))  # tips waiting on disk
CITYDESK_READY_UNKNOWN_DELIVERIES_MAX = int(os.environ.get("CITYDESK_READY_UNKNOWN_DELIVERIES_MAX", "20"))
CITYDESK_READY_MIN_FREE_MB = int(os.environ.get("CITYDESK_READY_MIN_FREE_MB", "500"))

# Optional error tracking (citydesk/ops/errortracking.py): Sentry or a compatible server. No personal data.
CITYDESK_SENTRY_DSN = os.environ.get("CITYDESK_SENTRY_DSN", "")
if CITYDESK_SENTRY_DSN:
    from citydesk.ops import errortracking

    errortracking.init(
        dsn=CITYDESK_SENTRY_DSN,
        environment=os.environ.get("CITYDESK_SENTRY_ENVIRONMENT", ""),
        release=os.environ.get("CITYDESK_SENTRY_RELEASE", ""),
        traces_sample_rate=float(os.environ.get("CITYDESK_SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
