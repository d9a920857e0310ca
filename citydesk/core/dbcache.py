"""Statements citydesk runs on Django's database cache table itself, beside the cache's API (the rate
limit's count, the page cache's generation token)."""

import contextlib

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


def isolated(cache):
    """A savepoint around a database cache's statements when a transaction is open (a test's, a request
    under ATOMIC_REQUESTS, a publish's): on PostgreSQL a failed statement (the cache table missing) would
    otherwise abort the whole transaction, and the caller's next query would fail instead of this one.
    Outside a transaction, and on other backends, nothing."""
    if isinstance(cache, DatabaseCache):
        alias = router.db_for_write(cache.cache_model_class)
        if connections[alias].in_atomic_block:
            return transaction.atomic(using=alias)
    return contextlib.nullcontext()
