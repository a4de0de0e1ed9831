"""kill -9 of the real server in the middle of batch ingests: nothing acknowledged is lost,
nothing is half-written, and sending the same batches again stores nothing twice."""

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from service.store import migrate
from tests.conftest import empty_database
from tests.live import live_server

BATCHES, ITEMS, SENDERS = 12, 5, 4
KILL_AFTER_ACKNOWLEDGED = 3


@pytest.fixture
def database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    for url in empty_database(backend, tmp_path_factory):
        migrate.upgrade(url)
        yield url


def batch(number: int) -> list[dict[str, Any]]:
    return [
        {
            "source": f"agentur{item % 4}.example",
            "url": f"https://agentur{item % 4}.example/{number}/{item}",
            "text": " ".join(
                f"Im Verfahren {number}-{item} hat das Landgericht am Dienstag {line} Zeugen "
                f"gehört, sagte Richterin Petra Vogel{number} in Kassel."
                for line in range(6)
            ),
        }
        for item in range(ITEMS)
    ]


class Senders:
    """SENDERS threads posting the batches in turn until none are left or the server is gone;
    `enough` is set once KILL_AFTER_ACKNOWLEDGED were acknowledged (2xx, with their items)."""

    def __init__(self, base: str, batches: list[list[dict[str, Any]]]) -> None:
        self.base = base
        self.batches = batches
        self.acknowledged: dict[int, list[dict[str, Any]]] = {}
        self.enough = threading.Event()
        self._queue = list(range(len(batches)))
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._send) for _ in range(SENDERS)]
        for thread in self._threads:
            thread.start()

    def join(self) -> None:
        for thread in self._threads:
            thread.join(timeout=30)

    def _send(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as client:
            while number := self._next():
                try:
                    items = {"items": self.batches[number - 1]}
                    response = client.post("/articles/batch", json=items)
                except httpx.TransportError:
                    return  # the server is gone
                if response.is_success:
                    with self._lock:
                        self.acknowledged[number - 1] = response.json()["items"]
                        if len(self.acknowledged) >= KILL_AFTER_ACKNOWLEDGED:
                            self.enough.set()

    def _next(self) -> int:
        """The next batch's number plus one; 0 when none are left."""
        with self._lock:
            return self._queue.pop(0) + 1 if self._queue else 0


def stored(database: str) -> dict[str, Any]:
    engine = create_engine(database)
    try:
        with engine.connect() as connection:
            articles = dict(connection.execute(text("SELECT id, url FROM article")).all())
            without_analysis = connection.execute(
                text(
                    "SELECT count(*) FROM article a "
                    "LEFT JOIN article_analysis x ON x.article_id = a.id "
                    "LEFT JOIN article_features f ON f.article_id = a.id "
                    "WHERE x.article_id IS NULL OR f.article_id IS NULL"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    return {"articles": articles, "without_analysis": without_analysis}


def retry(base: str, items: list[dict[str, Any]]) -> httpx.Response:
    return httpx.post(f"{base}/articles/batch", json={"items": items}, timeout=60)


def test_kill_9_during_batch_ingest_loses_nothing_acknowledged(
    database: str, tmp_path: Path
) -> None:
    batches = [batch(number) for number in range(BATCHES)]
    log = tmp_path / "server.log"

    with live_server(database, log, workers=1) as server:
        senders = Senders(server.base, batches)
        killed_in_time = senders.enough.wait(timeout=60)
        server.kill()
        senders.join()
    acknowledged = senders.acknowledged
    after_crash = stored(database)

    with live_server(database, log, workers=1) as server:
        retried = [retry(server.base, items) for items in batches]
    after_retry = stored(database)

    assert killed_in_time
    assert KILL_AFTER_ACKNOWLEDGED <= len(acknowledged) < BATCHES, "the kill came too late"
    # Every acknowledged article is there, under the id the client was given.
    for number, items in acknowledged.items():
        for item, result in zip(batches[number], items, strict=True):
            assert after_crash["articles"][result["article_id"]] == item["url"]
    # Whole batches or nothing: no article without its analysis, no partial batch.
    assert after_crash["without_analysis"] == 0
    assert len(after_crash["articles"]) % ITEMS == 0
    # The retry is idempotent: acknowledged batches are reported existing with the same ids.
    assert [response.status_code for response in retried] == [200] * BATCHES
    for number, items in acknowledged.items():
        assert retried[number].json()["items"] == [{**r, "status": "existing"} for r in items]
    assert after_retry["without_analysis"] == 0
    assert sorted(after_retry["articles"].values()) == sorted(
        item["url"] for items in batches for item in items
    )
