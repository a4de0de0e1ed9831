"""Scoring an article against the store: the glue between the HTTP/CLI request, the store and
the pure pipeline in `service.analysis`."""

from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator
from sqlmodel import Session

from service import ingest
from service.analysis.normalize import content_hash, normalize_with_offsets
from service.analysis.peers import eligible, most_similar, story_terms
from service.analysis.pipeline import PeerAnalysis, analyze, judge
from service.analysis.records import Analysis, Candidate, Report, StoryFeatures
from service.deadline import NO_DEADLINE, Deadline
from service.language import detect_language
from service.settings import Settings
from service.store import repository, search
from service.store.cache import NO_CACHE, LruCache, PeerCache
from service.store.codec import load_features, load_peer
from service.store.group_commit import GroupCommit
from service.store.repository import StoredCandidate
from service.turns import NO_TURN

Decoded = TypeVar("Decoded")

# Terms offered to the full-text index (which queries the most telling of them): names and
# numbers first, since they cross languages.
_QUERY_TERMS = 60


class ScoreRequest(BaseModel):
    """An article to score. Nothing is stored unless `store` is true."""

    model_config = ConfigDict(extra="forbid")

    text: ingest.ArticleText | None = Field(
        default=None,
        description="The article's text; claim offsets in the response index into it. Without "
        "it, the page at `url` is fetched and the offsets index the extracted text.",
    )
    title: ingest.Headline | None = Field(default=None, description="Headline.")
    source: ingest.SourceName | None = Field(
        default=None,
        description="The outlet. Its own stored articles never count as corroboration.",
    )
    url: ingest.ArticleUrl | None = Field(
        default=None,
        description="Where the article was published. Fetched when `text` is missing; "
        "title and published_at are then taken from the page unless given.",
    )
    language: ingest.LanguageCode = Field(default=None, description=ingest.LANGUAGE_HELP)
    published_at: ingest.UtcDatetime = Field(
        default=None, description="Publication time; peers are sought around it."
    )
    store: StrictBool = Field(
        default=False, description="Also store the article (as `POST /articles`)."
    )

    @model_validator(mode="after")
    def _storable(self) -> "ScoreRequest":
        ingest.require_text_or_url(self.text, self.url)
        if self.store and self.source_name() is None:
            raise ValueError("`store` needs `source`, or a `url` that names a host")
        return self

    def source_name(self) -> str | None:
        if self.source:
            return self.source
        return ingest.source_from_host(self.url.host) if self.url and self.url.host else None


@dataclass(frozen=True, slots=True)
class SourceRating:
    name: str | None
    reliability: float | None
    prior: float | None


@dataclass(frozen=True, slots=True)
class Scored:
    """A report whose claim offsets index into the submitted text, with what scoring used."""

    report: Report
    text: str
    offsets: tuple[int, ...]
    source: SourceRating
    peers: dict[int, StoredCandidate]
    analysis: Analysis | None = None  # of the text as stored, when storing can reuse it
    stored: ingest.ItemResult | None = None
    claims_total: int = 0  # claims found, judged or not (`max_claims`)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets[start], self.offsets[end]


def score_text(
    session: Session,
    request: ScoreRequest,
    settings: Settings,
    deadline: Deadline = NO_DEADLINE,
    cache: PeerCache = NO_CACHE,
) -> Scored:
    """Score the request against the store; reads only. A request by URL is filled first
    (`fetch.fill_from_url`)."""
    normalized, offsets = normalize_with_offsets(ingest.text_of(request.text))
    ingest.check_length("text", normalized, settings.max_text_chars)
    analysis = analyze(normalized, request.language or detect_language(normalized))
    ingest.check_sentences(analysis, settings.max_sentences)
    source = request.source_name()
    article = Submitted(
        text=normalized,
        analysis=analysis,
        source=source,
        content_hash=content_hash(normalized),
        url=ingest.canonical_url(request.url) if request.url else None,
        published_at=request.published_at.timestamp() if request.published_at else None,
    )
    report, peers, ratings = score_against_store(session, article, settings, deadline, cache)
    reliability, prior = ratings.get(source or "", (None, None))
    return Scored(
        report,
        request.text,
        offsets,
        SourceRating(source, reliability, prior),
        {peer.article_id: peer for peer in peers},
        analysis if normalized == normalized.strip() else None,
        claims_total=len(analysis.claims),
    )


@dataclass(frozen=True, slots=True)
class Submitted:
    """An analysed article to score: submitted now, or stored and scored again."""

    text: str
    analysis: Analysis
    source: str | None
    content_hash: str
    url: str | None
    published_at: float | None


