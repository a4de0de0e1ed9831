"""Engine and sessions: one engine per process, built from the settings."""

import fcntl
import json
import logging
import os
import random
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlmodel import Session, create_engine

from service.errors import DatabaseUnavailable
from service.settings import Settings

log = logging.getLogger(__name__)

Result = TypeVar("Result")

# PostgreSQL's deadlock and serialization failures: the transaction lost a race and may run again.
_TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})
WRITE_ATTEMPTS = 3

# Marks a session that will write; on SQLite it takes the write lock up front (see below).
_WRITE_OPTION = "crosscheck_write"
WRITE = {_WRITE_OPTION: True}


def create_db_engine(settings: Settings) -> Engine:
    """Build the engine for `settings.database_url`, with per-dialect connection setup."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url.render_as_string(hide_password=False), settings)
    return create_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_timeout=settings.db_timeout_seconds,
        pool_pre_ping=True,
        # Errors are logged; their statement parameters would be article text.
        hide_parameters=True,
        json_serializer=write_json,
        json_deserializer=read_json,
        connect_args={"connect_timeout": max(1, int(settings.db_timeout_seconds))},
    )


def write_json(document: Any) -> str:
    """A JSON document as stored: without the spaces and the escapes of non-ASCII letters of
    the standard library's defaults, which made a stored analysis a fifth larger to keep and to
    read. NaN and Infinity are written as the standard library writes them."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def read_json(document: str | bytes) -> Any:
    """A stored JSON document, read with orjson (every scoring request reads its candidates'
    and peers' analyses); the standard library's reader for what orjson refuses, such as the
    NaN and Infinity its writer lets through."""
    try:
        return orjson.loads(document)
    except orjson.JSONDecodeError:
        return json.loads(document)


def ensure_sqlite_folder(database_url: str) -> None:
    """SQLite creates the file but not its folder; create the folder (e.g. ./data/)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.query.get("uri"):
        return  # not SQLite, in memory, or a file: URI whose owner decides where it lives
    if url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


class WriterTurns:
    """The writers of one SQLite file take turns: one thread of a process at a time, and one
    process at a time, through a lock file beside the database (flock).

    Left to SQLite, every waiting writer polls the lock with sleeps that grow to 100 ms, while
    the writers of the process that holds it take it again the moment their commits end: under
    steady writes one worker's writers starved the other's for seconds (503 and 429 in the
    soak). Here the threads of a process queue on a lock, and only the one at the front polls
    the file, every millisecond. Both waits together are bounded by `timeout`. (A blocking
    flock, which the kernel ends at once, measured no better in the soak and cannot time out.)
    SQLite's busy timeout still applies to writers that do not take turns (a sqlite3 shell)."""

    POLL_SECONDS = 0.001

    def __init__(self, lock_file: Path | None, timeout: float) -> None:
        self.lock_file, self.timeout = lock_file, timeout
        self._thread_turn = threading.Lock()

    @contextmanager
    def turn(self) -> Iterator[None]:
        deadline = time.monotonic() + self.timeout
        if not self._thread_turn.acquire(timeout=self.timeout):
            raise DatabaseUnavailable.busy()
        try:
            with self._process_turn(deadline):
                yield
        finally:
            self._thread_turn.release()

    @contextmanager
    def _process_turn(self, deadline: float) -> Iterator[None]:
        # Opened for each turn: a descriptor inherited across fork would share its lock. Read
        # only, which flock needs no more than, so that any user who may read it can take turns.
        try:
            descriptor = (
                os.open(self.lock_file, os.O_RDONLY | os.O_CREAT, 0o644) if self.lock_file else None
            )
        except OSError as exc:
            log.warning("cannot open the writers' lock file", extra={"error": str(exc)})
            descriptor = None
        if descriptor is None:  # in memory, or a folder we cannot write: SQLite's handler alone
            yield
            return
        try:
            while not _try_lock(descriptor):
                if time.monotonic() >= deadline:
                    raise DatabaseUnavailable.busy()
                time.sleep(self.POLL_SECONDS)
            yield
        finally:
            os.close(descriptor)  # and with it the lock


