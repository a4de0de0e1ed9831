"""Request dependencies: settings, and database sessions for reading or writing."""

import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlmodel import Session

from service.errors import TooManyRequests
from service.fetch import Fetcher
from service.settings import Settings
from service.store.db import session_scope
from service.store.group_commit import GroupCommit
from service.turns import Turns


# Dependencies that only read the app's state are coroutines: a plain function would be run in
# the thread pool, one hop there and back per dependency per request.
async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_engine(request: Request) -> Engine:
    return request.app.state.engine


async def get_fetcher(request: Request) -> Fetcher:
    return request.app.state.fetcher


async def get_analysis_turns(request: Request) -> Turns:
    return request.app.state.analysis_turns


async def get_group_commit(request: Request) -> GroupCommit:
    return request.app.state.group_commit


def read_session(request: Request) -> Iterator[Session]:
    with session_scope(request.app.state.engine) as session:
        yield session


def write_session(request: Request) -> Iterator[Session]:
    with session_scope(request.app.state.engine, write=True) as session:
        yield session


async def scoring_slot(request: Request) -> AsyncIterator[None]:
    """Hold one of the worker's scoring slots for the request, or answer 429 at once.

    Sync routes run in a thread pool, where waiting requests would only queue up behind the
    CPU; a client told to come back shortly can try another replica instead."""
    state = request.app.state
    with _slot(state.scoring_slots, state.settings.max_concurrent_scores, "scoring"):
        yield


async def writing_slot(request: Request) -> AsyncIterator[None]:
    """Hold one of the worker's slots for storing articles (which analyses them first), or
    answer 429 at once, as `scoring_slot` does."""
    state = request.app.state
    with _slot(state.writing_slots, state.settings.max_concurrent_writes, "storing"):
        yield


@contextmanager
def _slot(slots: threading.BoundedSemaphore, limit: int, work: str) -> Iterator[None]:
    if not slots.acquire(blocking=False):
        raise TooManyRequests(
            f"this worker is already {work} {limit} request(s), its limit; retry shortly",
            details={"limit": limit},
        )
    try:
        yield
    finally:
        slots.release()


SettingsDep = Annotated[Settings, Depends(get_settings)]
# For work that analyses before it writes: it opens its own short transactions.
EngineDep = Annotated[Engine, Depends(get_engine)]
FetcherDep = Annotated[Fetcher, Depends(get_fetcher)]
# Held while a request analyses or scores text (CPU work), so that few do so at once.
AnalysisTurnsDep = Annotated[Turns, Depends(get_analysis_turns)]
# Storing one article: it is written with those other requests store at the same time.
GroupCommitDep = Annotated[GroupCommit, Depends(get_group_commit)]
ReadSession = Annotated[Session, Depends(read_session)]
WriteSession = Annotated[Session, Depends(write_session)]
