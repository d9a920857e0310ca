"""A fixed-window rate limit on Django's cache (atomic add/incr on LocMem, Redis and Memcached).

django-ratelimit was considered; its system check refuses the in-process cache that the embedded mode
uses, so this is the few lines it would have given us. Identities are hashed before they are keys.
"""

import hashlib
import time

from django.core.cache import cache


def allow(scope: str, identity: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt of identity in scope; False once more than limit were made in this window."""
    digest = hashlib.sha256(f"{scope}:{identity}".encode()).hexdigest()[:32]
    key = f"citydesk:rate:{digest}:{int(time.time()) // window_seconds}"
    if cache.add(key, 1, timeout=window_seconds + 1):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds + 1)
        count = 1
    return count <= limit
