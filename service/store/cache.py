"""Decoded analyses of stored articles, kept by each worker process.

While a story is in the news its articles are scored against the same peers again and again, and
reading and decoding a peer's stored analysis costs about as much as judging against it. An
analysis is a function of the article's text, its language and the analysis version, so that is
the key: an article whose analysis is recomputed is read afresh, a deleted one is never asked for
(peers are chosen among the articles the index finds now), and wire copies share one entry. The
least recently used entry goes first.
"""

import threading
from collections import OrderedDict

from service.analysis.records import Analysis

AnalysisKey = tuple[str, str | None, int]  # content hash, language, analysis version


class AnalysisCache:
    """A bounded, thread-safe map of decoded analyses; size 0 keeps nothing."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[AnalysisKey, Analysis] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: list[AnalysisKey]) -> dict[AnalysisKey, Analysis]:
        with self._lock:
            found = {key: self._entries[key] for key in keys if key in self._entries}
            for key in found:
                self._entries.move_to_end(key)
            self.hits += len(found)
            self.misses += len(set(keys)) - len(found)
        return found

    def put_many(self, analyses: dict[AnalysisKey, Analysis]) -> None:
        if not self.size:
            return
        with self._lock:
            for key, analysis in analyses.items():
                self._entries[key] = analysis
                self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


NO_CACHE = AnalysisCache(0)
