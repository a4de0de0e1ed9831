"""Every query the service makes. Keyword-only functions; callers own the transaction."""

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, Integer, Table, bindparam, func, insert, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from service.analysis.pipeline import ANALYSIS_VERSION
from service.analysis.records import Analysis
from service.store.codec import dump_analysis, dump_features
from service.store.models import Article, ArticleAnalysis, ArticleFeatures, Source
from service.store.search import SQLITE_CARD_INDEX


@dataclass(frozen=True, slots=True)
class EncodedAnalysis:
    """An analysis as the store keeps it, encoded before the write transaction begins: the
    write lock is held for the inserts only, not for turning claims into JSON."""

    data: dict[str, Any]
    features: dict[str, Any]

    @classmethod
    def of(cls, analysis: Analysis) -> "EncodedAnalysis":
        return cls(dump_analysis(analysis), dump_features(analysis.features))


@dataclass(frozen=True, slots=True)
class NewArticle:
    """An article ready to store: validated, normalised, with its source named."""

    source: str
    text: str
    content_hash: str
    analysis: EncodedAnalysis
    title: str | None = None
    url: str | None = None
    language: str | None = None
    published_at: datetime | None = None


def get_or_create_source(session: Session, *, name: str) -> Source:
    """Return the source called `name`, creating it if needed (safe against a racing insert)."""
    source = session.exec(select(Source).where(Source.name == name)).first()
    if source is not None:
        return source
    try:
        with session.begin_nested():
            source = Source(name=name)
            session.add(source)
    except IntegrityError:
        source = session.exec(select(Source).where(Source.name == name)).one()
    return source


def get_or_create_sources(session: Session, *, names: Iterable[str]) -> dict[str, Source]:
    """The sources called `names` by name, the missing ones created in name order (so that
    concurrent batches wait for each other, never in a circle: a PostgreSQL deadlock)."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    query = select(Source).where(col(Source.name).in_(wanted))
    found = {source.name: source for source in session.exec(query).all()}
    missing = [Source(name=name) for name in wanted if name not in found]
    if missing:
        try:
            with session.begin_nested():
                session.add_all(missing)
        except IntegrityError:  # another writer created one of them: one by one, as it did
            return {name: get_or_create_source(session, name=name) for name in wanted}
    return found | {source.name: source for source in missing}


def find_duplicate(session: Session, *, article: NewArticle, source_id: int) -> Article | None:
    """The stored article that `article` repeats: same URL, or same text from the same source."""
    if article.url is not None:
        found = session.exec(select(Article).where(Article.url == article.url)).first()
        if found is not None:
            return found
    return session.exec(
        select(Article).where(
            Article.source_id == source_id, Article.content_hash == article.content_hash
        )
    ).first()


def find_by_urls(session: Session, *, urls: Sequence[str]) -> dict[str, Article]:
    """The stored articles with these canonical URLs, by URL."""
    if not urls:
        return {}
    rows = session.exec(select(Article).where(col(Article.url).in_(set(urls)))).all()
    return {row.url: row for row in rows if row.url is not None}


def lock_for_insert(session: Session, *, articles: Sequence[NewArticle]) -> None:
    """On PostgreSQL, take a transaction lock on every key the articles could collide on, in
    one global order, so that concurrent writers of the same articles wait for one another
    instead of deadlocking on the unique indexes. SQLite runs one writer at a time anyway."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = {f"url {article.url}" for article in articles if article.url}
    keys |= {f"text {article.source} {article.content_hash}" for article in articles}
    for lock in sorted({_lock_id(key) for key in keys}):
        session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})


def _lock_id(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), signed=True)


def add_article(session: Session, *, article: NewArticle) -> tuple[Article, bool]:
    """Store `article` unless it is already stored; return the row and whether it is new."""
    source = get_or_create_source(session, name=article.source)
    assert source.id is not None
    existing = find_duplicate(session, article=article, source_id=source.id)
    if existing is not None:
        return existing, False
    row = _article_row(article, source.id)
    try:
        with session.begin_nested():
            _insert(session, [(row, article)])
    except IntegrityError:
        # Another writer stored the same article between our look-up and our insert.
        existing = find_duplicate(session, article=article, source_id=source.id)
        if existing is None:
            raise
        return existing, False
    return row, True


