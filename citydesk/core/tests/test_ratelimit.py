"""core.ratelimit on the database cache (production's default): atomic slots, shared by every
connection, and a per-process fallback while the database does not answer."""

import threading

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from citydesk.core import ratelimit

DATABASE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "citydesk_cache"},
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit-test-local"},
}


@pytest.fixture
def database_cache(settings, db):
    settings.CACHES = DATABASE_CACHE
    call_command("createcachetable", verbosity=0)  # what migration core 0004 does with these settings
    caches["local"].clear()
    yield caches["default"]
    caches["local"].clear()


@pytest.mark.django_db
def test_the_database_cache_counts_each_identity_up_to_its_limit(database_cache):
    results = [ratelimit.allow("tip-form", "203.0.113.7", limit=3, window_seconds=600) for _ in range(5)]
    assert results == [True, True, True, False, False]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM citydesk_cache WHERE cache_key LIKE %s", ["%citydesk:rate:%"])
        assert cursor.fetchone()[0] == 3  # counted in the shared table, one slot per allowed attempt
    assert ratelimit.allow("tip-form", "198.51.100.4", limit=3, window_seconds=600)
    assert ratelimit.allow("community-sign-in", "203.0.113.7", limit=3, window_seconds=600)


@pytest.mark.django_db(transaction=True)
def test_concurrent_attempts_on_the_database_cache_never_pass_the_limit(database_cache):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("threads need their own connections to a shared database (the PostgreSQL run)")
    allowed = []

    def attempt():
        allowed.append(ratelimit.allow("tip-form", "203.0.113.8", limit=5, window_seconds=600))
        connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 5


@pytest.mark.django_db
def test_without_the_shared_cache_each_process_still_limits(database_cache):
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE citydesk_cache")  # what a database that does not answer looks like to it
    results = [ratelimit.allow("tip-form", "203.0.113.9", limit=2, window_seconds=600) for _ in range(3)]
    assert results == [True, True, False]
