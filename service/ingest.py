"""Storing articles: one code path for `POST /articles`, the batch route and `crosscheck ingest`."""

import re
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    UrlConstraints,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from sqlalchemy import Engine
from sqlmodel import Session

from service import fetch
from service.analysis.normalize import SURROGATE, content_hash, normalize_text
from service.analysis.pipeline import analyze
from service.analysis.records import Analysis
from service.errors import FetchFailed, InvalidInput, ServiceError, TextTooLong, TooManySentences
from service.fetch import Fetcher
from service.language import detect_language
from service.settings import Settings
from service.store import repository
from service.store.db import session_scope, write_transaction
from service.store.group_commit import GroupCommit
from service.store.models import Article
from service.store.repository import EncodedAnalysis, NewArticle
from service.turns import NO_TURN

MAX_URL_CHARS = 2048  # the width of the stored column
_TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")


def _nonblank(value: str) -> str:
    if not is_visible(value):
        raise ValueError("must contain more than whitespace and invisible characters")
    return _encodable(value)


def _encodable(value: str) -> str:
    # Lone surrogates (from JSON escapes) cannot be encoded; one replacement character each
    # keeps every offset into the text as the client counts it.
    return SURROGATE.sub("\ufffd", value)


def is_visible(value: str) -> bool:
    """Whether anything would be left to read once the text is normalised."""
    return any(char.isprintable() and not char.isspace() for char in normalize_text(value))


def normalize_source(value: str) -> str:
    """Sources are matched case- and spacing-insensitively: "Der Spiegel" is "der  spiegel"."""
    return " ".join(normalize_text(value).split()).lower()


def _source_name(value: str) -> str:
    name = normalize_source(value)
    if not name:
        raise ValueError("must contain more than whitespace")
    return name


def as_utc(value: datetime | None) -> datetime | None:
    """Naive timestamps are taken as UTC; everything is stored in UTC."""
    if value is None:
        return None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError as exc:  # "0001-01-01T00:00+14:00" has no UTC time
        raise ValueError("the time lies outside the range of dates that can be stored") from exc


# A language tag as clients send it ("de", "DE", "de-DE", "de_AT"); stored as its primary subtag.
LANGUAGE_TAG = r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$"


def _language_code(value: object) -> object:
    """ "DE", "de-DE" and "de_AT" are all German: keep the primary subtag in lower case.
    Anything else is left for the type and pattern checks to reject."""
    if not isinstance(value, str) or not re.fullmatch(LANGUAGE_TAG, value):
        return value
    return re.split(r"[-_]", value, maxsplit=1)[0].lower()


def _iso_datetime(value: object) -> object:
    """Times are ISO 8601 strings, as the schema says; pydantic would also read a bare number
    (`0.5`, `"1700000000"`) as seconds since 1970, which no client means."""
    if isinstance(value, int | float) or (
        isinstance(value, str) and re.fullmatch(r"\s*[-+]?[0-9.]+(e[-+]?[0-9]+)?\s*", value, re.I)
    ):
        raise ValueError("expected an ISO 8601 date-time such as 2024-04-03T18:40:00+02:00")
    return value


# Field types shared by every request that carries an article.
ArticleText = Annotated[str, AfterValidator(_nonblank)]
# A headline is stored normalised, but a response may echo it as sent (`fetched.title`).
Headline = Annotated[str, AfterValidator(_encodable)]
SourceName = Annotated[str, StringConstraints(max_length=200), AfterValidator(_source_name)]
LanguageCode = Annotated[
    # The schema shows what clients may send; the pattern checks what is kept.
    Annotated[
        str,
        StringConstraints(pattern=r"^[a-z]{2,3}$"),
        WithJsonSchema({"type": "string", "pattern": LANGUAGE_TAG}),
    ]
    | None,
    BeforeValidator(_language_code),
]
IsoDatetime = Annotated[datetime, BeforeValidator(_iso_datetime)]
# Refused before anything is fetched (longer URLs are not stored, and httpx refuses them).
ArticleUrl = Annotated[AnyHttpUrl, UrlConstraints(max_length=MAX_URL_CHARS)]
UtcDatetime = Annotated[IsoDatetime | None, AfterValidator(as_utc)]
LANGUAGE_HELP = (
    "ISO 639 code such as `de` or `en`; `DE` and `de-DE` are read as `de`. Detected when missing."
)


