"""A fixed-window rate limit on Django's shared cache (CACHES["default"]: the database, or Redis).

django-ratelimit was considered; its system check refuses the in-process cache that the embedded mode
used to have, so this is the few lines it would have given us. Identities are hashed before they are
keys. Every web process on every host counts in the same place, so a limit is one limit for the city.

Counting is atomic on each backend: Redis and LocMem increment in place. The database cache has no
atomic increment (its add and set are a COUNT(*) of the whole table, then a select and a write in a
transaction), so there the count is one statement on the cache's own table: an insert that, when the
window's row exists, adds one to it instead (INSERT … ON CONFLICT DO UPDATE … RETURNING, on
PostgreSQL and SQLite), whose primary key makes it atomic between processes. One query an attempt,
whatever the limit (counting in numbered slots took about a dozen on this backend, a whole-table
count among them, and reading every slot made a huge limit exhaust memory). The row holds the count
as plain digits, not a pickled value, under a key nothing else reads; the cache's cull and clear
delete it like any entry. While the shared cache does not answer (the database is down and the tip
form spools tips), each process counts in its own memory.
"""

import hashlib
import logging
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router

from citydesk.core.dbcache import isolated

logger = logging.getLogger(__name__)


def allow(scope: str, identity: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt of identity in scope; False once more than limit were made in this window."""
    digest = hashlib.sha256(f"{scope}:{identity}".encode()).hexdigest()[:32]
    key = f"citydesk:rate:{digest}:{int(time.time()) // window_seconds}"
    shared = caches["default"]
    try:
        if isinstance(shared, DatabaseCache):
            return _count_in_table(shared, key, timeout=window_seconds + 1) <= limit
        return _increment(shared, key, limit=limit, timeout=window_seconds + 1)
    except Exception:
        logger.warning("rate limit: the shared cache did not answer; counting in this process", exc_info=True)
        return _increment(caches["local"], key, limit=limit, timeout=window_seconds + 1)


def _increment(cache, key: str, *, limit: int, timeout: int) -> bool:
    if cache.add(key, 1, timeout=timeout):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        count = 1
    return count <= limit


def _count_in_table(cache: DatabaseCache, key: str, *, timeout: int) -> int:
    """Add one to key's count in the database cache's table, in one statement; returns the new count.
    A row left from an earlier window (its expiry passed: hosts' clocks differ) starts again at one."""
    db = router.db_for_write(cache.cache_model_class)
    connection = connections[db]
    quote = connection.ops.quote_name
    table = quote(cache._table)
    key_column, value_column, expires_column = quote("cache_key"), quote("value"), quote("expires")
    now = time.time()
    tz = UTC if settings.USE_TZ else None
    expires = connection.ops.adapt_datetimefield_value(datetime.fromtimestamp(int(now) + timeout, tz=tz))
    current = connection.ops.adapt_datetimefield_value(datetime.fromtimestamp(int(now), tz=tz))
    stale = f"{table}.{expires_column} < %s"
    # Identifiers quoted by the backend (the table's name comes from the settings); values are parameters.
    sql = (
        f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) VALUES (%s, '1', %s) "  # noqa: S608
        f"ON CONFLICT ({key_column}) DO UPDATE SET "
        f"{value_column} = CASE WHEN {stale} THEN '1' "
        f"ELSE CAST(CAST({table}.{value_column} AS INTEGER) + 1 AS TEXT) END, "
        f"{expires_column} = CASE WHEN {stale} THEN EXCLUDED.{expires_column} ELSE {table}.{expires_column} END "
        f"RETURNING {value_column}"
    )
    params = [cache.make_and_validate_key(f"{key}:count"), expires, current, current]
    # Inside a transaction a failure must not break the caller's: a savepoint. Outside, the one statement
    # is its own transaction.
    with isolated(cache), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])
