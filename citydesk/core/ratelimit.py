"""A fixed-window rate limit on Django's shared cache (CACHES["default"]: the database, or Redis).

django-ratelimit was considered; its system check refuses the in-process cache that the embedded mode
used to have, so this is the few lines it would have given us. Identities are hashed before they are
keys. Every web process on every host counts in the same place, so a limit is one limit for the city.

Counting is atomic on each backend: Redis and LocMem increment in place; the database cache has no
atomic increment (get, then set), so there each attempt takes the first free numbered slot with
`add`, which the table's primary key makes atomic. A hint (the slot after the last one taken) says where
to start looking, and slots are read a few at a time, so an attempt costs a query or two whatever the
limit (reading every slot made each API request read 600 keys, and a huge limit exhausted memory).
While the shared cache does not answer (the database is down and the tip form spools tips), each
process counts in its own memory.
"""

import hashlib
import logging
import time

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache

logger = logging.getLogger(__name__)


def allow(scope: str, identity: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt of identity in scope; False once more than limit were made in this window."""
    digest = hashlib.sha256(f"{scope}:{identity}".encode()).hexdigest()[:32]
    key = f"citydesk:rate:{digest}:{int(time.time()) // window_seconds}"
    shared = caches["default"]
    try:
        if isinstance(shared, DatabaseCache):
            return _take_slot(shared, key, limit=limit, timeout=window_seconds + 1)
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


SLOTS_PER_READ = 16


def _take_slot(cache, key: str, *, limit: int, timeout: int) -> bool:
    # Every slot below the hint is taken: the hint is only ever written just after taking the slot before
    # it, by a scan that found every slot between its start and that one taken (adds are never undone,
    # and all slots and the hint belong to this window). A stale, lower hint only costs a longer scan.
    hint_key = f"{key}:next"
    number = min(int(cache.get(hint_key) or 0), limit)
    while number < limit:
        slots = [f"{key}:{n}" for n in range(number, min(number + SLOTS_PER_READ, limit))]
        taken = cache.get_many(slots)
        for offset, slot in enumerate(slots):
            if slot not in taken and cache.add(slot, 1, timeout=timeout):
                cache.set(hint_key, number + offset + 1, timeout=timeout)
                return True
        number += len(slots)
    return False
