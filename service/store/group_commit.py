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
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError
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

    def __init__(
        self,
        engine: Engine,
        *,
        max_group: int,
        timeout: float,
        observe: Callable[[int], None] | None = None,
    ) -> None:
        self.engine, self.max_group, self.timeout = engine, max_group, timeout
        self._observe = observe  # told the size of each group written
        self._waiting: queue.SimpleQueue[_Waiting | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write_groups, name="group-commit", daemon=True)
        self._writer.start()

    def store(self, article: NewArticle) -> Stored:
        """Store `article` unless it is stored already (as `repository.add_article` does);
        its row and whether it is new, once committed. Raises what the transaction raised, or
        DatabaseUnavailable when the commit takes longer than `timeout`: an article still
        waiting then is dropped, one already being written may still be stored (storing it
        again finds it)."""
        waiting = _Waiting(article)
        self._waiting.put(waiting)
        try:
            return waiting.stored.result(timeout=self.timeout)
        except TimeoutError:
            waiting.stored.cancel()
            raise DatabaseUnavailable.busy() from None

    @property
    def queued(self) -> int:
        """Articles handed over and not yet taken into a transaction."""
        return self._waiting.qsize()

    def close(self) -> None:
        """Write what is waiting, then stop the writer thread (waiting for it a bounded time)."""
        self._waiting.put(None)
        self._writer.join(2 * self.timeout)
        if self._writer.is_alive():
            log.warning("the group-commit writer was still writing at shutdown")

    def _write_groups(self) -> None:
        closing = False
        while not closing:
            group: list[_Waiting] = []
            waiting = self._waiting.get()
            while waiting is not None:
                if waiting.stored.set_running_or_notify_cancel():  # False: its request gave up
                    group.append(waiting)
                if len(group) == self.max_group:
                    break
                try:
                    waiting = self._waiting.get_nowait()
                except queue.Empty:
                    break
            closing = waiting is None
            try:
                self._write(group)
            except Exception as exc:  # a defect here must not stop every later write
                log.exception("group commit failed")
                _fail(group, exc)

    def _write(self, group: list[_Waiting]) -> None:
        if not group:
            return
        articles = [waiting.article for waiting in group]

        def store(session: Session) -> list[Stored]:
            repository.lock_for_insert(session, articles=articles)
            return repository.add_articles(session, articles=articles)

        try:
            stored = write_transaction(self.engine, store)
        except Exception as exc:
            if len(group) > 1 and _one_article_could_cause(exc):
                for waiting in group:  # one by one, so that the article refused fails alone
                    self._write([waiting])
            else:
                _fail(group, exc)
            return
        if self._observe is not None:
            self._observe(len(group))
        for waiting, result in zip(group, stored, strict=True):
            waiting.stored.set_result(result)


def _one_article_could_cause(exc: Exception) -> bool:
    """A value the database or its driver refused, as against the database failing (which
    would only fail again for each article, each after its own timeout)."""
    if isinstance(exc, DBAPIError):
        return isinstance(exc, IntegrityError | DataError)
    return isinstance(exc, StatementError | TypeError | ValueError)


def _fail(group: list[_Waiting], exc: Exception) -> None:
    for waiting in group:
        if not waiting.stored.done():
            waiting.stored.set_exception(exc)
