"""Where a story's first /score request spends its time, stage by stage:
`python -m bench.stages --size 100000 [--rounds 3]`.

Scores the benchmark's queries against a database `bench.run` left (as `bench.profile` does),
each as its story's first request, with a clock around each stage of `scoring` and
`pipeline.judge` (the functions are wrapped where those modules look them up), and prints the
mean milliseconds of each per request. A profiler inflates the many small calls of the analysis
several times over; a clock around a few stages does not. Stages inside others are indented.
Where the OS no longer holds the database's pages, the first round reads them from the disk:
compare the later rounds' figures (`--rounds`).
"""

import time
from collections import defaultdict
from collections.abc import Callable
from types import ModuleType
from typing import Any

from bench import profile
from bench.profile import Scorer
from bench.run import parser_on_results, results_database
from service import scoring
from service.analysis import pipeline
from service.store import repository, search

# (module, attribute, label, depth): where each stage is looked up when it runs.
STAGES: tuple[tuple[ModuleType, str, str, int], ...] = (
    (scoring, "analyze", "analysing the text", 0),
    (search, "search_articles", "index search with its term counts", 0),
    (repository, "load_candidates", "candidates' rows", 0),
    (scoring, "_features", "candidates' features", 0),
    (search, "topic_words", "topic words", 0),
    (scoring, "most_similar", "choosing peers", 0),
    (repository, "source_ratings", "sources' ratings", 0),
    (scoring, "_analyses", "decoding the peers", 0),
    (scoring, "judge", "judging", 0),
    (pipeline, "group_voices", "voices", 1),
    (pipeline, "align", "alignment", 1),
    (pipeline, "consensus_of", "the peers' spellings", 1),
    (pipeline, "find_flags", "flags", 1),
    (profile, "render", "the response", 0),
)


def main(argv: list[str] | None = None) -> int:
    parser = parser_on_results(__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="times each query is scored")
    args = parser.parse_args(argv)
    scorer = Scorer.on(results_database(parser, args), args.size, args.queries)
    spent: dict[str, float] = defaultdict(float)
    originals = [(module, name, getattr(module, name)) for module, name, _, _ in STAGES]
    for module, name, label, _ in STAGES:
        setattr(module, name, _timed(getattr(module, name), label, spent))
    total = 0.0
    try:
        for _ in range(args.rounds):
            scorer.forget_term_counts()  # each round a worker meeting these stories anew
            for request in scorer.requests:
                scorer.forget_peers()
                started = time.perf_counter()
                scorer.score(request)
                total += time.perf_counter() - started
    finally:
        for module, name, original in originals:
            setattr(module, name, original)
    requests = args.rounds * len(scorer.requests)
    print(f"{requests} first requests, {total / requests * 1000:.1f} ms each; by stage:")
    for _, _, label, depth in STAGES:
        print(f"{'  ' * depth}{label}: {spent[label] / requests * 1000:.2f} ms")
    scorer.close()
    return 0


def _timed(stage: Callable[..., Any], label: str, spent: dict[str, float]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return stage(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - started

    return timed


if __name__ == "__main__":
    raise SystemExit(main())
