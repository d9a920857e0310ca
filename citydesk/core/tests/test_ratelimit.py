"""core.ratelimit on the database cache (production's default): atomic slots, shared by every
connection, and a per-process fallback while the database does not answer."""

import threading
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

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
        cursor.execute("SELECT value FROM citydesk_cache WHERE cache_key LIKE %s", ["%citydesk:rate:%"])
        assert cursor.fetchall() == [("5",)]  # counted in the shared table: one row, every attempt counted
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


@pytest.mark.django_db
def test_a_large_limit_costs_one_statement_an_attempt(database_cache, django_assert_max_num_queries):
    for _ in range(40):
        assert ratelimit.allow("api", "key-1", limit=100_000_000, window_seconds=60)
    # the upsert, inside the test's transaction in a savepoint (SAVEPOINT, statement, RELEASE)
    with django_assert_max_num_queries(3):
        assert ratelimit.allow("api", "key-1", limit=100_000_000, window_seconds=60)


@pytest.mark.django_db
def test_the_limit_holds_for_a_limit_of_many_attempts(database_cache):
    limit = 35
    results = [ratelimit.allow("tip-form", "203.0.113.10", limit=limit, window_seconds=600) for _ in range(limit + 2)]
    assert results == [True] * limit + [False] * 2


@pytest.mark.django_db
def test_a_count_left_from_an_expired_window_starts_again(database_cache):
    assert ratelimit.allow("tip-form", "203.0.113.11", limit=1, window_seconds=600)
    assert not ratelimit.allow("tip-form", "203.0.113.11", limit=1, window_seconds=600)
    with connection.cursor() as cursor:  # what another host whose clock runs behind finds: the row expired
        cursor.execute(
            "UPDATE citydesk_cache SET expires = %s WHERE cache_key LIKE %s",
            [connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(hours=1)), "%citydesk:rate:%"],
        )
    assert ratelimit.allow("tip-form", "203.0.113.11", limit=1, window_seconds=600)


@pytest.mark.django_db
def test_the_other_entries_of_the_database_cache_still_read_and_write(database_cache):
    database_cache.set("citydesk:other", {"a": 1}, 60)
    ratelimit.allow("tip-form", "203.0.113.12", limit=3, window_seconds=600)
    assert database_cache.get("citydesk:other") == {"a": 1}
    database_cache.set("citydesk:other", 2, 60)  # a set runs the cache's cull count over the counters' rows
    assert database_cache.get("citydesk:other") == 2