class ArticleCreate(BaseModel):
    """An article as a client submits it."""

    model_config = ConfigDict(extra="forbid")

    text: ArticleText | None = Field(
        default=None,
        description="The article's text, as published. Without it, the page at `url` is "
        "fetched and its article text extracted.",
    )
    source: SourceName | None = Field(
        default=None,
        description="The outlet. Optional when `url` is given: its host names the source.",
        examples=["tagesschau.de"],
    )
    title: Headline | None = Field(default=None, description="Headline.")
    url: ArticleUrl | None = Field(
        default=None,
        description="Where the article was published. Fetched when `text` is missing; "
        "title and published_at are then taken from the page unless given.",
    )
    language: LanguageCode = Field(default=None, description=LANGUAGE_HELP, examples=["de"])
    published_at: UtcDatetime = Field(
        default=None, description="Publication time; without a zone it is taken as UTC."
    )

    @model_validator(mode="after")
    def _source_known(self) -> "ArticleCreate":
        require_text_or_url(self.text, self.url)
        if self.source is None and (self.url is None or not self.url.host):
            raise ValueError("`source` is required unless `url` names a host")
        return self


def require_text_or_url(text: str | None, url: AnyHttpUrl | None) -> None:
    if text is None and url is None:
        raise ValueError("`text` is required unless `url` is given (the page is then fetched)")


def canonical_url(url: AnyHttpUrl) -> str:
    """The URL without fragment, default port or tracking parameters; host in lower case."""
    parts = urlsplit(str(url))
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith(_TRACKING_PARAMS)
        ]
    )
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))


def source_from_host(host: str) -> str:
    host = host.lower().rstrip(".")
    return host.removeprefix("www.")


def check_length(what: str, text: str, limit: int) -> None:
    """Refuse normalised text over its limit (the same count for storing and scoring)."""
    length = len(text.strip())
    if length > limit:
        raise TextTooLong(
            f"{what} has {length} characters; the limit is {limit}",
            details={"limit": limit, "length": length},
        )


def text_of(text: str | None) -> str:
    """The text to analyse; an item given by URL must have been filled from its page first."""
    if text is None:
        raise InvalidInput("`text` is missing and the page at `url` was not fetched")
    return text


def check_sentences(analysis: Analysis, limit: int) -> None:
    """Refuse an article of more sentences than the limit (storing and scoring alike)."""
    count = len(analysis.sentences)
    if count > limit:
        raise TooManySentences(
            f"the text has {count} sentences; the limit is {limit}",
            details={"limit": limit, "sentences": count},
        )


def prepare(
    item: ArticleCreate, settings: Settings, analysis: Analysis | None = None
) -> NewArticle:
    """Check the limits and normalise the submitted article into what the store keeps.
    `analysis` may be passed when the caller already analysed exactly this normalised text."""
    text = normalize_text(text_of(item.text))
    check_length("text", text, settings.max_text_chars)
    title = normalize_text(item.title) if item.title else None
    if title:
        check_length("title", title, settings.max_title_chars)
    url = canonical_url(item.url) if item.url else None
    if url and len(url) > MAX_URL_CHARS:
        raise InvalidInput(
            f"url has {len(url)} characters; the limit is {MAX_URL_CHARS}",
            details={"limit": MAX_URL_CHARS, "length": len(url)},
        )
    source = item.source or source_from_host(item.url.host)  # type: ignore[union-attr]
    language = item.language or (analysis.language if analysis else None) or detect_language(text)
    analysis = analysis or analyze(text, language)
    check_sentences(analysis, settings.max_sentences)
    return NewArticle(
        source=source,
        text=text,
        content_hash=content_hash(text),
        analysis=EncodedAnalysis.of(analysis),
        title=title or None,
        url=url,
        language=language,
        published_at=item.published_at,
    )


@dataclass(frozen=True, slots=True)
class ItemResult:
    """What happened to one item of a batch."""

    index: int
    status: Literal["created", "existing", "rejected"]
    article_id: int | None = None
    error: dict[str, Any] | None = None


