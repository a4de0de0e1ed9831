"""Group commit: the articles that concurrent requests store are written together, one write
transaction for all that arrived while the previous transaction ran.

Under load a worker's writes are limited by how long each holds the write lock, not by the
disk: every statement of a transaction waits for the GIL among the threads that analyse other
requests, so that storing one article per transaction held SQLite's lock for 10-50 ms instead
of 2 (the soak in the README). A group pays those waits once for all its articles, and groups
grow by themselves as writes queue up."""

import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from service.errors import DatabaseUnavailable
from service.store import repository
from service.store.db import write_transaction
from service.store.models import Article
from service.store.repository import NewArticle

log = logging.getLogger(__name__)

Stored = tuple[Article, bool]


@dataclass(frozen=True, slots=True)
class _Waiting:
    article: NewArticle
    stored: "Future[Stored]" = field(default_factory=Future)


class GroupCommit:
    """One writer thread per worker that stores what requests hand it, in groups of at most
    `max_group` articles. Start it with the app and `close` it after the last request."""

    def __init__(self, engine: Engine, *, max_group: int, timeout: float) -> None:
        self.engine, self.max_group, self.timeout = engine, max_group, timeout
        self._waiting: queue.SimpleQueue[_Waiting | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write_groups, name="group-commit", daemon=True)
        self._writer.start()

    def store(self, article: NewArticle) -> Stored:
        """Store `article` unless it is stored already (as `repository.add_article` does);
        its row and whether it is new, once committed. Raises what the transaction raised, or
        DatabaseUnavailable when the commit takes longer than `timeout` (the article may still
        be stored; storing it again then finds it)."""
        waiting = _Waiting(article)
        self._waiting.put(waiting)
        try:
            return waiting.stored.result(timeout=self.timeout)
        except TimeoutError:
            raise DatabaseUnavailable(
                "the database is busy; try again shortly", details={"reason": "busy"}
            ) from None

    @property
    def queued(self) -> int:
        """Articles handed over and not yet taken into a transaction."""
        return self._waiting.qsize()

    def close(self) -> None:
        """Write what is waiting, then stop the writer thread."""
        self._waiting.put(None)
        self._writer.join()

    def _write_groups(self) -> None:
        while (first := self._waiting.get()) is not None:
            group, closing = [first], False
            while len(group) < self.max_group and not closing:
                try:
                    waiting = self._waiting.get_nowait()
                except queue.Empty:
                    break
                closing = waiting is None
                group += [] if waiting is None else [waiting]
            self._write(group)
            if closing:
                return

    def _write(self, group: list[_Waiting]) -> None:
        articles = [waiting.article for waiting in group]

        def store(session: Session) -> list[Stored]:
            repository.lock_for_insert(session, articles=articles)
            return repository.add_articles(session, articles=articles)

        try:
            stored = write_transaction(self.engine, store)
        except (OperationalError, DatabaseUnavailable) as exc:  # the database, not an article
            self._fail(group, exc)
            return
        except Exception as exc:
            if len(group) == 1:
                self._fail(group, exc)
                return
            for waiting in group:  # one by one, so that an article the store refuses fails alone
                self._write([waiting])
            return
        for waiting, result in zip(group, stored, strict=True):
            waiting.stored.set_result(result)

    @staticmethod
    def _fail(group: list[_Waiting], exc: Exception) -> None:
        for waiting in group:
            waiting.stored.set_exception(exc)
