"""Health, readiness, metrics, request ids and logs: what operators rely on."""

import gc
import json
import logging
import re
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, create_engine, text

from service.main import create_app
from service.settings import Settings
from service.store import migrate
from tests.waiting import wait_until


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in a Prometheus exposition; 0 when absent."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def migrated_then(database_url: str, statement: str) -> None:
    """Migrate the database to head, then change it behind the service's back."""
    migrate.upgrade(database_url)
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_when_migrated(client: TestClient) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["migrations"] == "at_head"


def test_readyz_is_503_when_migrations_are_behind(fresh_database_url: str) -> None:
    with TestClient(create_app(Settings(database_url=fresh_database_url))) as client:
        behind = client.get("/readyz")
        migrate.upgrade(fresh_database_url)
        ready = client.get("/readyz")

    assert behind.status_code == 503
    assert behind.json()["migrations"] == "behind"
    assert ready.status_code == 200


def test_an_unmigrated_database_is_named_at_start_and_each_request_is_503_not_migrated(
    fresh_database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.WARNING),
        TestClient(create_app(Settings(database_url=fresh_database_url))) as client,
    ):
        scored = client.post("/score", json={"text": "Lecornu telefonierte mit Schoigu."})
        stored = client.post("/articles", json={"source": "s.example", "text": "Ein Text."})
        listed = client.get("/articles")

    (warning,) = [
        r for r in caplog.records if r.name == "service.main" and "migrat" in r.getMessage()
    ]
    assert warning.levelno == logging.WARNING
    assert warning.getMessage() == (
        "the database is not migrated to this release: run `crosscheck migrate`"
    )
    assert warning.revision is None  # type: ignore[attr-defined]
    assert warning.head == migrate.head_revision()  # type: ignore[attr-defined]
    for response in (scored, stored, listed):
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "database_unavailable"
        assert response.json()["error"]["details"] == {"reason": "not_migrated"}
        assert response.headers["retry-after"]


def test_on_sqlite_a_database_one_migration_behind_is_503_not_migrated(
    fresh_database_url: str,
) -> None:
    if not fresh_database_url.startswith("sqlite"):
        pytest.skip("0008 is SQLite's alone: PostgreSQL at 0007 is at its schema")
    migrate.upgrade(fresh_database_url, "0007")
    with TestClient(create_app(Settings(database_url=fresh_database_url))) as client:
        stored = client.post("/articles", json={"source": "s.example", "text": "Lecornu rief an."})
        scored = client.post("/score", json={"text": "Lecornu rief Schoigu an."})
        migrate.upgrade(fresh_database_url)
        again = client.post("/score", json={"text": "Lecornu rief Schoigu an."})

    assert stored.status_code == 201
    assert scored.status_code == 503
    assert scored.json()["error"]["details"] == {"reason": "not_migrated"}
    assert again.status_code == 200


