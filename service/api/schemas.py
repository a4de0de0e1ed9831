"""Request and response bodies of the public API."""

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.ingest import ArticleCreate

__all__ = [
    "ArticleCreate",
    "ArticlePage",
    "ArticlePublic",
    "ArticleSummary",
    "BatchCreate",
    "BatchItem",
    "BatchResult",
    "ErrorBody",
    "ErrorResponse",
    "Health",
    "Readiness",
]


class ArticleSummary(BaseModel):
    """A stored article without its text."""

    id: int
    source: str
    title: str | None
    url: str | None
    language: str | None
    published_at: datetime | None
    ingested_at: datetime
    content_hash: str

    @field_validator("published_at", "ingested_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        # SQLite hands timestamps back without their zone; they were stored in UTC.
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class ArticlePublic(ArticleSummary):
    """A stored article, as normalised at ingest."""

    text: str


class ArticlePage(BaseModel):
    items: list[ArticleSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class BatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[Any] = Field(
        description="Articles, each shaped like ArticleCreate. Invalid items are rejected "
        "one by one; the valid ones are stored.",
        json_schema_extra={"items": {"$ref": "#/components/schemas/ArticleCreate"}},
    )


class ItemError(BaseModel):
    code: str
    message: str
    details: Any = None


class BatchItem(BaseModel):
    index: int = Field(description="Position of the item in the request.")
    status: Literal["created", "existing", "rejected"]
    article_id: int | None = None
    error: ItemError | None = None


class BatchResult(BaseModel):
    created: int
    existing: int
    rejected: int
    items: list[BatchItem]


class ErrorBody(BaseModel):
    code: str = Field(description="Stable machine-readable reason, e.g. `not_found`.")
    message: str = Field(description="What went wrong, for a person.")
    details: Any = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    database: bool
    migrations: Literal["at_head", "behind", "unknown"]
    revision: str | None
    head: str | None
