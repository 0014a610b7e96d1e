"""Safeguarding test fixtures. The drug-alert banner and the public forms' rate limit keep
state in the cache and in memory, which outlive each test's database transaction: every test
here starts and ends with an empty cache and no live alert known, so no alert of one test shows
in another."""

import pytest
from django.core.cache import cache

from safeguarding.alerts import live_alerts_known_empty


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    live_alerts_known_empty()
    yield
    cache.clear()
    live_alerts_known_empty()