def test_a_database_newer_than_the_release_is_named_so_at_start(
    fresh_database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    migrated_then(fresh_database_url, "UPDATE alembic_version SET version_num = '9999'")

    with (
        caplog.at_level(logging.WARNING),
        TestClient(create_app(Settings(database_url=fresh_database_url))) as client,
    ):
        ready = client.get("/readyz")

    (warning,) = [r for r in caplog.records if r.name == "service.main" and "release" in r.message]
    assert warning.getMessage().startswith("the database is newer than this release")
    assert ready.status_code == 503
    assert ready.json()["migrations"] == "newer"
    assert ready.json()["revision"] == "9999"


def test_readyz_is_503_unknown_when_the_database_names_several_revisions(
    fresh_database_url: str,
) -> None:
    migrated_then(fresh_database_url, "INSERT INTO alembic_version (version_num) VALUES ('0001')")

    with TestClient(create_app(Settings(database_url=fresh_database_url))) as client:
        ready = client.get("/readyz")

    assert ready.status_code == 503
    assert ready.json()["database"] is True
    assert ready.json()["migrations"] == "unknown"


def test_on_sqlite_a_missing_index_at_head_is_no_migration_to_run(fresh_database_url: str) -> None:
    """What a migration would add, missing from a database at head, is damage or a bug, not a
    migration to run: a 500 that alerts, not a 503 that clients retry."""
    if not fresh_database_url.startswith("sqlite"):
        pytest.skip("the index is SQLite's")
    migrated_then(fresh_database_url, "DROP INDEX ix_article_card")

    with TestClient(create_app(Settings(database_url=fresh_database_url))) as client:
        stored = client.post("/articles", json={"source": "s.example", "text": "Lecornu rief an."})
        scored = client.post("/score", json={"text": "Lecornu rief Schoigu an."})

    assert stored.status_code == 201
    assert scored.status_code == 500
    assert scored.json()["error"]["code"] == "internal_error"


def unreachable_database(tmp_path: Path) -> Settings:
    """A SQLite database whose folder cannot exist: a plain file stands where it should be."""
    (tmp_path / "blocked").write_text("not a folder")
    return Settings(database_url=f"sqlite:///{tmp_path}/blocked/crosscheck.db")


def test_readyz_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    with TestClient(create_app(unreachable_database(tmp_path))) as client:
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["database"] is False


def test_writes_are_503_with_retry_after_when_the_database_is_unreachable(
    tmp_path: Path,
) -> None:
    with TestClient(create_app(unreachable_database(tmp_path))) as client:
        response = client.post("/articles", json={"source": "s", "text": "Ein Text."})
        metrics = client.get("/metrics").text

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "database_unavailable"
    assert response.headers["retry-after"]
    assert metric(metrics, "crosscheck_database_errors_total") == 1


def test_metrics_count_requests_by_route_template(client: TestClient) -> None:
    before = client.get("/metrics").text
    client.post("/articles", json={"source": "s.example", "text": "Ein Text."})
    client.get("/articles/1")
    client.get("/articles/987654")
    after = client.get("/metrics").text

    labels = {"method": "GET", "route": "/articles/{article_id}"}
    assert metric(after, "crosscheck_http_requests_total", status="200", **labels) == 1 + metric(
        before, "crosscheck_http_requests_total", status="200", **labels
    )
    assert metric(after, "crosscheck_http_requests_total", status="404", **labels) >= 1
    assert metric(after, "crosscheck_stored_articles") == 1
    assert 'route="/articles/1"' not in after
    assert "crosscheck_http_request_duration_seconds_bucket" in after


def test_metrics_count_peer_cache_hits_and_misses(client: TestClient) -> None:
    story = "Jürgen Dupper, der Oberbürgermeister von Passau, meldete am Montag {} Tote."
    for number, source in enumerate(("a.example", "b.example"), start=5):
        client.post("/articles", json={"source": source, "text": story.format(number)})
    body = {"text": story.format(7), "source": "c.example"}

    client.post("/score", json=body)
    first = client.get("/metrics").text
    client.post("/score", json=body)
    second = client.get("/metrics").text

    lookups = "crosscheck_peer_cache_lookups_total"
    assert metric(first, lookups, cache="analyses", result="miss") == 2
    assert metric(first, lookups, cache="analyses", result="hit") == 0
    assert metric(second, lookups, cache="analyses", result="hit") == 2
    assert metric(second, lookups, cache="features", result="hit") == 2


def test_metrics_count_the_articles_of_each_group_commit(client: TestClient) -> None:
    for number in (1, 2):
        text = f"Der Stadtrat beschloss am Montag {number} neue Radwege."
        client.post("/articles", json={"source": "a.example", "text": text})
    client.post("/articles/batch", json={"items": [{"source": "b.example", "text": "Eins."}]})

    exposition = client.get("/metrics").text

    # One at a time, each write is a group of its own; a batch has its own transaction.
    assert metric(exposition, "crosscheck_group_commit_articles_count") == 2
    assert metric(exposition, "crosscheck_group_commit_articles_sum") == 2
    assert metric(exposition, "crosscheck_group_commit_articles_bucket", le="1.0") == 2


def test_on_sqlite_each_worker_scans_the_index_for_common_terms_and_times_it(
    client: TestClient, engine: Engine
) -> None:
    scanner = client.app.state.common_term_scanner  # type: ignore[attr-defined]
    if engine.dialect.name != "sqlite":
        assert scanner is None  # PostgreSQL's statistics tell the common terms
        return
    assert scanner.scanned.wait(10)

    exposition = client.get("/metrics").text

    assert metric(exposition, "crosscheck_index_scan_seconds_count") == 1


def test_no_scan_of_the_index_when_its_interval_is_0(settings: Settings) -> None:
    never = settings.model_copy(update={"index_scan_interval_seconds": 0})

    with TestClient(create_app(never)) as client:
        exposition = client.get("/metrics").text

        assert client.app.state.common_term_scanner is None  # type: ignore[attr-defined]
    assert metric(exposition, "crosscheck_index_scan_seconds_count") == 0


def test_an_app_that_has_shut_down_is_freed(settings: Settings) -> None:
    # Tests and the benchmark build many apps in one process: none may keep itself alive (as a
    # gc.freeze() at start-up would).
    app = create_app(settings)
    with TestClient(app) as client:
        client.get("/healthz")
    freed = weakref.ref(app)
    del app, client

    gc.collect()

    assert freed() is None


def test_request_id_is_echoed_or_made_and_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="crosscheck.access"):
        given = client.get("/healthz", headers={"X-Request-ID": "cms-4711"})
        made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})

    assert given.headers["x-request-id"] == "cms-4711"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    access = [record for record in caplog.records if record.name == "crosscheck.access"]
    assert [record.status for record in access] == [200, 200]  # type: ignore[attr-defined]


