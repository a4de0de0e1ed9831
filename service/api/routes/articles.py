"""The article store: add, batch-add, read, list and delete articles."""

import base64
import binascii
import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from service import fetch, ingest
from service.api.deps import (
    AnalysisTurnsDep,
    EngineDep,
    FetcherDep,
    GroupCommitDep,
    ReadSession,
    SettingsDep,
    WriteSession,
    writing_slot,
)
from service.api.errors import FETCH_STATUSES, responses
from service.api.schemas import (
    ArticleCreate,
    ArticlePage,
    ArticlePublic,
    ArticleSummary,
    BatchCreate,
    BatchItem,
    BatchResult,
)
from service.api.security import READ, WRITE
from service.errors import BatchTooLarge, InvalidCursor, InvalidInput, NotFound
from service.store import repository
from service.store.models import Article

router = APIRouter(prefix="/articles", tags=["articles"])

# The caller's key is checked before a slot is taken: unknown callers never crowd out known ones.
STORING = [*WRITE, Depends(writing_slot, scope="function")]
# Ids are 32-bit integers in the database; anything larger is simply not an id of ours.
ArticleId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Article id.")]


@router.post(
    "",
    response_model=ArticlePublic,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": ArticlePublic, "description": "Already stored"},
        **responses(400, 401, 403, 413, 422, 429, 503, *FETCH_STATUSES),
    },
    dependencies=STORING,
    summary="Store one article (idempotent)",
)
def create_article(
    item: ArticleCreate,
    response: Response,
    engine: EngineDep,
    commits: GroupCommitDep,
    turns: AnalysisTurnsDep,
    session: ReadSession,
    settings: SettingsDep,
    fetcher: FetcherDep,
) -> ArticlePublic:
    """Store an article. The same URL, or the same text from the same source, returns the
    stored article with 200 instead of storing it again. Without `text`, the page at `url`
    is fetched and its article extracted (see the fetch error codes), unless the URL is stored."""
    stored = ingest.already_stored(engine, [item])
    if stored:
        response.status_code = status.HTTP_200_OK
        return _public(session, stored[0])
    item = fetch.fill_from_url(item, fetcher, min_chars=settings.fetch_min_text_chars, turn=turns)
    article, created = ingest.store_one(commits, item, settings, turn=turns)
    if not created:
        response.status_code = status.HTTP_200_OK
    return _public(session, article)


@router.post(
    "/batch",
    response_model=BatchResult,
    responses=responses(400, 401, 403, 413, 422, 429, 503),
    dependencies=STORING,
    summary="Store many articles in one transaction",
)
def create_articles(
    body: BatchCreate,
    engine: EngineDep,
    turns: AnalysisTurnsDep,
    settings: SettingsDep,
    fetcher: FetcherDep,
) -> BatchResult:
    """Store up to `CROSSCHECK_MAX_BATCH_ITEMS` articles; each item is reported as created,
    existing or rejected (with the reason). Rejected items do not stop the others. Items
    without `text` are fetched from their `url`, `CROSSCHECK_FETCH_CONCURRENCY` at a time; a
    failed fetch rejects that item with the fetch error's code."""
    if len(body.items) > settings.max_batch_items:
        raise BatchTooLarge(
            f"{len(body.items)} items; the limit is {settings.max_batch_items} per batch",
            details={"limit": settings.max_batch_items, "items": len(body.items)},
        )
    results = ingest.store_batch(engine, body.items, settings, fetcher, turn=turns)
    items = [BatchItem.model_validate(result, from_attributes=True) for result in results]
    return BatchResult(
        created=sum(item.status == "created" for item in items),
        existing=sum(item.status == "existing" for item in items),
        rejected=sum(item.status == "rejected" for item in items),
        items=items,
    )


@router.get(
    "",
    response_model=ArticlePage,
    responses=responses(401, 403, 422, 503),
    dependencies=READ,
    summary="List articles",
)
def list_articles(
    session: ReadSession,
    settings: SettingsDep,
    source: Annotated[str | None, Query(description="Only this source.")] = None,
    since: Annotated[ingest.IsoDatetime | None, Query(description="Published at or after.")] = None,
    until: Annotated[ingest.IsoDatetime | None, Query(description="Published before.")] = None,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page.")] = None,
    limit: Annotated[
        int, Query(ge=1, description="Page size; capped at CROSSCHECK_MAX_PAGE_SIZE.")
    ] = 20,
) -> ArticlePage:
    """Stored articles, newest first. `since`/`until` filter on `published_at`, so articles
    without a publication date are left out when either is given."""
    limit = min(limit, settings.max_page_size)
    rows = repository.list_articles(
        session,
        limit=limit + 1,
        before_id=_decode_cursor(cursor) if cursor else None,
        source=ingest.normalize_source(source) if source else None,
        since=_utc_query("since", since),
        until=_utc_query("until", until),
    )
    page = [_summary(article, name) for article, name in rows[:limit]]
    next_cursor = _encode_cursor(page[-1].id) if len(rows) > limit else None
    return ArticlePage(items=page, next_cursor=next_cursor)


@router.get(
    "/{article_id}",
    response_model=ArticlePublic,
    responses=responses(401, 403, 404, 422, 503),
    dependencies=READ,
    summary="Read one article",
)
def get_article(article_id: ArticleId, session: ReadSession) -> ArticlePublic:
    article = repository.get_article(session, article_id=article_id)
    if article is None:
        raise NotFound(f"no article with id {article_id}", details={"id": article_id})
    return _public(session, article)


@router.delete(
    "/{article_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 403, 404, 422, 503),
    dependencies=WRITE,
    summary="Delete one article",
)
def delete_article(article_id: ArticleId, session: WriteSession) -> Response:
    if not repository.delete_article(session, article_id=article_id):
        raise NotFound(f"no article with id {article_id}", details={"id": article_id})
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _summary(article: Article, source: str) -> ArticleSummary:
    return ArticleSummary.model_validate({**article.model_dump(), "source": source})


def _public(session: ReadSession, article: Article) -> ArticlePublic:
    assert article.source_id is not None
    source = repository.source_name(session, source_id=article.source_id)
    return ArticlePublic.model_validate({**article.model_dump(), "source": source})


def _utc_query(name: str, value: datetime | None) -> datetime | None:
    try:
        return ingest.as_utc(value)
    except ValueError as exc:
        raise InvalidInput(str(exc), details={"parameter": name}) from exc


def _encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"before:{last_id}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        match = re.fullmatch(r"before:([0-9]{1,10})", raw)
        if match is None:
            raise ValueError(raw)
        before = int(match.group(1))
        if not 1 <= before <= 2**31:
            raise ValueError(raw)
        return before
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor("the cursor is not one this service handed out") from exc
