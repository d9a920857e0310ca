"""Production settings pass Django's deployment checklist and refuse the embedded secret key."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "citydesk.settings.production",
    "CITYDESK_SECRET_KEY": "q" * 20 + "-citydesk-production-key-for-the-check-only-" + "7" * 20,
    "CITYDESK_ALLOWED_HOSTS": "thongtin.danang.example",
    "CITYDESK_BASE_URL": "https://thongtin.danang.example",
    # Mail written to files in production is a warning (citydesk.W001): production sends through SMTP.
    "CITYDESK_EMAIL_HOST": "smtp.danang.example",
}


def check(extra: dict) -> subprocess.CompletedProcess:
    # A production shell: none of the test process's own switches (the browser tests' async flag).
    dropped = ("CITYDESK_SECRET", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {name: value for name, value in os.environ.items() if not name.startswith(dropped)}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={**env, **extra},
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = check(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_embedded_secret_key():
    result = check({**PRODUCTION, "CITYDESK_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "CITYDESK_SECRET_KEY" in result.stderr


def test_the_database_cache_holds_enough_entries_for_a_surge(monkeypatch):
    # Django's default is 300: a surge's per-chat rate-limit counters would cull cached pages and counters.
    from citydesk.settings.base import cache_from_url

    assert cache_from_url("")["OPTIONS"]["MAX_ENTRIES"] >= 100_000
    monkeypatch.setenv("CITYDESK_CACHE_MAX_ENTRIES", "5000")
    assert cache_from_url("db://other_cache") == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "other_cache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
