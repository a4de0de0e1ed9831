"""The per-worker cache of decoded analyses and features: bounded, least recently used out."""

import threading
from datetime import UTC, datetime

from service.analysis.pipeline import analyze
from service.store.cache import FEATURES_PER_ANALYSIS, LruCache, PeerCache, StoredKey

ANALYSIS = analyze("Sébastien Lecornu telefonierte am Mittwoch mit Sergej Schoigu.", "de")
STORED_AT = datetime(2024, 4, 3, 12, 0, tzinfo=UTC)


def key(article_id: int, version: int = 3) -> StoredKey:
    return (article_id, STORED_AT, version)


def test_keeps_at_most_its_size_and_drops_the_least_recently_used() -> None:
    cache = LruCache(2)
    cache.put_many({key(1): ANALYSIS, key(2): ANALYSIS})
    cache.get_many([key(1)])  # 1 is now the more recent one

    cache.put_many({key(3): ANALYSIS})

    assert len(cache) == 2
    assert set(cache.get_many([key(1), key(2), key(3)])) == {key(1), key(3)}


def test_counts_hits_and_misses_once_per_key_and_tells_its_observer() -> None:
    told: list[tuple[int, int]] = []
    cache = LruCache(10, observe=lambda hits, misses: told.append((hits, misses)))
    cache.put_many({key(1): ANALYSIS})

    found = cache.get_many([key(1), key(2), key(2)])

    assert found == {key(1): ANALYSIS}
    assert (cache.hits, cache.misses) == (1, 1)
    assert told == [(1, 1)]


def test_stored_again_or_analysed_anew_is_another_key() -> None:
    cache = LruCache(10)
    cache.put_many({key(1): ANALYSIS})

    later = (1, datetime(2024, 4, 3, 12, 0, 1, tzinfo=UTC), 3)
    assert cache.get_many([later, key(1, version=4)]) == {}


def test_size_zero_keeps_nothing() -> None:
    cache = LruCache(0)
    cache.put_many({key(1): ANALYSIS})

    assert len(cache) == 0
    assert cache.get_many([key(1)]) == {}


def test_clear_empties_it() -> None:
    cache = LruCache(10)
    cache.put_many({key(1): ANALYSIS})

    cache.clear()

    assert len(cache) == 0


def test_threads_reading_and_writing_at_once_keep_it_bounded_and_consistent() -> None:
    cache = LruCache(50)
    start = threading.Barrier(8)
    wrong: list[object] = []

    def work(offset: int) -> None:
        start.wait()
        for round_ in range(300):
            ids = [(offset * 7 + round_ + i) % 120 for i in range(5)]
            cache.put_many({key(i): ANALYSIS for i in ids})
            found = cache.get_many([key(i) for i in ids])
            wrong.extend(value for value in found.values() if value is not ANALYSIS)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert wrong == []
    assert len(cache) == 50
    assert cache.hits + cache.misses == 8 * 300 * 5


def test_a_peer_cache_keeps_more_features_than_analyses() -> None:
    cache = PeerCache.of_size(10)

    assert (cache.analyses.size, cache.features.size) == (10, 10 * FEATURES_PER_ANALYSIS)
