"""Shared fixtures: a real database per backend (SQLite always, PostgreSQL when configured)."""

import ipaddress
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from service.fetch import guard
from service.main import create_app
from service.settings import Settings
from service.store import migrate, search
from service.store.db import create_db_engine

POSTGRES_URL = os.environ.get("CROSSCHECK_TEST_POSTGRES_URL")
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not POSTGRES_URL, reason="CROSSCHECK_TEST_POSTGRES_URL not set"),
    ),
]


@pytest.fixture(autouse=True)
def fresh_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Term counts and statistics read afresh in each test: a worker keeps them for minutes,
    and one database serves the whole run."""
    monkeypatch.setattr(search, "_TERM_COUNTS", search._TermCounts())
    monkeypatch.setattr(search, "_COMMON_LEXEMES", search._CommonLexemes())
    monkeypatch.setattr(search, "_COMMON_TERMS", search._CommonTerms())


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


def empty_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A new, empty database of `backend`; dropped again afterwards (PostgreSQL)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'crosscheck.db'}"
        return
    assert POSTGRES_URL is not None
    name = f"crosscheck_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database per backend for the whole run; each test leaves it empty."""
    for url in empty_database(backend, tmp_path_factory):
        migrate.upgrade(url)
        yield url


@pytest.fixture
def fresh_database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty, unmigrated database of its own, for tests of migrations and readiness."""
    yield from empty_database(backend, tmp_path_factory)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = create_db_engine(settings)
    yield engine
    _empty_tables(engine)
    engine.dispose()


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """The real app on the real database; the `engine` fixture empties the tables afterwards."""
    with TestClient(create_app(settings)) as client:
        yield client


def _empty_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("TRUNCATE article, source RESTART IDENTITY CASCADE"))
        else:
            connection.execute(text("DELETE FROM article"))
            connection.execute(text("DELETE FROM source"))


@pytest.fixture
def seeds() -> dict[str, str]:
    """The user's seed articles by number ("000".."004"); skips where ../shared/seeds is absent."""
    if not SEEDS.is_dir():
        pytest.skip("seed articles not available (../shared/seeds)")
    return {path.name[:3]: path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))}


# What the fake resolver answers; tests add names. 93.184.216.0/24 is public (example.com).
PUBLIC_ADDRESS = "93.184.216.34"


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """No test resolves a name on the network: the fetch guard asks this table instead. IP
    literals resolve to themselves; `*.example` hosts to a public address unless set here."""
    table: dict[str, list[str]] = {}

    def resolve(host: str, port: int) -> list[str]:
        if host in table:
            return table[host]
        if _is_ip(host):
            return [host]
        if host.endswith(".example"):
            return [PUBLIC_ADDRESS]
        raise guard.HostNotFound(host)

    monkeypatch.setattr(guard, "resolve", resolve)
    return table


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
