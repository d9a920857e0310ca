"""System checks of the production settings (CITYDESK_PRODUCTION): `manage.py serve`, `migrate` and
`check` refuse to run with a combination that would leak or lose data, and name the variable to set."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register


def _loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@register()
def production_settings(app_configs=None, **kwargs):
    if not getattr(settings, "CITYDESK_PRODUCTION", False):
        return []
    problems = []

    def error(number: int, message: str, variable: str) -> None:
        problems.append(Error(message, hint=f"Set {variable} (docs/production.md).", id=f"citydesk.E{number:03d}"))

    if "*" in settings.ALLOWED_HOSTS:
        error(1, "Any host name is accepted (ALLOWED_HOSTS has '*').", "CITYDESK_ALLOWED_HOSTS to the site's name")
    if not settings.WAGTAILADMIN_BASE_URL.startswith("https://"):
        error(2, "Links in e-mails and share cards would use plain HTTP.", "CITYDESK_BASE_URL to https://…")
    if not settings.CITYDESK_2FA_REQUIRED:
        error(3, "Staff who speak for the office could sign in with a password alone.", "CITYDESK_2FA_REQUIRED=1")
    smtp = settings.EMAIL_BACKEND.endswith("smtp.EmailBackend") and settings.EMAIL_HOST_PASSWORD
    encrypted = settings.EMAIL_USE_TLS or settings.EMAIL_USE_SSL
    if smtp and not encrypted and not _loopback(f"smtp://{settings.EMAIL_HOST}"):
        error(
            4,
            "The SMTP password would cross the network unencrypted.",
            "CITYDESK_EMAIL_SECURITY=starttls or ssl",
        )
    default_cache = settings.CACHES["default"]["BACKEND"]
    if default_cache.endswith(("locmem.LocMemCache", "dummy.DummyCache")):
        error(
            5,
            "Rate limits and log-in lockouts would be kept per process, not shared by all web processes.",
            "CITYDESK_CACHE_URL to db://… or redis://…",
        )
    for variable in ("CITYDESK_HEALTH_TOKEN", "CITYDESK_METRICS_TOKEN"):
        value = getattr(settings, variable)
        if value and len(value) < 24:
            error(6, f"{variable} is short enough to guess.", f"{variable} to 24 or more random characters")
    for network in settings.CITYDESK_METRICS_ALLOWED_IPS:
        try:
            parsed = ipaddress.ip_network(network, strict=False)
        except ValueError:
            error(7, f"{network!r} in CITYDESK_METRICS_ALLOWED_IPS is not an address or network.", "it correctly")
            continue
        if parsed.prefixlen == 0:
            error(8, "Metrics would be open to every address.", "CITYDESK_METRICS_ALLOWED_IPS to the scraper's address")
    for variable, storage in (("CITYDESK_MEDIA_STORAGE", "default"), ("CITYDESK_PRIVATE_STORAGE", "private")):
        endpoint = settings.STORAGES[storage].get("OPTIONS", {}).get("endpoint_url") or ""
        if settings.STORAGES[storage]["BACKEND"].endswith("S3Storage"):
            if not settings.STORAGES[storage]["OPTIONS"].get("bucket_name"):
                error(9, f"{variable}=s3 without a bucket.", "CITYDESK_S3_BUCKET")
            if endpoint.startswith("http://") and not _loopback(endpoint):
                error(
                    10,
                    "Files and keys would go to the object store unencrypted.",
                    "CITYDESK_S3_ENDPOINT_URL to https://…",
                )
    if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        problems.append(
            Warning(
                "Mail is written to files, not sent.",
                hint="Set CITYDESK_EMAIL_HOST (and _USER, _PASSWORD) to the city's SMTP server (docs/production.md).",
                id="citydesk.W001",
            )
        )
    return problems
