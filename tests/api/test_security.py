"""API keys: with keys configured, reads need `read` and writes `write`; without, all is open."""

import hashlib
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from service.logs import JsonFormatter
from service.main import create_app
from service.settings import Settings

READ_KEY = "read-key-0123456789abcdef"
WRITE_KEY = "write-key-0123456789abcdef"
METRICS_KEY = "metrics-key-0123456789abcdef"
ARTICLE = {"source": "a.example", "text": "Ein ganz bestimmter Satz über 17 Drohnen in Kyjiw."}


def entry(key: str, *scopes: str, name: str) -> dict[str, Any]:
    return {"sha256": hashlib.sha256(key.encode()).hexdigest(), "scopes": scopes, "name": name}


KEYS = [
    entry(READ_KEY, "read", name="reader"),
    entry(WRITE_KEY, "write", name="cms"),
    entry(METRICS_KEY, "metrics", name="prometheus"),
]


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def keyed(database_url: str, engine: Engine) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, api_keys=KEYS)
    with TestClient(create_app(settings)) as client:
        yield client


def test_a_write_needs_a_write_key(keyed: TestClient) -> None:
    missing = keyed.post("/articles", json=ARTICLE)
    unknown = keyed.post("/articles", json=ARTICLE, headers=bearer("guessed"))
    read_only = keyed.post("/articles", json=ARTICLE, headers=bearer(READ_KEY))
    written = keyed.post("/articles", json=ARTICLE, headers=bearer(WRITE_KEY))

    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "unauthorized"
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert unknown.status_code == 401
    assert read_only.status_code == 403
    assert read_only.json()["error"]["code"] == "forbidden"
    assert read_only.json()["error"]["details"]["required_scope"] == "write"
    assert written.status_code == 201


def test_every_write_route_is_guarded(keyed: TestClient) -> None:
    article_id = keyed.post("/articles", json=ARTICLE, headers={"X-API-Key": WRITE_KEY}).json()[
        "id"
    ]
    batch = {"items": [ARTICLE]}
    stored_score = {**ARTICLE, "store": True}

    assert keyed.post("/articles/batch", json=batch, headers=bearer(READ_KEY)).status_code == 403
    assert keyed.delete(f"/articles/{article_id}", headers=bearer(READ_KEY)).status_code == 403
    assert keyed.post("/score", json=stored_score, headers=bearer(READ_KEY)).status_code == 403
    assert keyed.post("/articles/batch", json=batch).status_code == 401
    assert keyed.delete(f"/articles/{article_id}").status_code == 401
    assert keyed.post("/articles/batch", json=batch, headers=bearer(WRITE_KEY)).status_code == 200
    assert keyed.post("/score", json=stored_score, headers=bearer(WRITE_KEY)).status_code == 200
    assert keyed.delete(f"/articles/{article_id}", headers=bearer(WRITE_KEY)).status_code == 204


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/articles", None),
        ("GET", "/articles/1", None),
        ("GET", "/sources", None),
        ("GET", "/sources/a.example", None),
        ("POST", "/score", {"text": "Ein Satz über 17 Drohnen."}),
    ],
)
def test_a_read_needs_a_read_key(
    keyed: TestClient, method: str, path: str, body: dict[str, Any] | None
) -> None:
    keyed.post("/articles", json=ARTICLE, headers=bearer(WRITE_KEY))

    missing = keyed.request(method, path, json=body)
    metrics_only = keyed.request(method, path, json=body, headers=bearer(METRICS_KEY))
    read = keyed.request(method, path, json=body, headers=bearer(READ_KEY))
    # A write key reads too.
    written = keyed.request(method, path, json=body, headers={"X-API-Key": WRITE_KEY})

    assert missing.status_code == 401
    assert metrics_only.status_code == 403
    assert read.status_code in (200, 404)
    assert written.status_code == read.status_code


def test_health_readiness_and_metrics_stay_open(keyed: TestClient) -> None:
    for path in ("/healthz", "/readyz", "/metrics"):
        assert keyed.get(path).status_code == 200, path


def test_metrics_behind_a_key_when_asked(database_url: str, engine: Engine) -> None:
    settings = Settings(database_url=database_url, api_keys=KEYS, metrics_need_key=True)
    with TestClient(create_app(settings)) as client:
        missing = client.get("/metrics")
        read = client.get("/metrics", headers=bearer(READ_KEY))
        scraped = client.get("/metrics", headers=bearer(METRICS_KEY))
        healthy = client.get("/healthz")

    assert missing.status_code == 401
    assert read.status_code == 403
    assert scraped.status_code == 200
    assert healthy.status_code == 200


def test_without_keys_everything_is_open_and_the_log_says_so(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    started = caplog.get_records("setup")  # the `client` fixture started the app

    assert client.post("/articles", json=ARTICLE).status_code == 201
    assert client.post("/score", json={**ARTICLE, "store": True}).status_code == 200
    assert client.get("/articles").status_code == 200
    assert client.get("/sources").status_code == 200
    assert any("no API keys configured" in r.getMessage() for r in started)


def test_keys_are_read_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROSSCHECK_API_KEYS", json.dumps(KEYS[:2]))

    keys = Settings().api_keys

    assert [(k.name, k.scopes) for k in keys] == [("reader", ("read",)), ("cms", ("write",))]


def test_neither_keys_nor_article_text_reach_the_log(
    keyed: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    secret_text = "Zwölf Hinweise auf einen Geheimsatz namens Quokkavogel."
    with caplog.at_level(logging.DEBUG):
        keyed.post("/articles", json={"source": "a.example", "text": secret_text})
        keyed.post("/articles", json={"source": "a", "text": secret_text}, headers=bearer("bad"))
        keyed.post("/articles", json={"source": "a", "text": secret_text}, headers=bearer(READ_KEY))
        keyed.post(
            "/articles", json={"source": "a", "text": secret_text}, headers=bearer(WRITE_KEY)
        )
        keyed.post("/score", json={"text": secret_text, "bogus": 1}, headers=bearer(WRITE_KEY))
        keyed.post("/score", json={"text": secret_text}, headers={"X-API-Key": WRITE_KEY})
        batch = {"items": [{"text": secret_text}]}
        keyed.post("/articles/batch", json=batch, headers=bearer(WRITE_KEY))

    formatter = JsonFormatter()
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    assert "request" in logged  # the access lines were captured
    for secret in (READ_KEY, WRITE_KEY, "Quokkavogel", "Geheimsatz"):
        assert secret not in logged
