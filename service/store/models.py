"""Tables. Portable columns only; the full-text index lives in `search.py` and the migrations."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

# Deterministic constraint names, so that migrations can name what they alter or drop.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def utcnow() -> datetime:
    return datetime.now(UTC)


class Source(SQLModel, table=True):
    """An outlet: a news site, agency or partner, by its normalised name (usually its host)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    # An operator's rating in [0, 1] (e.g. from a media-rating service), if one was loaded.
    prior: float | None = Field(default=None)
    # Learned from the corpus by truth discovery (`crosscheck reliability`); None until then.
    reliability: float | None = Field(default=None)
    # How many well-supported claims the learned value rests on.
    reliability_claims: int = Field(default=0)
    reliability_updated_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class Article(SQLModel, table=True):
    """One stored article; the text is kept exactly as normalised at ingest."""

    __table_args__ = (UniqueConstraint("source_id", "content_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True, ondelete="RESTRICT")
    title: str | None = Field(default=None, sa_type=Text)
    text: str = Field(sa_type=Text)
    url: str | None = Field(default=None, max_length=2048, unique=True)
    language: str | None = Field(default=None, max_length=8)
    published_at: datetime | None = Field(default=None, index=True, sa_type=DateTime(timezone=True))
    ingested_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    content_hash: str = Field(max_length=64)


class ArticleAnalysis(SQLModel, table=True):
    """The analysis of an article, computed once at ingest so that peers are never re-analysed;
    read whole only for the few peers chosen."""

    __tablename__ = "article_analysis"

    article_id: int = Field(foreign_key="article.id", primary_key=True, ondelete="CASCADE")
    version: int
    data: dict[str, Any] = Field(sa_type=JSON)


class ArticleFeatures(SQLModel, table=True):
    """The story features of an analysed article (the analysis `version` they come from),
    written with its analysis. They are small and read for every candidate, so they have rows
    of their own: a column after `data` is read, on SQLite, by walking data's overflow pages."""

    __tablename__ = "article_features"

    article_id: int = Field(foreign_key="article.id", primary_key=True, ondelete="CASCADE")
    version: int
    features: dict[str, Any] = Field(sa_type=JSON)
