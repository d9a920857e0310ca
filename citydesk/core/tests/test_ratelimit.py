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
        cursor.execute(
            "SELECT COUNT(*) FROM citydesk_cache WHERE cache_key LIKE %s AND cache_key NOT LIKE %s",
            ["%citydesk:rate:%", "%:next"],
        )
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


@pytest.mark.django_db
def test_a_large_limit_reads_a_few_slots_an_attempt_not_all_of_them(database_cache, django_assert_max_num_queries):
    for _ in range(40):
        assert ratelimit.allow("api", "key-1", limit=100_000_000, window_seconds=60)
    # the hint, one read of a few slots, the add and the new hint (each a few statements on this backend)
    with django_assert_max_num_queries(16):
        assert ratelimit.allow("api", "key-1", limit=100_000_000, window_seconds=60)


@pytest.mark.django_db
def test_the_limit_holds_past_one_read_of_slots_and_without_the_hint(database_cache):
    limit = ratelimit.SLOTS_PER_READ * 2 + 3  # more than one read of slots
    results = [ratelimit.allow("tip-form", "203.0.113.10", limit=limit, window_seconds=600) for _ in range(limit + 2)]
    assert results == [True] * limit + [False] * 2
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM citydesk_cache WHERE cache_key LIKE %s", ["%:next"])  # the hint is lost
    assert not ratelimit.allow("tip-form", "203.0.113.10", limit=limit, window_seconds=600)
