"""The real server, started the way the README starts it, answering real HTTP requests."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.load import free_port
from service.demo import demo_articles
from tests.live import wait_ready


@pytest.fixture(params=[1, 2], ids=["1-worker", "2-workers"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "CROSSCHECK_DATABASE_URL": f"sqlite:///{tmp_path}/data/crosscheck.db",
        "CROSSCHECK_PORT": str(port),
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [sys.executable, "-m", "service", "serve", "--demo", "--workers", str(request.param)]
    with (tmp_path / "server.log").open("w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, process, tmp_path / "server.log")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


def test_serve_with_demo_corpus_answers_real_requests(server: str) -> None:
    with httpx.Client(base_url=server, timeout=10) as http:
        listed = http.get("/articles", params={"limit": 100}).json()["items"]
        created = http.post("/articles", json={"source": "x.example", "text": "Neu hier."})
        repeated = http.post("/articles", json={"source": "x.example", "text": "Neu hier."})
        for _ in range(4):
            http.get("/healthz")
        metrics = http.get("/metrics").text

    assert len(listed) == len(demo_articles())
    assert (created.status_code, repeated.status_code) == (201, 200)
    assert created.headers["x-request-id"]
    assert (
        'crosscheck_http_requests_total{method="GET",route="/healthz",status="200"} 4.0' in metrics
    )
    assert f"crosscheck_stored_articles {len(demo_articles()) + 1}.0" in metrics