def score_against_store(
    session: Session,
    article: Submitted,
    settings: Settings,
    deadline: Deadline = NO_DEADLINE,
    cache: PeerCache = NO_CACHE,
) -> tuple[Report, list[StoredCandidate], dict[str, tuple[float | None, float | None]]]:
    """The report of one article against its peers in the store, the peers, and the ratings.

    Candidates come from the full-text index (never a scan of the store) with their story
    features only; the analyses of the peers chosen among them are then read whole. What
    `cache` holds of either is not read again."""
    deadline.check("search")
    names, words = query_terms(article.analysis)
    ids = search.search_articles(session, names=names, words=words, limit=settings.peer_candidates)
    stored = {
        c.article_id: c
        for c in repository.load_candidates(session, article_ids=ids)
        if not article.url or c.url != article.url
    }
    features = _features(session, list(stored.values()), cache.features)
    candidates = eligible(
        [_candidate(c, features[i]) for i, c in stored.items() if i in features],
        own_source=article.source,
        own_hash=article.content_hash,
        published_at=article.published_at,
        thresholds=settings.thresholds,
    )
    # Each term's count costs an index look-up the first time a worker meets it.
    topic = search.topic_words(session, story_terms(article.analysis, candidates))
    deadline.check("peers")
    chosen = most_similar(
        article.analysis, candidates, thresholds=settings.thresholds, topic_words=topic
    )
    deadline.check("loading peers")
    peers = [stored[c.article_id] for c, _ in chosen]
    ratings = repository.source_ratings(
        session, names=[*(c.source for c, _ in chosen), article.source or ""]
    )
    report = judge(
        article.text,
        article.analysis,
        chosen,
        _analyses(session, peers, features, cache.analyses),
        weights=weights(ratings),
        thresholds=settings.thresholds,
        max_claims=settings.max_claims,
        checkpoint=deadline.check,
    )
    return report, peers, ratings


def _features(
    session: Session, candidates: list[StoredCandidate], cache: LruCache[StoryFeatures]
) -> dict[int, StoryFeatures]:
    """The candidates' decoded story features by article id, read where `cache` lacks them."""

    def read(ids: list[int]) -> dict[int, StoryFeatures]:
        stored = repository.stored_features(session, article_ids=ids)
        return {article_id: load_features(data) for article_id, data in stored.items()}

    return _cached(cache, candidates, read)


def _analyses(
    session: Session,
    peers: list[StoredCandidate],
    features: dict[int, StoryFeatures],
    cache: LruCache[PeerAnalysis],
) -> dict[int, PeerAnalysis]:
    """The chosen peers' decoded analyses, with their statements, by article id, read where
    `cache` lacks them."""

    def read(ids: list[int]) -> dict[int, PeerAnalysis]:
        stored = repository.stored_analyses(session, article_ids=ids)
        return {
            article_id: load_peer(data, text, features[article_id])
            for article_id, (text, data) in stored.items()
        }

    return _cached(cache, peers, read)


def _cached(
    cache: LruCache[Decoded],
    articles: list[StoredCandidate],
    read: Callable[[list[int]], dict[int, Decoded]],
) -> dict[int, Decoded]:
    """What `read` gives for the articles, by article id, taken from `cache` where it holds it
    (and kept there where it did not)."""
    keys = {a.article_id: (a.article_id, a.ingested_at, a.analysis_version) for a in articles}
    found = cache.get_many(list(keys.values()))
    fresh = read([article_id for article_id, key in keys.items() if key not in found])
    cache.put_many({keys[article_id]: value for article_id, value in fresh.items()})
    return {
        article_id: found[key] if key in found else fresh[article_id]
        for article_id, key in keys.items()
        if key in found or article_id in fresh
    }


def store_scored(
    commits: GroupCommit,
    request: ScoreRequest,
    scored: Scored,
    settings: Settings,
    turn: AbstractContextManager[Any] = NO_TURN,
) -> Scored:
    """Store the scored article (reusing its analysis where the texts agree; analysing it again
    in `turn` where they do not)."""
    fields = request.model_dump(exclude={"store"}, exclude_none=True)
    item = ingest.ArticleCreate.model_validate({**fields, "source": request.source_name()})
    article, created = ingest.store_one(commits, item, settings, scored.analysis, turn)
    stored = ingest.ItemResult(0, "created" if created else "existing", article_id=article.id)
    return replace(scored, stored=stored)


def query_terms(analysis: Analysis) -> tuple[list[str], list[str]]:
    """What to look for in the index: the names (as written, and by key, which matches other
    transliterations) and the numbers and content words of the article."""
    names = [m.text for m in analysis.mentions] + list(analysis.name_keys)
    numbers = [q.text for c in analysis.claims for q in c.quantities if q.text[:1].isdigit()]
    counts = Counter(analysis.terms)
    frequent = sorted(counts, key=lambda term: (-counts[term], term))
    return list(dict.fromkeys(names))[:_QUERY_TERMS], list(dict.fromkeys([*numbers, *frequent]))[
        :_QUERY_TERMS
    ]


def weights(ratings: dict[str, tuple[float | None, float | None]]) -> dict[str, float]:
    """What each rated source's voice weighs: learned reliability, else its prior. Sources
    without either are left out (the pipeline gives them the default weight)."""
    return {
        name: learned if learned is not None else prior
        for name, (learned, prior) in ratings.items()
        if learned is not None or prior is not None
    }


def timestamp(moment: datetime | None) -> float | None:
    """POSIX seconds of a stored time (stored in UTC; SQLite returns it without its zone)."""
    utc = ingest.as_utc(moment)
    return utc.timestamp() if utc else None


def _candidate(stored: StoredCandidate, features: StoryFeatures) -> Candidate:
    return Candidate(
        stored.article_id,
        stored.source,
        features,
        stored.content_hash,
        timestamp(stored.published_at),
    )
