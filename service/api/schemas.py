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


ARTICLE_CREATE_REF = "#/components/schemas/ArticleCreate"


class BatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[Any] = Field(
        description="Articles, each shaped like ArticleCreate. Invalid items are rejected "
        "one by one; the valid ones are stored.",
        # Items are checked one by one, so anything is accepted here (and rejected as an item).
        json_schema_extra={"items": {"anyOf": [{"$ref": ARTICLE_CREATE_REF}, {}]}},
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
    migrations: Literal["at_head", "behind", "newer", "unknown"] = Field(
        description="Where the database's schema stands against this release's: `newer` when a "
        "later release migrated it (roll this one forward, not the database back)."
    )
    revision: str | None
    head: str | None


OFFSETS = (
    "Offset into the submitted text in Unicode code points (Python string indices); "
    "clients that index UTF-16 (JavaScript) convert, e.g. with Array.from(text)."
)


class SourcePublic(BaseModel):
    name: str
    articles: int = Field(description="Stored articles of this source.")
    prior: float | None = Field(description="Operator rating in [0, 1], if one was loaded.")
    reliability: float | None = Field(
        description="Learned from the corpus by truth discovery; null until computed."
    )
    reliability_claims: int = Field(description="Well-supported claims the learned value rests on.")
    reliability_updated_at: datetime | None

    @field_validator("reliability_updated_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class SourceRatingOut(BaseModel):
    name: str | None
    reliability: float | None = Field(description="Learned reliability; null when not learned.")
    prior: float | None


class PeerOut(BaseModel):
    article_id: int
    source: str
    title: str | None
    url: str | None
    similarity: float = Field(description="Story similarity to the scored article, 0 to 1.")
    voice: int = Field(description="Peers with the same voice are copies of one another.")


class VoiceOut(BaseModel):
    id: int
    sources: list[str]
    article_ids: list[int]
    weight: float = Field(description="How much the voice counts: its best source's reliability.")


class EvidenceOut(BaseModel):
    article_id: int
    source: str
    voice: int
    text: str = Field(description="The peer's statement.")
    start: int = Field(description="Offset of the statement in the peer article's stored text.")
    end: int
    similarity: float
    stance: Literal["supports", "contradicts", "related"]


class ConflictOut(BaseModel):
    kind: Literal["number", "date", "negation"]
    found: str = Field(description="What the scored article says.")
    expected: str = Field(description="What the conflicting peers say.")
    sources: list[str]


class ClaimOut(BaseModel):
    text: str = Field(description="Exactly `submitted_text[start:end]`.")
    start: int = Field(description=OFFSETS)
    end: int
    verdict: Literal["supported", "contradicted", "mixed", "unverified"]
    agreement: float = Field(
        description="Reliability-weighted share of the voices taking a side that support the "
        "claim; 0.5 when none does (unverified)."
    )
    evidence: list[EvidenceOut]
    conflicts: list[ConflictOut]


class FlagEvidence(BaseModel):
    count: int = Field(description="Independent sources that use the expected form.")
    sources: list[str]


class FlagOut(BaseModel):
    type: Literal["spelling_drift", "translation_artifact", "scraping_residue"]
    subtype: str = Field(
        description="spelling_drift: peers | inconsistent; translation_artifact: date_order | "
        "quote_style | number_format | foreign_transliteration | translated_name | fragment; "
        "scraping_residue: audio_player | newsletter | related_link | credit | boilerplate."
    )
    start: int = Field(description=f"{OFFSETS} `text[start:end] == found`.")
    end: int
    found: str
    expected: str | None = Field(description="The right form, when there is a single one.")
    confidence: float
    message: str = Field(description="One sentence for the editor.")
    evidence: FlagEvidence


class StoredOut(BaseModel):
    article_id: int | None
    status: Literal["created", "existing", "rejected"]


class FetchedOut(BaseModel):
    text: str = Field(description="The article text extracted from the page: what was scored.")
    title: str | None
    published_at: datetime | None


class ScoreResponse(BaseModel):
    score: float = Field(description="Agreement of the article with its peers, 0 to 1.")
    language: str | None
    source: SourceRatingOut
    peers: list[PeerOut]
    voices: list[VoiceOut]
    claims: list[ClaimOut] = Field(
        description="The first CROSSCHECK_MAX_CLAIMS claims, in text order."
    )
    claims_total: int = Field(description="Claims found in the text, returned or not.")
    claims_truncated: bool = Field(
        description="True when the text has more claims than were judged and returned."
    )
    flags: list[FlagOut] = Field(description="Problems found in the text, in text order.")
    stored: StoredOut | None = Field(description="Set when the request asked to store the article.")
    fetched: FetchedOut | None = Field(
        default=None,
        description="Set when the article was fetched from `url`: claim and flag offsets "
        "index its `text`.",
    )