def store_batch(
    engine: Engine,
    items: Sequence[Any],
    settings: Settings,
    fetcher: Fetcher | None = None,
    turn: AbstractContextManager[Any] = NO_TURN,
) -> list[ItemResult]:
    """Validate every item, fetch the pages of those given by URL only, analyse, then store
    the valid ones in one short write transaction (fetching and analysis happen before the
    write lock is taken); report each item."""
    validated = [_validate_item(index, raw) for index, raw in enumerate(items)]
    known = already_stored(engine, validated)
    validated = [
        ItemResult(index, "existing", article_id=known[index].id) if index in known else item
        for index, item in enumerate(validated)
    ]
    if fetcher is not None:
        validated = fetch.fill_many(
            validated,
            fetcher,
            min_chars=settings.fetch_min_text_chars,
            concurrency=settings.fetch_concurrency,
            turn=turn,
        )
    prepared = [_prepare_item(index, item, settings, turn) for index, item in enumerate(validated)]

    def store(session: Session) -> list[ItemResult]:
        articles = [item for item in prepared if isinstance(item, NewArticle)]
        repository.lock_for_insert(session, articles=articles)
        stored = iter(repository.add_articles(session, articles=articles))
        return [
            item if isinstance(item, ItemResult) else _stored_result(index, *next(stored))
            for index, item in enumerate(prepared)
        ]

    return write_transaction(engine, store)


def already_stored(engine: Engine, items: Sequence[Any]) -> dict[int, Article]:
    """The items to fetch whose URL is stored already, by position: fetching them again would
    only load the publisher's server to find the same article. (A transaction of its own: a
    request's read transaction begun now would not see what the request then stores.)"""
    wanted = {
        index: canonical_url(item.url)
        for index, item in enumerate(items)
        if isinstance(item, ArticleCreate) and item.text is None and item.url is not None
    }
    if not wanted:
        return {}
    with session_scope(engine) as session:
        found = repository.find_by_urls(session, urls=list(wanted.values()))
    return {index: found[url] for index, url in wanted.items() if url in found}


def store_one(
    commits: GroupCommit,
    item: ArticleCreate,
    settings: Settings,
    analysis: Analysis | None = None,
    turn: AbstractContextManager[Any] = NO_TURN,
) -> tuple[Article, bool]:
    """Store one article, analysed (in `turn`, unless `analysis` is given) before it joins a
    write transaction; the row and whether new."""
    with turn if analysis is None else NO_TURN:
        article = prepare(item, settings, analysis)
    return commits.store(article)


def _stored_result(index: int, row: Article, created: bool) -> ItemResult:
    return ItemResult(index, "created" if created else "existing", article_id=row.id)


def _validate_item(index: int, raw: Any) -> ArticleCreate | ItemResult:
    try:
        return ArticleCreate.model_validate(raw)
    except ValidationError as exc:
        error = {
            "code": "validation_error",
            "message": "invalid article",
            "details": errors_of(exc),
        }
        return ItemResult(index, "rejected", error=error)


def _prepare_item(
    index: int,
    item: ArticleCreate | ItemResult | ServiceError,
    settings: Settings,
    turn: AbstractContextManager[Any],
) -> NewArticle | ItemResult:
    try:
        if isinstance(item, ServiceError):
            raise item
        if isinstance(item, ItemResult):
            return item
        with turn:
            return prepare(item, settings)
    except (InvalidInput, FetchFailed) as exc:
        return ItemResult(
            index,
            "rejected",
            error={"code": exc.code, "message": exc.message, "details": exc.details},
        )


def errors_of(exc: ValidationError) -> list[dict[str, Any]]:
    """Pydantic's errors without the echoed input (which may be a whole article)."""
    return [
        {"loc": list(error["loc"]), "message": error["msg"], "type": error["type"]}
        for error in exc.errors(include_url=False, include_input=False)
    ]


def chunks(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def reanalyse(engine: Engine, *, after_id: int, limit: int, everything: bool) -> list[int]:
    """Analyse the next `limit` stored articles after `after_id` again, then store the analyses
    in one short write transaction (the write lock is not held while analysing); their ids."""
    with session_scope(engine) as session:
        ids = repository.article_ids(
            session, after_id=after_id, limit=limit, outdated_only=not everything
        )
        articles = [repository.get_article(session, article_id=article_id) for article_id in ids]
    analyses = {
        article.id: EncodedAnalysis.of(
            analyze(article.text, article.language or detect_language(article.text))
        )
        for article in articles
        if article is not None and article.id is not None
    }
    write_transaction(engine, lambda session: repository.save_analyses(session, analyses=analyses))
    return ids
