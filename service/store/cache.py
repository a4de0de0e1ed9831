"""Decoded analyses and story features of stored articles, kept by each worker process.

While a story is in the news its articles are scored against the same candidates and peers again
and again, and reading and decoding what is stored of them costs about as much as judging. An
entry is keyed by the article's id, when it was stored and its analysis version: a deleted
article is never asked for (the candidates are the articles the index finds now), one stored
again under a reused id is a new key, and so is an analysis recomputed by a newer version. The
least recently used entry goes first.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from service.analysis.records import StoryFeatures
from service.analysis.statements import PeerAnalysis

StoredKey = tuple[int, datetime, int]  # article id, stored at, analysis version
Value = TypeVar("Value")
# Features are a twelfth of an analysis in memory, and every request reads forty candidates'.
FEATURES_PER_ANALYSIS = 4


# Told the hits and misses of each look-up (the service counts them for /metrics).
Observer = Callable[[int, int], None]


class LruCache(Generic[Value]):
    """A bounded, thread-safe map; size 0 keeps nothing."""

    def __init__(self, size: int, observe: Observer | None = None) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._observe = observe
        self._entries: OrderedDict[StoredKey, Value] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: list[StoredKey]) -> dict[StoredKey, Value]:
        with self._lock:
            found = {key: self._entries[key] for key in keys if key in self._entries}
            for key in found:
                self._entries.move_to_end(key)
            misses = len(set(keys)) - len(found)
            self.hits += len(found)
            self.misses += misses
        if self._observe is not None:
            self._observe(len(found), misses)
        return found

    def put_many(self, values: dict[StoredKey, Value]) -> None:
        if not self.size:
            return
        with self._lock:
            for key, value in values.items():
                self._entries[key] = value
                self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True, slots=True)
class PeerCache:
    """What scoring keeps of stored articles: candidates' features and peers' analyses."""

    analyses: LruCache[PeerAnalysis]
    features: LruCache[StoryFeatures]

    @classmethod
    def of_size(
        cls, analyses: int, observe: Callable[[str], Observer] | None = None
    ) -> "PeerCache":
        """A cache of `analyses` analyses; `observe(name)` gives each part's observer."""
        return cls(
            LruCache(analyses, observe("analyses") if observe else None),
            LruCache(FEATURES_PER_ANALYSIS * analyses, observe("features") if observe else None),
        )


NO_CACHE = PeerCache.of_size(0)
