"""The three ways the benchmark scores: in-process, over HTTP under load, and brute force."""

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from service.analysis.normalize import content_hash, normalize_with_offsets
from service.analysis.peers import story_similarity
from service.analysis.pipeline import PeerAnalysis, analyze, judge
from service.analysis.records import Analysis, Candidate
from service.main import create_app, tune_garbage_collector
from service.settings import Settings
from service.store.db import create_db_engine, session_scope

WARM_UP = 3


def in_process(url: str, queries: list[dict[str, Any]]) -> tuple[list[float], list[float]]:
    """Latencies (ms) of POST /score through the real ASGI app, one request at a time: each query as
    its story's first request (its peers read from the store), and right after that again (their
    analyses in the worker's cache, as while a story is in the news). The memoised work on
    single names and sentences stays warm from the warm-up, as in a worker that has run a
    while. Requests go to the app as a server hands them over (`asgi_request`): Starlette's
    TestClient took 3-4 ms a request of its own (httpx, and a hop to its event loop's thread),
    six times what the app takes to answer /healthz."""
    app = create_app(Settings(database_url=url))
    tune_garbage_collector()  # as `crosscheck serve` does in each worker
    return asyncio.run(_in_process(app, [json.dumps(query).encode() for query in queries]))


async def _in_process(app: Any, bodies: list[bytes]) -> tuple[list[float], list[float]]:
    async with app.router.lifespan_context(app):
        scanner = app.state.common_term_scanner
        if scanner is not None and not await asyncio.to_thread(scanner.scanned.wait, 120):
            raise RuntimeError("the index was not scanned for its common terms after 120 s")
        for body in bodies[:WARM_UP]:
            await asgi_request(app, "POST", "/score", body)
        app.state.peer_cache.analyses.clear()
        app.state.peer_cache.features.clear()
        first, again = [], []
        for body in bodies:
            for samples in (first, again):
                started = time.perf_counter()
                status, content = await asgi_request(app, "POST", "/score", body)
                samples.append((time.perf_counter() - started) * 1000)
                assert status == 200, content[:2000]
    return first, again


