"""Prometheus metrics: requests and latency by route template, stored articles, DB errors,
peer cache look-ups, group commits, analysis turn waits, scans of the index."""

import os
import time
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The app's metrics, in a registry of its own so that several apps can live in one process."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "crosscheck_http_requests_total",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "crosscheck_http_request_duration_seconds",
            "HTTP request latency by method and route template.",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.database_errors = Counter(
            "crosscheck_database_errors_total",
            "Requests that failed because the database was unreachable or failing.",
            registry=self.registry,
        )

        self.cache_lookups = Counter(
            "crosscheck_peer_cache_lookups_total",
            "Stored articles looked up in a worker's cache of decoded analyses and features.",
            ["cache", "result"],
            registry=self.registry,
        )

        self.group_commits = Histogram(
            "crosscheck_group_commit_articles",
            "Articles per group commit of single-article writes: one when writes are few, "
            "larger as they queue up behind the write lock.",
            buckets=(1, 2, 4, 8, 16, 32, 64, 128),
            registry=self.registry,
        )

        self.turn_waits = Histogram(
            "crosscheck_analysis_turn_wait_seconds",
            "Each wait for a turn to analyse (a batch waits once per item): near zero while a "
            "worker's CPU keeps up, growing when it does not.",
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )

        self.index_scans = Histogram(
            "crosscheck_index_scan_seconds",
            "Each scan of the SQLite full-text index's vocabulary for its common terms "
            "(`index_scan_interval_seconds`): it grows with the index.",
            buckets=(0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
            registry=self.registry,
        )

        # Collectors that read the database at scrape time: one answer, whichever worker asks.
        self._live: list[Collector] = []

    def cache_observer(self, cache: str) -> Callable[[int, int], None]:
        """Counts the hits and misses of one part of the peer cache."""
        hits = self.cache_lookups.labels(cache=cache, result="hit")
        misses = self.cache_lookups.labels(cache=cache, result="miss")

        def observe(hit: int, missed: int) -> None:
            hits.inc(hit)
            misses.inc(missed)

        return observe

    def add_live_collector(self, collector: Collector) -> None:
        self._live.append(collector)
        self.registry.register(collector)

    def exposition(self) -> bytes:
        """Metrics in the Prometheus text format, merged across workers in multi-process mode."""
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        for collector in self._live:
            registry.register(collector)
        return generate_latest(registry)


class StoredArticlesCollector(Collector):
    """`crosscheck_stored_articles`, counted in the database when scraped."""

    def __init__(self, count: Callable[[], int]) -> None:
        self._count = count

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            value = float(self._count())
        except Exception:  # a scrape must not fail because the database is away
            value = float("nan")
        yield GaugeMetricFamily("crosscheck_stored_articles", "Articles in the store.", value=value)


class MetricsMiddleware:
    """Count and time every request, labelled by route template (never the raw path)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - started)
