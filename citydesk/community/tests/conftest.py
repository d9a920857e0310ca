import pytest
from django.core.cache import cache

from citydesk.desk.tests.conftest import claim  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate limits live in the cache, which outlives a test; each test starts with none used.
    cache.clear()
    yield
    cache.clear()
