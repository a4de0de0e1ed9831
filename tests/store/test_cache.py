"""The per-worker cache of decoded analyses and features: bounded, least recently used out."""

from service.analysis.pipeline import analyze
from service.store.cache import FEATURES_PER_ANALYSIS, LruCache, PeerCache

ANALYSIS = analyze("Sébastien Lecornu telefonierte am Mittwoch mit Sergej Schoigu.", "de")


def test_keeps_at_most_its_size_and_drops_the_least_recently_used() -> None:
    cache = LruCache(2)
    cache.put_many({("a", "de", 3): ANALYSIS, ("b", "de", 3): ANALYSIS})
    cache.get_many([("a", "de", 3)])  # "a" is now the more recent one

    cache.put_many({("c", "de", 3): ANALYSIS})

    assert len(cache) == 2
    assert set(cache.get_many([("a", "de", 3), ("b", "de", 3), ("c", "de", 3)])) == {
        ("a", "de", 3),
        ("c", "de", 3),
    }


def test_counts_hits_and_misses_once_per_key() -> None:
    cache = LruCache(10)
    cache.put_many({("a", "de", 3): ANALYSIS})

    found = cache.get_many([("a", "de", 3), ("b", "de", 3), ("b", "de", 3)])

    assert found == {("a", "de", 3): ANALYSIS}
    assert (cache.hits, cache.misses) == (1, 1)


def test_language_and_version_are_part_of_the_key() -> None:
    cache = LruCache(10)
    cache.put_many({("a", "de", 3): ANALYSIS})

    assert cache.get_many([("a", "en", 3), ("a", "de", 4), ("a", None, 3)]) == {}


def test_size_zero_keeps_nothing() -> None:
    cache = LruCache(0)
    cache.put_many({("a", "de", 3): ANALYSIS})

    assert len(cache) == 0
    assert cache.get_many([("a", "de", 3)]) == {}


def test_a_peer_cache_keeps_more_features_than_analyses() -> None:
    cache = PeerCache.of_size(10)

    assert (cache.analyses.size, cache.features.size) == (10, 10 * FEATURES_PER_ANALYSIS)


def test_clear_empties_it() -> None:
    cache = LruCache(10)
    cache.put_many({("a", "de", 3): ANALYSIS})

    cache.clear()

    assert len(cache) == 0
