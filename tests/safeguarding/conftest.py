"""Safeguarding test fixtures. The drug-alert banner and the public forms' rate limit keep
state in the cache, which outlives each test's database transaction: every test here starts
and ends with an empty cache, so no alert of one test shows in another."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()