def test_log_lines_are_json_with_the_request_id() -> None:
    from service.logs import JsonFormatter, request_id_var

    token = request_id_var.set("abc123")
    try:
        record = logging.makeLogRecord({"name": "x", "msg": "hello %s", "args": ("world",)})
        record.route = "/articles"
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)

    assert line["message"] == "hello world"
    assert line["request_id"] == "abc123"
    assert line["route"] == "/articles"


def test_an_unexpected_error_is_a_500_with_the_request_id_logged_once(
    settings: Settings, engine: object, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client, caplog.at_level(logging.ERROR):
        response = client.get("/boom", headers={"X-Request-ID": "qa-500-check"})

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert response.headers["x-request-id"] == "qa-500-check"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].getMessage() == "unhandled error"
    assert errors[0].exc_info is not None


def test_metrics_time_the_waits_for_a_turn_to_analyse(settings: Settings, engine: Engine) -> None:
    one_turn = settings.model_copy(update={"max_concurrent_analyses": 1})
    with TestClient(create_app(one_turn)) as client, ThreadPoolExecutor(1) as pool:
        turns = client.app.state.analysis_turns  # type: ignore[attr-defined]
        client.post("/score", json={"text": "Der Stadtrat beschloss am Montag 3 neue Radwege."})
        turns.take()  # the worker's one turn, so that the next request waits
        try:
            waiting = pool.submit(client.post, "/score", json={"text": "Der Stadtrat tagte."})
            wait_until(lambda: turns.waiting == 1)
            time.sleep(0.03)
        finally:
            turns.give_back()
        assert waiting.result(timeout=30).status_code == 200
        exposition = client.get("/metrics").text

    waits = "crosscheck_analysis_turn_wait_seconds"
    assert metric(exposition, f"{waits}_count") == 3  # two requests and the test's own turn
    assert metric(exposition, f"{waits}_bucket", le="0.025") == 2
    assert metric(exposition, f"{waits}_sum") >= 0.03
