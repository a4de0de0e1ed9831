"""Where a /score request spends its time: `python -m bench.profile --size 10000 [--again]`.

Scores the benchmark's queries against a database `bench.run` left (bench/results/work/
bench-<size>.db, or in --work) through `scoring.score_text` and the response, in this process,
under the standard library's profiler: each query as its story's first request (the peer cache
emptied before it), or with `--again` right after a first one (its peers cached). Prints the
functions of `service` that took the most time over all the requests, with their own time.
Profile before optimising; the benchmark, not this, says how fast it is.
"""

import cProfile
import pstats
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench import corpus
from bench.run import _queries, parser_on_results, results_database
from service.api.routes.score import render
from service.main import tune_garbage_collector
from service.scoring import ScoreRequest, score_text
from service.settings import Settings
from service.store import search
from service.store.cache import PeerCache
from service.store.db import create_db_engine, session_scope


def main(argv: list[str] | None = None) -> int:
    parser = parser_on_results(__doc__)
    parser.add_argument("--again", action="store_true", help="requests with their peers cached")
    parser.add_argument("--top", type=int, default=40, help="functions to print")
    args = parser.parse_args(argv)
    scorer = Scorer.on(results_database(parser, args), args.size, args.queries)
    profiler = cProfile.Profile()
    for request in scorer.requests:
        scorer.forget_peers()
        if args.again:
            scorer.score(request)
        profiler.runcall(scorer.score, request)
    stats = pstats.Stats(profiler)
    each = stats.total_tt / len(scorer.requests) * 1000  # type: ignore[attr-defined]
    print(f"{len(scorer.requests)} requests, {each:.1f} ms each under the profiler; totals below")
    stats.sort_stats("cumulative").print_stats(r"service/", args.top)
    scorer.close()
    return 0


@dataclass
class Scorer:
    """The benchmark's queries scored in this process as a worker of `crosscheck serve` scores
    them: after a scan of the index's common terms, with a peer cache and the collector tuned,
    and its memos warmed by a few requests."""

    requests: list[ScoreRequest]
    score: Callable[[ScoreRequest], None]
    cache: PeerCache
    close: Callable[[], None]

    @classmethod
    def on(cls, database: object, size: int, queries: int) -> "Scorer":
        """The first `queries` of the benchmark's queries at `size` articles."""
        return cls.of(database, _queries(list(corpus.generate(size)), 60)[:queries])

    @classmethod
    def of(cls, database: object, queries: list[dict[str, Any]]) -> "Scorer":
        settings = Settings(database_url=f"sqlite:///{database}")
        engine = create_db_engine(settings)
        search.scan_common_terms(engine)  # as each worker of `crosscheck serve` does at start
        cache = PeerCache.of_size(settings.analysis_cache_size)
        requests = [ScoreRequest.model_validate(query) for query in queries]
        tune_garbage_collector()

        def score(request: ScoreRequest) -> None:
            with session_scope(engine) as session:
                scored = score_text(session, request, settings, cache=cache)
            render(scored)

        for request in requests[:3]:  # warm the memos, as in a worker that has run a while
            score(request)
        return cls(requests, score, cache, engine.dispose)

    def forget_peers(self) -> None:
        """Empty the peer cache: the next request is its story's first."""
        self.cache.analyses.clear()
        self.cache.features.clear()

    @staticmethod
    def forget_term_counts() -> None:
        """Forget the index-term counts read so far, as a worker meeting these stories for the
        first time knows none."""
        search._TERM_COUNTS = search._TermCounts()


if __name__ == "__main__":
    raise SystemExit(main())
