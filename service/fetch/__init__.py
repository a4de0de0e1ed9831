"""Articles by URL: the only package that makes outbound HTTP requests.

`Fetcher` (client.py) fetches within limits behind the SSRF guard (guard.py); `extract`
(extract.py) turns the page into text, title and publication time."""

from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from pydantic import BaseModel

from service.errors import FetchFailed
from service.fetch.client import Fetcher, Page
from service.fetch.extract import Extracted, extract
from service.turns import NO_TURN

__all__ = ["Extracted", "Fetcher", "Page", "fetch_article", "fill_from_url", "fill_many"]

Item = TypeVar("Item", bound=BaseModel)


def fetch_article(
    fetcher: Fetcher, url: str, *, min_chars: int, turn: AbstractContextManager[Any] = NO_TURN
) -> Extracted:
    """The article at `url` (extracted in `turn`: it is CPU work); a FetchFailed says why there
    is none."""
    page = fetcher.get(url)
    with turn:
        return extract(page, min_chars=min_chars)


def fill_from_url(
    item: Item, fetcher: Fetcher, *, min_chars: int, turn: AbstractContextManager[Any] = NO_TURN
) -> Item:
    """`item` itself when it has its text; else with text, and title and publication time
    where the client gave none, from the page at its `url`. The URL stays the one the client
    gave: it is what the client will send again."""
    if not _needs_fetch(item):
        return item
    article = fetch_article(fetcher, str(item.url), min_chars=min_chars, turn=turn)  # type: ignore[attr-defined]
    fields = item.model_dump(exclude_none=True)
    found = {"text": article.text, "title": article.title, "published_at": article.published_at}
    fields.update({k: v for k, v in found.items() if v is not None and fields.get(k) is None})
    return type(item).model_validate(fields)


def fill_many(
    items: list[Any],
    fetcher: Fetcher,
    *,
    min_chars: int,
    concurrency: int,
    turn: AbstractContextManager[Any] = NO_TURN,
) -> list[Any]:
    """Each request model filled as by `fill_from_url`, fetched `concurrency` at a time; an
    item whose fetch failed is replaced by its FetchFailed; anything else is passed through."""

    def fill(item: Any) -> Any:
        if not _needs_fetch(item):
            return item
        try:
            return fill_from_url(item, fetcher, min_chars=min_chars, turn=turn)
        except FetchFailed as exc:
            return exc

    if sum(map(_needs_fetch, items)) <= 1:
        return [fill(item) for item in items]
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="fetch") as pool:
        return list(pool.map(fill, items))


def _needs_fetch(item: Any) -> bool:
    return isinstance(item, BaseModel) and getattr(item, "text", "") is None
