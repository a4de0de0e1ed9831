"""Group commit: concurrent requests' articles written together, each answered for itself."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import StatementError

from service.errors import DatabaseUnavailable
from service.store import repository
from service.store.db import session_scope
from service.store.group_commit import GroupCommit
from service.store.repository import EncodedAnalysis, NewArticle
from tests.factories import new_article
from tests.waiting import wait_until

TEXT = "Der Stadtrat beschloss am Montag {} neue Radwege für die Innenstadt."


@pytest.fixture
def commits(engine: Engine) -> Iterator[GroupCommit]:
    commits = GroupCommit(engine, max_group=100, timeout=10)
    yield commits
    commits.close()


@pytest.fixture
def requests() -> Iterator[ThreadPoolExecutor]:
    """Threads to store from, one per concurrent request."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        yield pool


def test_a_stored_article_is_found_again(commits: GroupCommit) -> None:
    article = new_article("a.example", TEXT.format(12), url="https://a.example/1")
    first, created = commits.store(article)
    again, created_again = commits.store(article)
    assert (created, created_again) == (True, False)
    assert first.id == again.id is not None


def test_articles_that_wait_together_are_stored_in_one_group(
    engine: Engine, commits: GroupCommit, requests: ThreadPoolExecutor
) -> None:
    blocker = new_article("a.example", TEXT.format(1))
    articles = [new_article(f"{n}.example", TEXT.format(n)) for n in (2, 3, 3)]
    articles[2] = replace(articles[1])  # the same article twice, from two requests at once
    with _writes_held(engine, [blocker, *articles]):
        results = [requests.submit(commits.store, blocker)]
        wait_until(lambda: commits.queued == 0)  # the writer took the blocker and waits
        results += [requests.submit(commits.store, article) for article in articles]
        wait_until(lambda: commits.queued == len(articles))
    rows = [result.result(10) for result in results]

    assert [created for _, created in rows] == [True, True, True, False]
    assert rows[2][0].id == rows[3][0].id
    with session_scope(engine) as session:
        assert repository.count_articles(session) == 3


def test_an_article_the_store_refuses_fails_alone(
    engine: Engine, commits: GroupCommit, requests: ThreadPoolExecutor
) -> None:
    blocker, good = (new_article("a.example", TEXT.format(n)) for n in (1, 2))
    unstorable = replace(
        new_article("b.example", TEXT.format(3)),
        analysis=EncodedAnalysis(data={"not json": object()}, features={}),
    )
    with _writes_held(engine, [blocker, good, unstorable]):
        results = [requests.submit(commits.store, blocker)]
        wait_until(lambda: commits.queued == 0)
        results += [requests.submit(commits.store, article) for article in (good, unstorable)]
        wait_until(lambda: commits.queued == 2)

    assert [result.result(10)[1] for result in results[:2]] == [True, True]
    with pytest.raises((StatementError, TypeError)):  # wrapped by SQLAlchemy on SQLite only
        results[2].result(10)
    with session_scope(engine) as session:
        assert repository.count_articles(session) == 2


def test_a_write_that_takes_too_long_is_busy_and_dropped_unless_already_begun(
    engine: Engine, requests: ThreadPoolExecutor
) -> None:
    commits = GroupCommit(engine, max_group=100, timeout=0.3)
    begun, waiting = (new_article("a.example", TEXT.format(n)) for n in (1, 2))
    try:
        with _writes_held(engine, [begun, waiting]):
            result = requests.submit(commits.store, begun)
            wait_until(lambda: commits.queued == 0)  # taken into a transaction, which waits
            with pytest.raises(DatabaseUnavailable) as busy:
                commits.store(waiting)
            with pytest.raises(DatabaseUnavailable):
                result.result(10)
    finally:
        commits.close()

    assert busy.value.details == {"reason": "busy"}
    with session_scope(engine) as session:  # the begun one was stored: a retry finds it
        stored = repository.list_articles(session, limit=10)
    assert [article.text for article, _ in stored] == [begun.text]


@contextmanager
def _writes_held(engine: Engine, articles: list[NewArticle]) -> Iterator[None]:
    """A write transaction the writer must wait for: SQLite's writer turn, or on PostgreSQL the
    locks on the articles' keys that every insert takes."""
    with session_scope(engine, write=True) as session:
        repository.lock_for_insert(session, articles=articles)
        yield
        session.rollback()
