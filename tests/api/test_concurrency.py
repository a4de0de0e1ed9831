"""Many clients at once against the real server (2 worker processes, real threads)."""

import random
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from service.store import migrate
from tests.conftest import empty_database
from tests.live import LiveServer, live_server

CLIENTS = 8


@pytest.fixture(scope="module")
def database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    for url in empty_database(backend, tmp_path_factory):
        migrate.upgrade(url)
        yield url


@pytest.fixture(scope="module")
def server(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # These tests are about the database: every writer gets a slot, none is shed with a 429.
    log = tmp_path_factory.mktemp("log") / "server.log"
    with live_server(database, log, settings={"CROSSCHECK_MAX_CONCURRENT_WRITES": "64"}) as server:
        yield server


def rows(database: str, query: str, **params: Any) -> list[tuple[Any, ...]]:
    engine = create_engine(database)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query), params)]
    finally:
        engine.dispose()


def article(tag: str, number: int) -> dict[str, Any]:
    return {
        "source": f"outlet{number % 3}.example",
        "title": f"Meldung {tag} {number}",
        "text": f"Im Fall {tag} hat das Gericht am Dienstag {number} Zeugen gehört. "
        f"Die Verhandlung {tag}-{number} wird am Freitag fortgesetzt, sagte ein Sprecher.",
    }


def at_once(base: str, clients: int, send: Callable[[httpx.Client, int], Any]) -> list[Any]:
    """Run `send` from `clients` threads released together; each has its connection open."""
    barrier = threading.Barrier(clients)
    results: list[Any] = [None] * clients

    def run(number: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            client.get("/healthz")
            barrier.wait(timeout=30)
            results[number] = send(client, number)

    threads = [threading.Thread(target=run, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.parametrize("round_", range(2))
def test_eight_clients_posting_the_same_article_at_once_store_it_once(
    server: LiveServer, database: str, round_: int
) -> None:
    same = article("gleich", round_)

    responses = at_once(server.base, CLIENTS, lambda client, _: client.post("/articles", json=same))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * (CLIENTS - 1) + [201], [r.text for r in responses]
    assert len({response.json()["id"] for response in responses}) == 1
    stored = rows(database, "SELECT count(*) FROM article WHERE title = :t", t=same["title"])
    assert stored == [(1,)]


def test_eight_overlapping_batches_at_once_store_each_article_once(
    server: LiveServer, database: str
) -> None:
    pool = [article("stapel", number) for number in range(24)]
    batches = [random.Random(number).sample(pool, 12) for number in range(CLIENTS)]

    responses = at_once(
        server.base,
        CLIENTS,
        lambda client, number: client.post("/articles/batch", json={"items": batches[number]}),
    )

    assert [response.status_code for response in responses] == [200] * CLIENTS
    ids: dict[str, set[int]] = {}
    created = 0
    for batch, response in zip(batches, responses, strict=True):
        for item, result in zip(batch, response.json()["items"], strict=True):
            assert result["status"] in ("created", "existing")
            created += result["status"] == "created"
            ids.setdefault(item["title"], set()).add(result["article_id"])
    sent = {item["title"] for batch in batches for item in batch}
    assert created == len(sent)
    assert all(len(found) == 1 for found in ids.values())
    titles = rows(database, "SELECT title FROM article WHERE title LIKE 'Meldung stapel %'")
    assert sorted(title for (title,) in titles) == sorted(sent)


def test_many_writers_at_once_never_meet_a_locked_database(
    server: LiveServer, database: str
) -> None:
    """WAL and the busy timeout make writers queue: every write succeeds, none is refused
    (the timeout, 5 s, is far above what this load needs; a 503 here would be a regression)."""
    writers, each = 16, 8

    def write(client: httpx.Client, number: int) -> list[int]:
        statuses = []
        for item in range(each):
            mine = article(f"schreiber{number}", item)
            if item % 4 == 3:
                body = {"items": [mine, article(f"schreiber{number}b", item)]}
                statuses.append(client.post("/articles/batch", json=body).status_code)
            else:
                statuses.append(client.post("/articles", json=mine).status_code)
        return statuses

    results = at_once(server.base, writers, write)

    assert [status for statuses in results for status in statuses] == [
        200 if item % 4 == 3 else 201 for _ in range(writers) for item in range(each)
    ]
    stored = rows(database, "SELECT count(*) FROM article WHERE title LIKE 'Meldung schreiber%'")
    assert stored == [(writers * (each + each // 4),)]