def add_articles(session: Session, *, articles: Sequence[NewArticle]) -> list[tuple[Article, bool]]:
    """Store each of `articles` unless it is stored already or repeats one before it; the row of
    each, in order, and whether it is new. Looks up sources and duplicates once for the batch
    and inserts the new rows together, as `add_article` one by one would store them."""
    if not articles:
        return []
    sources = get_or_create_sources(session, names=(article.source for article in articles))
    by_url, by_text = _stored_keys(session, articles, sources)
    results: list[tuple[Article, bool]] = []
    new: list[tuple[Article, NewArticle]] = []
    for article in articles:
        source_id = sources[article.source].id
        assert source_id is not None
        existing = by_url.get(article.url) or by_text.get((source_id, article.content_hash))
        if existing is not None:
            results.append((existing, False))
            continue
        row = _article_row(article, source_id)
        new.append((row, article))
        if article.url is not None:
            by_url[article.url] = row
        by_text[(source_id, article.content_hash)] = row
        results.append((row, True))
    try:
        with session.begin_nested():
            _insert(session, new)
    except IntegrityError:
        # Another writer stored one of them after our look-up: one by one, each recovers.
        return [add_article(session, article=article) for article in articles]
    return results


def _stored_keys(
    session: Session, articles: Sequence[NewArticle], sources: dict[str, Source]
) -> tuple[dict[str | None, Article], dict[tuple[int, str], Article]]:
    """The stored articles that `articles` could repeat: by URL, and by (source id, hash)."""
    urls = {article.url for article in articles if article.url is not None}
    by_url: dict[str | None, Article] = {}
    if urls:
        rows = session.exec(select(Article).where(col(Article.url).in_(urls))).all()
        by_url = {row.url: row for row in rows}
    same_text = select(Article).where(
        col(Article.source_id).in_({source.id for source in sources.values()}),
        col(Article.content_hash).in_({article.content_hash for article in articles}),
    )
    by_text = {(row.source_id, row.content_hash): row for row in session.exec(same_text).all()}
    return by_url, by_text


_ARTICLES: Table = Article.__table__  # type: ignore[attr-defined]
_ANALYSES: Table = ArticleAnalysis.__table__  # type: ignore[attr-defined]
_FEATURES: Table = ArticleFeatures.__table__  # type: ignore[attr-defined]


def _insert(session: Session, new: Sequence[tuple[Article, NewArticle]]) -> None:
    """Insert the new rows and their analyses, giving each row its id. Core statements, not the
    ORM's unit of work: this runs under the write lock, and the rows need no tracking."""
    if not new:
        return
    connection = session.connection()
    columns = [_columns(row) for row, _ in new]
    inserted = connection.execute(
        insert(_ARTICLES).returning(_ARTICLES.c.id, sort_by_parameter_order=True), columns
    )
    for (row, _), article_id in zip(new, inserted.scalars(), strict=True):
        row.id = article_id
    analyses = [_analysis_columns(row.id, article.analysis) for row, article in new]
    connection.execute(insert(_ANALYSES), analyses)
    features = [_features_columns(row.id, article.analysis) for row, article in new]
    connection.execute(insert(_FEATURES), features)


def _article_row(article: NewArticle, source_id: int) -> Article:
    return Article(
        source_id=source_id,
        title=article.title,
        text=article.text,
        url=article.url,
        language=article.language,
        published_at=article.published_at,
        content_hash=article.content_hash,
    )


def _columns(row: Article) -> dict[str, Any]:
    return row.model_dump(exclude={"id"})


def _analysis_columns(article_id: int | None, analysis: EncodedAnalysis) -> dict[str, Any]:
    return {"article_id": article_id, "version": ANALYSIS_VERSION, "data": analysis.data}


def _features_columns(article_id: int | None, analysis: EncodedAnalysis) -> dict[str, Any]:
    return {"article_id": article_id, "version": ANALYSIS_VERSION, "features": analysis.features}


def get_article(session: Session, *, article_id: int) -> Article | None:
    return session.get(Article, article_id)


def delete_article(session: Session, *, article_id: int) -> bool:
    """Delete one article; False when there was none with that id."""
    article = session.get(Article, article_id)
    if article is None:
        return False
    session.delete(article)
    session.flush()
    return True


