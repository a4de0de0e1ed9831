"""Every knob of the service, read once from the environment (prefix CROSSCHECK_)."""

from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from service.analysis.params import Thresholds

LogLevel = Literal["debug", "info", "warning", "error"]
Scope = Literal["read", "write", "metrics"]
_DEFAULT = Thresholds()


def _zero_or_a_minute(seconds: float) -> float:
    if 0 < seconds < 60:
        raise ValueError("is 0 (never) or at least 60 seconds: each scan reads the whole index")
    return seconds


def _comma_separated(value: object) -> object:
    """`a.example, b.example` from the environment; lists pass through."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


CommaList = Annotated[list[str], NoDecode, BeforeValidator(_comma_separated)]
Port = Annotated[int, Field(ge=1, le=65535)]
PortList = Annotated[list[Port], NoDecode, BeforeValidator(_comma_separated)]


class ApiKey(BaseModel):
    """A client's key as the service knows it: the hash only, never the key itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{64}$", to_lower=True)] = Field(
        description="SHA-256 of the key, hex (`crosscheck hash-key`)."
    )
    scopes: tuple[Scope, ...] = Field(min_length=1, description="read, write and/or metrics.")
    name: str = Field(default="", max_length=100, description="Who holds it (not secret).")


class Settings(BaseSettings):
    """Settings with safe defaults; built once and handed to `create_app`, never read globally."""

    model_config = SettingsConfigDict(env_prefix="CROSSCHECK_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./data/crosscheck.db",
        description="SQLAlchemy URL. SQLite file (embedded default) or postgresql+psycopg://...",
    )
    host: str = Field(default="127.0.0.1", description="Address `crosscheck serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `crosscheck serve` binds to.")
    workers: int = Field(default=1, ge=1, le=64, description="Worker processes of `serve`.")
    log_level: LogLevel = Field(default="info", description="Lowest level written to the log.")

    max_body_bytes: int = Field(
        default=5_000_000, ge=1_000, description="Largest request body accepted (bytes); 413 above."
    )
    max_text_chars: int = Field(
        default=100_000, ge=100, description="Longest article text accepted (characters)."
    )
    max_title_chars: int = Field(
        default=1_000, ge=10, description="Longest article title accepted (characters)."
    )
    max_sentences: int = Field(
        default=2_000,
        ge=1,
        description="Most sentences in one article; 422 `too_many_sentences` above.",
    )
    max_claims: int = Field(
        default=200,
        ge=1,
        description="Most claims judged and returned per report; the rest are left out and "
        "the report says so (`claims_truncated`).",
    )
    max_batch_items: int = Field(
        default=100, ge=1, description="Most articles accepted in one batch request."
    )
    max_concurrent_scores: int = Field(
        default=8,
        ge=1,
        description="`/score` requests one worker process runs at once; 429 above.",
    )
    max_concurrent_writes: int = Field(
        default=32,
        ge=1,
        description="`POST /articles` and `/articles/batch` requests one worker process runs at "
        "once; 429 above. With `max_concurrent_scores`, at most the worker's 40 threads.",
    )
    max_concurrent_analyses: int = Field(
        default=2,
        ge=1,
        le=40,
        description="Requests one worker process analyses at the same moment (a text to score "
        "or store, one batch item, a fetched page to extract); the others wait their turn, "
        "first come, first served, inside their slot. A worker runs Python on one core at a "
        "time: more at once only slows each and keeps its database writer waiting. A scoring "
        "request keeps its turn while it reads its peers, and its wait for that turn counts "
        "against `score_time_budget_seconds`.",
    )
    score_time_budget_seconds: float = Field(
        default=10.0,
        gt=0,
        description="Time one `/score` request may take; 503 `time_budget_exceeded` above "
        "(checked between the stages of the pipeline).",
    )
    max_page_size: int = Field(
        default=100, ge=1, description="Most articles returned by one `GET /articles` page."
    )
    db_pool_size: int = Field(
        default=5, ge=1, description="Connections kept per worker (PostgreSQL only)."
    )
    db_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How long a request waits for a connection or a SQLite write lock.",
    )

    api_keys: tuple[ApiKey, ...] = Field(
        default=(),
        description='JSON list of {"sha256", "scopes", "name"}. When set, writes need a `write` '
        "key and reads a `read` key; when empty, anyone who reaches the service may do both.",
    )
    metrics_need_key: bool = Field(
        default=False,
        description="Put /metrics behind a key with the `metrics` scope (needs `api_keys`).",
    )

    peer_candidates: int = Field(
        default=40, ge=1, le=500, description="Articles the full-text index offers as peers."
    )
    index_scan_interval_seconds: Annotated[float, AfterValidator(_zero_or_a_minute)] = Field(
        default=600.0,
        ge=0,
        description="How often each worker scans the SQLite full-text index's vocabulary for "
        "the terms too common to query (about 1 s in the background at 100k articles, growing "
        "with the index), so that no request has to count them; at least 60, or 0: never scan, "
        "and requests count each term they meet first. Not used on PostgreSQL, whose "
        "statistics tell.",
    )
    analysis_cache_size: int = Field(
        default=1000,
        ge=0,
        le=10_000,
        description="Decoded peers, their claims and statements, each worker keeps (about 70 "
        "KB each for an article of 3-4 KB, more for longer ones; with four times as many "
        "candidates' features of 6 KB; 0 keeps none): the articles of the stories in the news "
        "are read once, not for every request.",
    )
    source_priors_file: Path | None = Field(
        default=None,
        description="CSV (source,prior) or JSON ({source: prior} or [{source, prior}]) of "
        "operator ratings in [0, 1]; loaded by `crosscheck reliability` and at start.",
    )

    # Fetching articles by URL (service/fetch).
    fetch_connect_timeout_seconds: float = Field(
        default=5.0, gt=0, description="Longest wait to connect to the server of a submitted URL."
    )
    fetch_read_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Longest wait for the next bytes of a fetched page."
    )
    fetch_total_timeout_seconds: float = Field(
        default=20.0, gt=0, description="Longest a whole fetch may take, redirects included."
    )
    fetch_max_bytes: int = Field(
        default=5_000_000, ge=1_000, description="Largest fetched page (decoded bytes); 413 above."
    )
    fetch_max_redirects: int = Field(
        default=5, ge=0, le=20, description="Most redirects followed (each hop is checked)."
    )
    fetch_min_text_chars: int = Field(
        default=200, ge=1, description="A page with less extracted text is not an article."
    )
    fetch_concurrency: int = Field(
        default=4, ge=1, le=32, description="Pages fetched at once for one batch or ingest."
    )
    fetch_user_agent: str = Field(
        default="crosscheck/0.1 (news article fetcher for fact-checking)",
        min_length=1,
        description="User-Agent sent with every fetch.",
    )
    fetch_allowed_hosts: CommaList = Field(
        default_factory=list,
        description="Host names (or IP literals) fetched even when they resolve to private, "
        "loopback or other non-public addresses. Comma-separated.",
    )
    fetch_allowed_ports: PortList = Field(
        default_factory=lambda: [80, 443],
        description="Ports a fetched URL may name. Comma-separated.",
    )

    # Scoring thresholds (see service/analysis/params.py for what each one decides).
    story_similarity: float = Field(default=_DEFAULT.story_similarity, ge=0, le=1)
    story_window_days: float = Field(default=_DEFAULT.story_window_days, gt=0)
    max_peers: int = Field(default=_DEFAULT.max_peers, ge=1, le=100)
    duplicate_similarity: float = Field(default=_DEFAULT.duplicate_similarity, ge=0, le=1)
    related_similarity: float = Field(default=_DEFAULT.related_similarity, ge=0, le=1)
    support_similarity: float = Field(default=_DEFAULT.support_similarity, ge=0, le=1)
    negation_similarity: float = Field(default=_DEFAULT.negation_similarity, ge=0, le=1)
    supported_at: float = Field(default=_DEFAULT.supported_at, ge=0, le=1)
    contradicted_at: float = Field(default=_DEFAULT.contradicted_at, ge=0, le=1)

    @property
    def thresholds(self) -> Thresholds:
        names = Thresholds.__dataclass_fields__
        return Thresholds(
            **{name: getattr(self, name) for name in names if name in type(self).model_fields}
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