def _try_lock(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


_TURNS: "weakref.WeakKeyDictionary[Engine, WriterTurns]" = weakref.WeakKeyDictionary()


def writer_turn(engine: Engine) -> AbstractContextManager[None]:
    """The context in which a write transaction on `engine` may begin (a turn on SQLite)."""
    turns = _TURNS.get(engine)
    return turns.turn() if turns is not None else nullcontext()


def _lock_file(url: str) -> Path | None:
    parsed = make_url(url)
    if not parsed.database or parsed.database == ":memory:" or parsed.query.get("uri"):
        return None
    return Path(f"{parsed.database}-writers")


def _sqlite_engine(url: str, settings: Settings) -> Engine:
    try:
        ensure_sqlite_folder(url)
    except OSError as exc:
        # Start anyway: readiness reports the database as unreachable until it is fixed.
        log.warning("cannot create the SQLite folder", extra={"error": str(exc)})
    engine = create_engine(
        url,
        connect_args={"timeout": settings.db_timeout_seconds, "check_same_thread": False},
        hide_parameters=True,
        # Every scoring request reads its candidates' and peers' stored analyses.
        json_serializer=write_json,
        json_deserializer=read_json,
    )
    _TURNS[engine] = WriterTurns(_lock_file(url), settings.db_timeout_seconds)
    busy_ms = int(settings.db_timeout_seconds * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, emit BEGIN, so that SAVEPOINTs work as documented.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets readers run beside one writer; busy_timeout makes writers queue, not fail.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()
        record.info["sqlite_file"] = _file_identity(dbapi_connection)

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        # An open connection keeps using a file that was moved, deleted or replaced; the
        # pool's next connection opens whatever is at the path now, or fails (503) if nothing.
        opened = record.info.get("sqlite_file")
        if opened is not None and _current_identity(opened[0]) != opened:
            raise DisconnectionError("the SQLite file was moved or replaced")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes cannot wait for the lock once another
        # writer committed in between; writers take the lock at BEGIN and wait their turn instead.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes(connection) else "BEGIN")

    return engine


FileIdentity = tuple[str, int, int]


def _file_identity(dbapi_connection: Any) -> FileIdentity | None:
    """The path, device and inode of the connection's main database file (None in memory)."""
    rows = dbapi_connection.execute("PRAGMA database_list").fetchall()
    path = next((row[2] for row in rows if row[1] == "main"), "")
    return _current_identity(path) if path else None


def _current_identity(path: str) -> FileIdentity | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return path, stat.st_dev, stat.st_ino


def writes(connection: Connection) -> bool:
    """Whether the connection is a write transaction's (`session_scope(..., write=True)`)."""
    return bool(connection.get_execution_options().get(_WRITE_OPTION, False))


@contextmanager
def session_scope(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """A session that rolls back whatever its user did not commit."""
    with (
        writer_turn(engine) if write else nullcontext(),
        Session(engine, expire_on_commit=False) as session,
    ):
        if write:
            session.connection(execution_options=WRITE)
        try:
            yield session
        except BaseException:
            session.rollback()
            raise


def write_transaction(engine: Engine, work: Callable[[Session], Result]) -> Result:
    """Run `work` in a write transaction and commit; run it again when it lost a deadlock
    (two batches inserting the same articles in different orders), up to WRITE_ATTEMPTS."""
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with session_scope(engine, write=True) as session:
                result = work(session)
                session.commit()
                return result
        except OperationalError as exc:
            if attempt == WRITE_ATTEMPTS or not _lost_a_race(exc):
                raise
            log.info("write transaction lost a race; retrying", extra={"attempt": attempt})
            time.sleep(random.uniform(0.01, 0.05) * attempt)
    raise AssertionError("unreachable")


def _lost_a_race(exc: OperationalError) -> bool:
    return getattr(exc.orig, "sqlstate", None) in _TRANSIENT_SQLSTATES
