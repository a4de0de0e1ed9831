"""How well /score finds a story's other articles: `python -m bench.peers --size 10000`.

Scores the benchmark's queries against a database `bench.run` left (bench/results/work/
bench-<size>.db, or in --work) through `scoring.score_text`, as the service does, and compares
the peers chosen with the corpus's stories (a stored article's URL names its story): precision
is the share of chosen peers that report the query's story, recall the share of the story's
other stored articles that were chosen. Story similarity trades one for the other; the cost of a
request follows the number of peers.
"""

from collections import Counter
from dataclasses import dataclass

from bench import corpus
from bench.run import _queries, parser_on_results, queried, results_database
from service.scoring import ScoreRequest, score_text
from service.settings import Settings
from service.store.db import create_db_engine, session_scope


@dataclass(frozen=True, slots=True)
class PeerQuality:
    queries: int
    peers: int
    same_story: int
    story_articles: int  # the other stored articles of the queries' stories

    @property
    def precision(self) -> float:
        return self.same_story / self.peers if self.peers else 1.0

    @property
    def recall(self) -> float:
        return self.same_story / self.story_articles if self.story_articles else 1.0


def main(argv: list[str] | None = None) -> int:
    parser = parser_on_results(__doc__)
    args = parser.parse_args(argv)
    database = results_database(parser, args)
    quality = measure(f"sqlite:///{database}", args.size, args.queries)
    print(
        f"{quality.queries} queries: {quality.peers} peers, {quality.same_story} of the same "
        f"story; precision {quality.precision:.2f}, recall {quality.recall:.2f} "
        f"(of {quality.story_articles} other articles of their stories)"
    )
    return 0


def measure(url: str, size: int, queries: int) -> PeerQuality:
    """The peers /score chooses for the benchmark's queries, against the corpus's stories."""
    articles = list(corpus.generate(size))
    stories = Counter(story_of(article["url"]) for article in articles)
    asked = _queries(articles, queries)
    originals = queried(articles, queries)
    settings = Settings(database_url=url)
    engine = create_db_engine(settings)
    peers = same_story = story_articles = 0
    try:
        for original, query in zip(originals, asked, strict=True):
            story = story_of(original["url"])
            with session_scope(engine) as session:
                scored = score_text(session, ScoreRequest.model_validate(query), settings)
            chosen = [story_of(peer.url) for peer in scored.peers.values() if peer.url]
            peers += len(chosen)
            same_story += chosen.count(story)
            story_articles += stories[story] - 1  # the stored copy itself is never a peer
    finally:
        engine.dispose()
    return PeerQuality(len(asked), peers, same_story, story_articles)


def story_of(url: str) -> str:
    """The story a benchmark article's URL names: https://<source>/<story>/<index>."""
    return url.split("/")[3]


if __name__ == "__main__":
    raise SystemExit(main())
