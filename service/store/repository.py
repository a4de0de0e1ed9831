"""Every query the service makes. Keyword-only functions; callers own the transaction."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from service.store.models import Article, Source


@dataclass(frozen=True, slots=True)
class NewArticle:
    """An article ready to store: validated, normalised, with its source named."""

    source: str
    text: str
    content_hash: str
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


def add_article(session: Session, *, article: NewArticle) -> tuple[Article, bool]:
    """Store `article` unless it is already stored; return the row and whether it is new."""
    source = get_or_create_source(session, name=article.source)
    assert source.id is not None
    existing = find_duplicate(session, article=article, source_id=source.id)
    if existing is not None:
        return existing, False
    row = Article(
        source_id=source.id,
        title=article.title,
        text=article.text,
        url=article.url,
        language=article.language,
        published_at=article.published_at,
        content_hash=article.content_hash,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Another writer stored the same article between our look-up and our insert.
        existing = find_duplicate(session, article=article, source_id=source.id)
        if existing is None:
            raise
        return existing, False
    return row, True


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
