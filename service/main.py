"""The application factory. Nothing happens at import time; `create_app(settings)` builds it all."""

import gc
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from alembic.util.exc import CommandError
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from service.api.errors import install_error_handlers
from service.api.metrics import Metrics, MetricsMiddleware, StoredArticlesCollector
from service.api.middleware import BodyLimitMiddleware, RequestIdMiddleware
from service.api.routes import articles, health, page, score, sources
from service.fetch import Fetcher
from service.settings import Settings
from service.store import migrate, repository, search
from service.store.cache import PeerCache
from service.store.db import create_db_engine, session_scope
from service.store.group_commit import GroupCommit
from service.turns import Turns

log = logging.getLogger(__name__)

# Generation 0, 1 and 2 thresholds (CPython's defaults: 700, 10, 10); see tune_garbage_collector.
GC_THRESHOLDS = (20_000, 50, 100)

DESCRIPTION = """\
crosscheck scores news articles against the other outlets that report the same story.

Errors always have the shape `{"error": {"code": ..., "message": ..., "details": ...}}`.

Where the operator configured API keys, send one as `Authorization: Bearer <key>` or
`X-API-Key: <key>`: writes (storing, deleting, `/score` with `store`) need a `write` key, reads
a `read` key (a `write` key reads too); 401 without a valid key, 403 with one of the wrong scope.
Health and readiness are always open, metrics unless the operator put them behind a key.
"""


def create_app(settings: Settings) -> FastAPI:
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_db_engine(settings)
        app.state.engine = engine
        app.state.fetcher = Fetcher(settings)
        app.state.head_revision = migrate.head_revision()
        metrics.add_live_collector(StoredArticlesCollector(lambda: _count_articles(engine)))
        log.info("started", extra={"database": engine.url.render_as_string(hide_password=True)})
        _warn_unless_migrated(engine, app.state.head_revision)
        _log_access_policy(settings)
        app.state.group_commit = GroupCommit(
            engine,
            max_group=settings.max_batch_items,
            timeout=settings.db_timeout_seconds,
            observe=metrics.group_commits.observe,
        )
        app.state.common_term_scanner = _common_term_scanner(engine, settings, metrics)
        try:
            yield
        finally:
            if app.state.common_term_scanner is not None:
                app.state.common_term_scanner.close()  # waits up to 5 s for a scan under way
            app.state.fetcher.close()
            app.state.group_commit.close()
            engine.dispose()

    app = FastAPI(
        title="crosscheck",
        version=_version(),
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.scoring_slots = threading.BoundedSemaphore(settings.max_concurrent_scores)
    app.state.writing_slots = threading.BoundedSemaphore(settings.max_concurrent_writes)
    app.state.analysis_turns = Turns(
        settings.max_concurrent_analyses, observe=metrics.turn_waits.observe
    )
    app.state.peer_cache = PeerCache.of_size(
        settings.analysis_cache_size, observe=metrics.cache_observer
    )
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(articles.router)
    app.include_router(score.router)
    app.include_router(sources.router)
    app.include_router(page.router)
    # Added last runs first: request ids and metrics see every response, the 413 included.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(RequestIdMiddleware)
    return app


def _warn_unless_migrated(engine: Engine, head: str | None) -> None:
    """Say at start, not first at a request, that the database is not at this release's schema
    (`serve --no-migrate`, or PostgreSQL before the deploy step): /readyz answers 503 and every
    request that reads what is missing answers 503 `not_migrated` until it is."""
    try:
        revision, state = migrate.schema_state(engine)
    except (SQLAlchemyError, CommandError):
        return  # unreachable, or a revision table Alembic cannot read: readiness says so
    if state != "at_head":
        log.warning(migrate.MISMATCH[state], extra={"revision": revision, "head": head})


def _common_term_scanner(
    engine: Engine, settings: Settings, metrics: Metrics
) -> search.CommonTermScanner | None:
    if engine.dialect.name != "sqlite" or not settings.index_scan_interval_seconds:
        return None
    return search.CommonTermScanner(
        engine, settings.index_scan_interval_seconds, observe=metrics.index_scans.observe
    )


def tune_garbage_collector() -> None:
    """For a worker process, once, after start-up: scoring allocates tens of thousands of small
    objects per request and the peer cache keeps millions alive, so with CPython's default
    thresholds a full collection (a pause of 100 ms and more) ran every few requests and made
    the p99. Collect the young generation less often, and leave what start-up created
    (modules, lexicons, the app) out of every collection. Not for a process that builds and
    drops apps (tests): what is frozen is never freed."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def _log_access_policy(settings: Settings) -> None:
    if not settings.api_keys:
        log.warning(
            "no API keys configured (CROSSCHECK_API_KEYS): anyone who can reach the service "
            "can read, store and delete articles"
        )
        return
    names = [key.name or "(unnamed)" for key in settings.api_keys]
    log.info("API keys required", extra={"keys": names})


def app_from_environment() -> FastAPI:
    """The factory uvicorn workers call: settings from the environment (`crosscheck serve`)."""
    app = create_app(Settings())
    tune_garbage_collector()
    return app


def _count_articles(engine: Engine) -> int:
    with session_scope(engine) as session:
        return repository.count_articles(session)


def _version() -> str:
    try:
        return version("crosscheck")
    except PackageNotFoundError:
        return "0.0.0"
