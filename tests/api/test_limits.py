"""The limits that keep one request from taking a worker: each a setting, each its own code."""

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
import respx
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from service import fetch, ingest, scoring
from service.main import create_app
from service.settings import Settings
from tests.factories import page
from tests.waiting import wait_until

URL = "https://donaubote.example/bayern/hochwasser-passau"
PAGE = "passau_de.html"
CLAIMS = (
    "Witali Klitschko sagte, 5 Menschen seien getötet worden. "
    "Russland habe 31 Drohnen gestartet. "
    "Die Luftabwehr habe 28 Drohnen abgeschossen."
)


@contextmanager
def app_with(database_url: str, **limits: Any) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=database_url, **limits))) as client:
        yield client


def test_more_sentences_than_allowed_is_refused_everywhere(
    database_url: str, engine: Engine
) -> None:
    with app_with(database_url, max_sentences=2) as client:
        scored = client.post("/score", json={"text": CLAIMS})
        stored = client.post("/articles", json={"text": CLAIMS, "source": "a.example"})
        batch = client.post("/articles/batch", json={"items": [{"text": CLAIMS, "source": "a"}]})

    assert scored.status_code == 422
    assert scored.json()["error"]["code"] == "too_many_sentences"
    assert scored.json()["error"]["details"] == {"limit": 2, "sentences": 3}
    assert stored.status_code == 422
    assert stored.json()["error"]["code"] == "too_many_sentences"
    assert batch.json()["items"][0]["error"]["code"] == "too_many_sentences"


def test_claims_beyond_the_limit_are_left_out_and_the_report_says_so(
    database_url: str, engine: Engine
) -> None:
    with app_with(database_url, max_claims=2) as client:
        truncated = client.post("/score", json={"text": CLAIMS}).json()
    with app_with(database_url) as client:
        whole = client.post("/score", json={"text": CLAIMS}).json()

    assert [c["text"] for c in truncated["claims"]] == [c["text"] for c in whole["claims"][:2]]
    assert truncated["claims_total"] == whole["claims_total"] == 3
    assert truncated["claims_truncated"] is True
    assert whole["claims_truncated"] is False


def test_scoring_beyond_the_concurrency_limit_is_told_to_retry(
    database_url: str, engine: Engine
) -> None:
    with app_with(database_url, max_concurrent_scores=2) as client:
        slots = client.app.state.scoring_slots  # type: ignore[attr-defined]
        # Two requests in flight hold the slots as the dependency does.
        assert slots.acquire(blocking=False)
        assert slots.acquire(blocking=False)
        refused = client.post("/score", json={"text": CLAIMS})
        reads = client.get("/articles")
        slots.release()
        accepted = client.post("/score", json={"text": CLAIMS})
        again = client.post("/score", json={"text": CLAIMS})
        slots.release()

    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert refused.json()["error"]["details"] == {"limit": 2}
    assert reads.status_code == 200
    # Each finished request gave its slot back.
    assert accepted.status_code == 200
    assert again.status_code == 200


def test_storing_beyond_the_concurrency_limit_is_told_to_retry(
    database_url: str, engine: Engine
) -> None:
    article = {"source": "a.example", "text": CLAIMS}
    with app_with(database_url, max_concurrent_writes=1) as client:
        slots = client.app.state.writing_slots  # type: ignore[attr-defined]
        assert slots.acquire(blocking=False)  # one request in flight holds the only slot
        refused = client.post("/articles", json=article)
        refused_batch = client.post("/articles/batch", json={"items": [article]})
        scored = client.post("/score", json={"text": CLAIMS})
        slots.release()
        accepted = client.post("/articles", json=article)
        again = client.post("/articles/batch", json={"items": [article]})

    for response in (refused, refused_batch):
        assert response.status_code == 429
        assert response.headers["retry-after"] == "1"
        assert response.json()["error"]["code"] == "too_many_requests"
        assert response.json()["error"]["details"] == {"limit": 1}
    assert scored.status_code == 200
    assert accepted.status_code == 201
    assert again.json()["existing"] == 1