def list_articles(
    session: Session,
    *,
    limit: int,
    before_id: int | None = None,
    source: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Sequence[tuple[Article, str]]:
    """Articles newest first (by id), with their source names, filtered and keyset-paged."""
    query = select(Article, Source.name).join(Source).order_by(col(Article.id).desc()).limit(limit)
    if before_id is not None:
        query = query.where(col(Article.id) < before_id)
    if source is not None:
        query = query.where(Source.name == source)
    if since is not None:
        query = query.where(col(Article.published_at) >= since)
    if until is not None:
        query = query.where(col(Article.published_at) < until)
    return session.exec(query).all()


def source_name(session: Session, *, source_id: int) -> str:
    return session.exec(select(Source.name).where(Source.id == source_id)).one()


def count_articles(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Article)).one()


@dataclass(frozen=True, slots=True)
class StoredPeer:
    """A stored article whole: its source, text, stored analysis and features (what scoring a
    stored article again needs, as `crosscheck reliability` does)."""

    article_id: int
    source: str
    title: str | None
    url: str | None
    text: str
    content_hash: str
    published_at: datetime | None
    analysis: dict[str, Any]
    features: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoredCandidate:
    """A stored article as choosing peers needs it (and a report names it): no text, no claims.
    Its story features are read apart (`stored_features`): a cache may hold them. Its fields are
    the columns of `_CANDIDATES` and `_SQLITE_CANDIDATES`, which SQLite reads from the index of
    migration 0008: a field added here needs a column there, and in that index."""

    article_id: int
    source: str
    title: str | None
    url: str | None
    content_hash: str
    published_at: datetime | None
    ingested_at: datetime
    analysis_version: int


# The statements every /score request runs, built once: building one costs about as much as
# running it on a few dozen rows (0.3 of 0.7 ms for the candidates).
_CANDIDATES = (
    select(
        Article.id,
        Source.name,
        Article.title,
        Article.url,
        Article.content_hash,
        Article.published_at,
        Article.ingested_at,
        ArticleFeatures.version,
    )
    .join(Source, col(Source.id) == col(Article.source_id))
    .join(ArticleFeatures, col(ArticleFeatures.article_id) == col(Article.id))
    .where(col(Article.id).in_(bindparam("ids", expanding=True)))
)
# The same on SQLite, through the index that holds these columns without the text (search.py):
# SQLAlchemy renders no index hint for SQLite, hence the text.
_SQLITE_CANDIDATES = (
    text(
        "SELECT article.id, source.name, article.title, article.url, article.content_hash, "
        "article.published_at, article.ingested_at, article_features.version "
        f"FROM article INDEXED BY {SQLITE_CARD_INDEX} "
        "JOIN source ON source.id = article.source_id "
        "JOIN article_features ON article_features.article_id = article.id "
        "WHERE article.id IN :ids"
    )
    .bindparams(bindparam("ids", expanding=True, type_=Integer))
    .columns(*_CANDIDATES.selected_columns)  # typed as the Core query's, in its order
)
_RATINGS = select(Source.name, Source.reliability, Source.prior).where(
    col(Source.name).in_(bindparam("names", expanding=True))
)
_STORED_FEATURES = select(ArticleFeatures.article_id, ArticleFeatures.features).where(
    col(ArticleFeatures.article_id).in_(bindparam("ids", expanding=True))
)
_STORED_ANALYSES = (
    select(Article.id, Article.text, ArticleAnalysis.data)
    .join(ArticleAnalysis, col(ArticleAnalysis.article_id) == col(Article.id))
    .where(col(Article.id).in_(bindparam("ids", expanding=True)))
)


def _read(session: Session, statement: Executable, parameters: dict[str, Any]) -> Sequence[Any]:
    """The rows of a select of columns, run on the session's connection: the ORM's execution
    (identity map, loading, events) only costs for plain rows, about 0.1 ms a statement, and
    scoring runs four of them a request. It sees what the session has flushed, not objects
    only added to it (scoring adds none)."""
    return session.connection().execute(statement, parameters).all()


def load_candidates(session: Session, *, article_ids: Sequence[int]) -> list[StoredCandidate]:
    """The analysed articles among `article_ids`."""
    if not article_ids:
        return []
    sqlite = session.get_bind().dialect.name == "sqlite"
    rows = _read(session, _SQLITE_CANDIDATES if sqlite else _CANDIDATES, {"ids": list(article_ids)})
    return [StoredCandidate(*row) for row in rows]