async def asgi_request(app: Any, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
    """One request to the ASGI app, as an HTTP server hands it over; the status and body of
    the response. The client stays connected until the response is whole."""
    done = asyncio.Event()
    request = [{"type": "http.request", "body": body, "more_body": False}]
    status, chunks = 0, []

    async def receive() -> dict[str, Any]:
        if request:
            return request.pop()
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                done.set()

    headers = [
        (b"host", b"bench.local"),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("bench.local", 80),
        "state": {},
    }
    await app(scope, receive, send)
    return status, b"".join(chunks)


def brute_force(url: str, queries: list[dict[str, Any]]) -> dict[str, float]:
    """The same report without index or stored analysis: every stored article is read and
    analysed again for every request, and the most similar are judged as peers."""
    from bench.run import percentiles

    settings = Settings(database_url=url)
    engine = create_db_engine(settings)
    samples = []
    for query in queries:
        started = time.perf_counter()
        _brute_force_one(engine, query, settings)
        samples.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    return percentiles(samples)


def _brute_force_one(engine: Any, query: dict[str, Any], settings: Settings) -> None:
    normalized, _ = normalize_with_offsets(query["text"])
    article = analyze(normalized, query["language"])
    thresholds = settings.thresholds
    scored: list[tuple[float, Candidate, Analysis]] = []
    with session_scope(engine) as session:
        rows = session.execute(
            text(
                "SELECT a.id, s.name, a.text, a.content_hash "
                "FROM article a JOIN source s ON s.id = a.source_id"
            )
        )
        for article_id, source, body, digest in rows:
            analysis = analyze(body, None)
            similarity = story_similarity(article.features, analysis.features)
            if similarity >= thresholds.story_similarity and digest != content_hash(normalized):
                scored.append(
                    (similarity, Candidate(article_id, source, analysis.features, digest), analysis)
                )
    scored.sort(key=lambda item: -item[0])
    chosen = [
        (candidate, similarity) for similarity, candidate, _ in scored[: thresholds.max_peers]
    ]
    analyses = {
        candidate.article_id: PeerAnalysis.of(analysis)
        for _, candidate, analysis in scored[: thresholds.max_peers]
    }
    judge(normalized, article, chosen, analyses, weights={}, thresholds=thresholds)


def over_http(
    url: str, queries: list[dict[str, Any]], *, workers: int, requests: int, concurrency: int
) -> dict[str, Any]:
    """One load run of POST /score against `crosscheck serve` with `workers` workers,
    `concurrency` clients at once: requests per second, each request's milliseconds
    (`samples_ms`; `bench.run.pooled_http` takes their percentiles), and the server's peak
    memory."""
    port = free_port()
    environment = {**os.environ, "CROSSCHECK_DATABASE_URL": url, "CROSSCHECK_LOG_LEVEL": "warning"}
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [
        sys.executable,
        "-m",
        "service",
        "serve",
        "--no-migrate",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    server = subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    memory = _MemoryWatch(server.pid)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, server)
        if url.startswith("sqlite"):
            wait_scanned(base, workers)
        memory.start()
        samples, errors, seconds, client_cpu = _timed_drive(port, queries, requests, concurrency)
    finally:
        memory.stop()
        server.terminate()
        server.wait(timeout=30)
    return {
        "samples_ms": samples,
        "rps": round(len(samples) / seconds, 1),
        "errors": errors,
        "workers": workers,
        "concurrency": concurrency,
        "peak_rss_mb_per_worker": round(memory.peak_per_worker_mb(), 1),
        "client_cpu_ms_per_request": round(client_cpu * 1000 / max(1, requests), 2),
    }


async def _drive(
    port: int, queries: list[dict[str, Any]], requests: int, concurrency: int
) -> tuple[list[float], int, float]:
    """`requests` POST /score from `concurrency` clients at once: their latencies, how many
    failed, and the seconds they took.

    The client shares the machine with the server: it writes prepared requests and reads each
    response to its end (httpx took about 6 ms of CPU a request here, a third of a core at 60
    requests/s). Each request opens its own connection, as independent newsroom tools do: the
    workers of `crosscheck serve` share one listening socket, and kept-alive connections stay
    with the worker that accepted them, so that 8 of them could all land on one worker."""
    requests_bytes = [_request(port, query) for query in queries]
    for request in requests_bytes[:WARM_UP]:
        await _ask(port, request)
    samples: list[float] = []
    errors = 0
    pending = list(range(requests))

    async def client() -> None:
        nonlocal errors
        while pending:
            number = pending.pop()
            started = time.perf_counter()
            ok = await _ask(port, requests_bytes[number % len(requests_bytes)]) == 200
            samples.append((time.perf_counter() - started) * 1000)
            errors += not ok

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return samples, errors, time.perf_counter() - started


def _timed_drive(
    port: int, queries: list[dict[str, Any]], requests: int, concurrency: int
) -> tuple[list[float], int, float, float]:
    """`_drive`, with the CPU seconds the client's own thread took (not the memory watch's)."""
    started = time.thread_time()
    samples, errors, seconds = asyncio.run(_drive(port, queries, requests, concurrency))
    return samples, errors, seconds, time.thread_time() - started


def _request(port: int, query: dict[str, Any]) -> bytes:
    body = json.dumps(query).encode()
    head = (
        f"POST /score HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _ask(port: int, request: bytes, timeout: float = 60) -> int | None:
    """The status of the response to one request on a connection of its own; None when no
    whole response came (refused, reset, cut short, late)."""

    async def exchange() -> int | None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(request)
            await writer.drain()
            response = await reader.read()  # the server closes the connection after it
        finally:
            writer.close()
        return _status(response)

    try:
        return await asyncio.wait_for(exchange(), timeout)
    except (TimeoutError, OSError):
        return None


def _status(response: bytes) -> int | None:
    """The status of a whole HTTP/1.1 response, None if it is not one (or shorter than the
    length it gives)."""
    head, separator, body = response.partition(b"\r\n\r\n")
    status = head[9:12]
    if not (separator and head.startswith(b"HTTP/1.1 ") and status.isdigit()):
        return None
    for line in head.lower().split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name == b"content-length" and value.strip() != str(len(body)).encode():
            return None
    return int(status)


def wait_ready(base: str, server: subprocess.Popen[bytes], *, seconds: float = 60) -> None:
    """Return once the server answers /readyz with 200; RuntimeError if it exits or is late."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited before it was ready")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server was not ready after {seconds:g} s")


def wait_scanned(base: str, workers: int, *, seconds: float = 120) -> None:
    """Return once the workers of an SQLite server have scanned the index for its common terms
    (as many scans as workers), as in a server that has run a while; at once when the scans are
    turned off."""
    if float(os.environ.get("CROSSCHECK_INDEX_SCAN_INTERVAL_SECONDS", "600")) == 0:
        return
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            exposition = httpx.get(f"{base}/metrics", timeout=5).raise_for_status().text
        except httpx.HTTPError:
            exposition = ""
        scans = re.search(
            r"^crosscheck_index_scan_seconds_count(?:{[^}]*})? ([0-9.e+]+)$", exposition, re.M
        )
        if scans and float(scans.group(1)) >= workers:
            return
        time.sleep(0.2)
    raise RuntimeError(f"the workers had not scanned the index after {seconds:g} s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _MemoryWatch:
    """Samples the resident memory of a server and its worker processes (Linux /proc)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peaks: dict[int, int] = {}
        self._running = False
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> None:
        self._running = True
        self._thread.start()

    def stop(self) -> None:
        self._sample()
        self._running = False

    def peak_per_worker_mb(self) -> float:
        workers = {pid: rss for pid, rss in self.peaks.items() if pid != self.pid} or self.peaks
        return max(workers.values(), default=0) / 1024

    def _loop(self) -> None:
        while self._running:
            self._sample()
            time.sleep(0.2)

    def _sample(self) -> None:
        for pid in [self.pid, *children(self.pid)]:
            rss = rss_kb(pid)
            if rss:
                self.peaks[pid] = max(self.peaks.get(pid, 0), rss)


def children(pid: int) -> list[int]:
    """The child processes of `pid`: from the kernel's list of each of its threads' children
    (0.08 ms), or, where the kernel keeps none, by reading every process's parent (3 ms a
    sample, which the benchmark's client then shares its core with)."""
    try:
        return [
            int(child)
            for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()
        ]
    except OSError:
        return _children_by_parent(pid)


def _children_by_parent(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0
