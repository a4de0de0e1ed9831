"""The database goes away for real and comes back: 503 with Retry-After meanwhile, then recovery."""

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from service.main import create_app
from service.settings import Settings
from service.store import migrate
from tests.conftest import POSTGRES_URL

ARTICLE = {"source": "a.example", "text": "Der Rat hat am Montag drei Gesetze beschlossen."}
OTHER = {"source": "b.example", "text": "Der Rat hat am Montag drei neue Gesetze beschlossen."}


@contextmanager
def outage(database_url: str) -> Iterator[None]:
    """Make the database really unreachable for the duration, then give it back."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield from _sqlite_outage(Path(url.database or ""))
    else:
        yield from _postgres_outage(url.database or "")


def _sqlite_outage(path: Path) -> Iterator[None]:
    # Renaming the folder works as root too (chmod would not stop root); the -wal and -shm
    # files go with it, and no new connection can open or create the file meanwhile.
    folder = path.parent
    away = folder.with_name(folder.name + "-away")
    folder.rename(away)
    try:
        yield
    finally:
        away.rename(folder)


def _postgres_outage(name: str) -> Iterator[None]:
    # Only this test's own database: no new connections, and its open ones cut.
    assert POSTGRES_URL is not None
    assert name.startswith("crosscheck_test_")
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
        yield
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()


def requests_of_every_kind(client: TestClient) -> dict[str, httpx.Response]:
    return {
        "create": client.post("/articles", json=OTHER),
        "batch": client.post("/articles/batch", json={"items": [OTHER]}),
        "score": client.post("/score", json=ARTICLE),
        "list": client.get("/articles"),
        "read": client.get("/articles/1"),
        "delete": client.delete("/articles/1"),
        "sources": client.get("/sources"),
    }


@pytest.fixture
def client(fresh_database_url: str) -> Iterator[TestClient]:
    migrate.upgrade(fresh_database_url)
    settings = Settings(database_url=fresh_database_url, db_timeout_seconds=1)
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_database_away_is_503_with_retry_after_and_the_service_recovers(
    client: TestClient, fresh_database_url: str
) -> None:
    stored = client.post("/articles", json=ARTICLE)
    assert stored.status_code == 201
    assert client.get("/articles").status_code == 200  # the pool now holds open connections

    with outage(fresh_database_url):
        during = requests_of_every_kind(client)
        ready_during = client.get("/readyz")
        alive_during = client.get("/healthz")
        metrics_during = client.get("/metrics")

    ready_after = client.get("/readyz")
    after = requests_of_every_kind(client)

    for kind, response in during.items():
        assert response.status_code == 503, (kind, response.text)
        assert response.json()["error"]["code"] == "database_unavailable", kind
        assert int(response.headers["retry-after"]) > 0, kind
    assert ready_during.status_code == 503
    assert ready_during.json()["database"] is False
    assert alive_during.status_code == 200
    assert metrics_during.status_code == 200
    assert ready_after.status_code == 200
    # Back by itself: no restart, and no stale pooled connection turns into an error.
    assert {kind: response.status_code for kind, response in after.items()} == {
        "create": 201,
        "batch": 200,
        "score": 200,
        "list": 200,
        "read": 200,
        "delete": 204,
        "sources": 200,
    }
    assert after["batch"].json()["items"][0]["status"] == "existing"
    assert client.get("/articles").json()["items"][0]["id"] == after["create"].json()["id"]


def test_a_replaced_sqlite_file_is_noticed_not_written_behind_the_callers_back(
    tmp_path: Path,
) -> None:
    """An open SQLite connection would keep writing into a file that was moved away; the pool
    checks the file at each checkout and opens whatever is at the path now."""
    folder = tmp_path / "db"
    url = f"sqlite:///{folder}/crosscheck.db"
    migrate.upgrade(url)
    with TestClient(create_app(Settings(database_url=url))) as client:
        first = client.post("/articles", json=ARTICLE)
        (folder / "crosscheck.db").rename(tmp_path / "moved.db")
        (folder / "crosscheck.db").write_bytes(b"not a database, " * 512)
        replaced = client.post("/articles", json=OTHER)
        ready = client.get("/readyz")

    assert first.status_code == 201
    assert replaced.status_code == 503
    assert replaced.json()["error"]["code"] == "database_unavailable"
    assert ready.status_code == 503


def test_a_writer_that_waits_longer_than_the_busy_timeout_gets_503_busy(tmp_path: Path) -> None:
    """Writers queue for SQLite's write lock; one that waits longer than the timeout is told
    to retry (never a 500, never "database is locked"), and the next one gets through."""
    url = f"sqlite:///{tmp_path}/crosscheck.db"
    migrate.upgrade(url)
    settings = Settings(database_url=url, db_timeout_seconds=0.3)
    with TestClient(create_app(settings)) as client:
        holder = sqlite3.connect(tmp_path / "crosscheck.db", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        waited = client.post("/articles", json=ARTICLE)
        # Held past the writer's own busy timeout too: a write that had begun when its request
        # gave up may still be stored (GroupCommit.store), and the next request would find it.
        time.sleep(settings.db_timeout_seconds)
        holder.execute("ROLLBACK")
        holder.close()
        after = client.post("/articles", json=ARTICLE)

    assert waited.status_code == 503
    assert waited.json()["error"]["code"] == "database_unavailable"
    assert waited.json()["error"]["details"] == {"reason": "busy"}
    assert "locked" not in waited.text
    assert int(waited.headers["retry-after"]) > 0
    assert after.status_code == 201
