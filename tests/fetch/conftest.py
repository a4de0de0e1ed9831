"""A fetcher with test-sized limits."""

from collections.abc import Iterator

import pytest

from service.fetch import Fetcher
from service.settings import Settings


@pytest.fixture
def fetch_settings() -> Settings:
    return Settings(fetch_max_bytes=20_000, fetch_max_redirects=3)


@pytest.fixture
def fetcher(fetch_settings: Settings) -> Iterator[Fetcher]:
    fetcher = Fetcher(fetch_settings)
    yield fetcher
    fetcher.close()
