"""Request dependencies: settings, and database sessions for reading or writing."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlmodel import Session

from service.fetch import Fetcher
from service.settings import Settings
from service.store.db import session_scope


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_fetcher(request: Request) -> Fetcher:
    return request.app.state.fetcher


def read_session(request: Request) -> Iterator[Session]:
    with session_scope(request.app.state.engine) as session:
        yield session


def write_session(request: Request) -> Iterator[Session]:
    with session_scope(request.app.state.engine, write=True) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
# For work that analyses before it writes: it opens its own short transactions.
EngineDep = Annotated[Engine, Depends(get_engine)]
FetcherDep = Annotated[Fetcher, Depends(get_fetcher)]
ReadSession = Annotated[Session, Depends(read_session)]
WriteSession = Annotated[Session, Depends(write_session)]