def stored_features(session: Session, *, article_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The stored story features of the analysed articles among `article_ids`, by id."""
    if not article_ids:
        return {}
    return dict(_read(session, _STORED_FEATURES, {"ids": list(article_ids)}))


def stored_analyses(
    session: Session, *, article_ids: Sequence[int]
) -> dict[int, tuple[str, dict[str, Any]]]:
    """The text and stored analysis of the analysed articles among `article_ids`, by id."""
    if not article_ids:
        return {}
    rows = _read(session, _STORED_ANALYSES, {"ids": list(article_ids)})
    return {article_id: (text, data) for article_id, text, data in rows}


def load_peers(session: Session, *, article_ids: Sequence[int]) -> list[StoredPeer]:
    """The analysed articles among `article_ids`, whole (text and analysis)."""
    if not article_ids:
        return []
    query = (
        select(Article, Source.name, ArticleAnalysis.data, ArticleFeatures.features)
        .join(Source, col(Source.id) == col(Article.source_id))
        .join(ArticleAnalysis, col(ArticleAnalysis.article_id) == col(Article.id))
        .join(ArticleFeatures, col(ArticleFeatures.article_id) == col(Article.id))
        .where(col(Article.id).in_(list(article_ids)))
    )
    return [
        StoredPeer(a.id, name, a.title, a.url, a.text, a.content_hash, a.published_at, data, feats)  # type: ignore[arg-type]
        for a, name, data, feats in session.exec(query).all()
    ]


def source_ratings(
    session: Session, *, names: Iterable[str]
) -> dict[str, tuple[float | None, float | None]]:
    """(learned reliability, prior) of each named source that is known."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    rows = _read(session, _RATINGS, {"names": wanted})
    return {name: (reliability, prior) for name, reliability, prior in rows}


def list_sources(session: Session) -> list[tuple[Source, int]]:
    """Every source with its number of stored articles, by name."""
    counts = (
        select(Article.source_id, func.count().label("articles"))
        .group_by(col(Article.source_id))
        .subquery()
    )
    query = (
        select(Source, func.coalesce(counts.c.articles, 0))
        .outerjoin(counts, counts.c.source_id == col(Source.id))
        .order_by(col(Source.name))
    )
    return [(source, int(articles)) for source, articles in session.exec(query).all()]


def get_source(session: Session, *, name: str) -> tuple[Source, int] | None:
    source = session.exec(select(Source).where(Source.name == name)).first()
    if source is None:
        return None
    articles = session.exec(
        select(func.count()).select_from(Article).where(Article.source_id == source.id)
    ).one()
    return source, int(articles)


def set_priors(session: Session, *, priors: dict[str, float]) -> None:
    """Make `priors` the operator ratings: sources missing from them lose theirs."""
    for source in session.exec(select(Source).where(col(Source.prior).is_not(None))).all():
        if source.name not in priors:
            source.prior = None
    for name, prior in priors.items():
        get_or_create_source(session, name=name).prior = prior
    session.flush()


def save_reliability(
    session: Session, *, estimates: dict[str, tuple[float, int]], at: datetime
) -> None:
    """Store learned reliabilities; sources not in `estimates` keep no learned value."""
    for source in session.exec(select(Source)).all():
        reliability, claims = estimates.get(source.name, (None, 0))
        source.reliability = reliability
        source.reliability_claims = claims
        source.reliability_updated_at = at
    session.flush()


def article_ids(session: Session, *, after_id: int, limit: int, outdated_only: bool) -> list[int]:
    """Ids of stored articles in id order (keyset-paged), optionally only those needing analysis."""
    # Features are written with the analysis: their row says which version both are of.
    query = (
        select(Article.id)
        .outerjoin(ArticleFeatures, col(ArticleFeatures.article_id) == col(Article.id))
        .where(col(Article.id) > after_id)
        .order_by(col(Article.id))
        .limit(limit)
    )
    if outdated_only:
        query = query.where(
            (col(ArticleFeatures.version).is_(None))
            | (col(ArticleFeatures.version) < ANALYSIS_VERSION)
        )
    return [article_id for article_id in session.exec(query).all() if article_id is not None]


def save_analyses(session: Session, *, analyses: Mapping[int, EncodedAnalysis]) -> None:
    """Store the analyses by article id, replacing older ones; articles deleted meanwhile are
    left out (one query for which are still stored)."""
    stored = set(session.exec(select(Article.id).where(col(Article.id).in_(list(analyses)))).all())
    for article_id, analysis in analyses.items():
        if article_id in stored:
            session.merge(ArticleAnalysis(**_analysis_columns(article_id, analysis)))
            session.merge(ArticleFeatures(**_features_columns(article_id, analysis)))
