"""Every knob of the service, read once from the environment (prefix CROSSCHECK_)."""

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

LogLevel = Literal["debug", "info", "warning", "error"]


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
    max_batch_items: int = Field(
        default=100, ge=1, description="Most articles accepted in one batch request."
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

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