def test_requests_wait_in_line_for_a_turn_to_analyse(database_url: str, engine: Engine) -> None:
    article = {"source": "a.example", "text": CLAIMS}
    requests = [
        ("/articles", article),
        ("/articles/batch", {"items": [{**article, "source": "b.example"}]}),
        ("/score", {"text": CLAIMS, "source": "c.example", "store": True}),
    ]
    with app_with(database_url, max_concurrent_analyses=1) as client:
        client.post("/score", json={"text": CLAIMS})  # the first analysis loads the lexicons
        turns = client.app.state.analysis_turns  # type: ignore[attr-defined]
        turns.take()  # another request is analysing
        with ThreadPoolExecutor(len(requests)) as pool:
            waiting = [pool.submit(client.post, path, json=body) for path, body in requests]
            wait_until(lambda: turns.waiting == len(requests))
            turns.give_back()
            responses = [future.result(timeout=30) for future in waiting]
        listed = client.get("/articles").json()["items"]

    assert [r.status_code for r in responses] == [201, 200, 200]
    assert responses[1].json()["created"] == 1
    assert responses[2].json()["stored"]["status"] == "created"
    assert len(listed) == 3
    assert turns.take(timeout=0)  # every request gave its turn back


def test_a_turn_is_held_to_extract_and_analyse_and_never_to_fetch_or_commit(
    database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get(URL).respond(200, headers={"content-type": "text/html"}, text=page(PAGE))
    held: list[str] = []
    with app_with(database_url, max_concurrent_analyses=1) as client:
        state = client.app.state  # type: ignore[attr-defined]
        turns = state.analysis_turns

        def noting_the_turn(step: str, do: Callable[..., Any]) -> Callable[..., Any]:
            def step_in_turn(*args: Any, **kwargs: Any) -> Any:
                free = turns.take(timeout=0)
                if free:
                    turns.give_back()
                held.append(f"{step}: {'free' if free else 'held'}")
                return do(*args, **kwargs)

            return step_in_turn

        for module, step, name in [
            (ingest, "analyse", "analyze"),
            (scoring, "analyse", "analyze"),
            (fetch, "extract", "extract"),
            (ingest, "batch commit", "write_transaction"),
            (state.group_commit, "commit", "store"),
            (state.fetcher, "fetch", "get"),
        ]:
            monkeypatch.setattr(module, name, noting_the_turn(step, getattr(module, name)))
        article = {"source": "a.example", "text": CLAIMS}
        stored = client.post("/articles", json=article)
        scored = client.post("/score", json={**article, "source": "b.example", "store": True})
        # Text with spaces around it is scored, then analysed again as stored: a turn each.
        spaced = {**article, "source": "c.example", "text": f" {CLAIMS} ", "store": True}
        scored_spaced = client.post("/score", json=spaced)
        by_url = client.post("/articles", json={"url": URL})
        batch = client.post("/articles/batch", json={"items": [{**article, "source": "d.example"}]})

    statuses = [r.status_code for r in (stored, scored, scored_spaced, by_url, batch)]
    assert statuses == [201, 200, 200, 201, 200]
    assert held == [
        *("analyse: held", "commit: free"),
        *("analyse: held", "commit: free"),
        *("analyse: held", "analyse: held", "commit: free"),
        *("fetch: free", "extract: held", "analyse: held", "commit: free"),
        *("analyse: held", "batch commit: free"),
    ]


def test_scoring_that_waits_out_its_budget_for_a_turn_is_told_to_retry(
    database_url: str, engine: Engine
) -> None:
    limits = {"max_concurrent_analyses": 1, "score_time_budget_seconds": 0.05}
    with app_with(database_url, **limits) as client:
        turns = client.app.state.analysis_turns  # type: ignore[attr-defined]
        turns.take()
        with ThreadPoolExecutor(1) as pool:
            try:
                response = pool.submit(client.post, "/score", json={"text": CLAIMS}).result(10)
            finally:
                turns.give_back()

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "time_budget_exceeded"
    assert response.json()["error"]["details"]["stage"] == "its turn to analyse"
    assert turns.waiting == 0


def test_a_write_refused_inside_the_route_gives_its_slot_back(
    database_url: str, engine: Engine
) -> None:
    with app_with(database_url, max_concurrent_writes=1, max_text_chars=100) as client:
        refused = client.post("/articles", json={"source": "a.example", "text": "Wort " * 50})
        accepted = client.post("/articles", json={"source": "a.example", "text": CLAIMS[:90]})

    assert refused.json()["error"]["code"] == "text_too_long"
    assert accepted.status_code == 201


def test_scoring_that_overruns_its_time_budget_stops_and_stores_nothing(
    database_url: str, engine: Engine
) -> None:
    with app_with(database_url, score_time_budget_seconds=1e-9) as client:
        response = client.post(
            "/score", json={"text": CLAIMS, "source": "a.example", "store": True}
        )
        listed = client.get("/articles").json()
        again = client.post("/score", json={"text": CLAIMS})

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "time_budget_exceeded"
    assert response.json()["error"]["details"]["budget_seconds"] == 1e-9
    assert response.headers["retry-after"] == "5"
    assert listed["items"] == []
    # The slot of the stopped request was given back.
    assert again.status_code == 503
