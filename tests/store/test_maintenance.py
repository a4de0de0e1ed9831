"""Index upkeep: SQLite's full-text segments merged into one, PostgreSQL's index analysed."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from service.settings import Settings
from service.store import maintenance, migrate, repository, search
from service.store.db import create_db_engine, session_scope
from tests.factories import new_article as new

# Three: FTS5 merges four segments of one level by itself.
STORIES = [
    ("a.example", "Lecornu telefonierte mit Schoigu über die Lage in der Ukraine."),
    ("b.example", "Die GDL streikt erneut, sagte Weselsky in Frankfurt am Telefon."),
    ("c.example", "In Köln stritt der Stadtrat über die Hauptstraße."),
]


@pytest.fixture
def engine(fresh_database_url: str) -> Iterator[Engine]:
    """A database of its own: the segments of the index are the test's alone."""
    migrate.upgrade(fresh_database_url)
    engine = create_db_engine(Settings(database_url=fresh_database_url))
    yield engine
    engine.dispose()


def _store_one_at_a_time(engine: Engine) -> list[int]:
    """Each article in a transaction of its own: on SQLite, a segment of the index each."""
    ids = []
    for source, body in STORIES:
        with session_scope(engine, write=True) as session:
            article, _ = repository.add_article(session, article=new(source, body))
            session.commit()
            assert article.id is not None
            ids.append(article.id)
    return ids


def _found(engine: Engine) -> list[list[int]]:
    with session_scope(engine) as session:
        return [
            search.search_articles(session, names=names, words=words, limit=10)
            for names, words in (
                (["Schoigu", "Lecornu"], ["telefon"]),
                ([], ["weselsky", "streikt"]),
                (["Köln"], ["hauptstrasse"]),
            )
        ]


def test_on_sqlite_the_index_is_merged_into_one_segment_step_by_step(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's index has no segments")
    _store_one_at_a_time(engine)
    found = _found(engine)
    steps: list[int] = []

    merged = maintenance.optimize_index(engine, pages_per_step=1, progress=steps.append)

    assert merged.segments_before is not None
    assert merged.segments_before == len(STORIES)
    assert merged.segments_after == 1
    # A transaction per step, each committed: other writers take turns in between.
    assert merged.steps > 1
    assert steps == list(range(1, merged.steps + 1))
    assert _found(engine) == found
    assert found[0]
    assert found[1]
    assert found[2]


def test_on_sqlite_a_merged_index_is_left_as_it_is(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's index has no segments")
    _store_one_at_a_time(engine)
    maintenance.optimize_index(engine)

    again = maintenance.optimize_index(engine)

    assert again == maintenance.Optimized(1, 1, 1)


def test_on_sqlite_articles_stored_after_a_merge_are_found_and_deleted(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's index has no segments")
    first, *_ = _store_one_at_a_time(engine)
    maintenance.optimize_index(engine)
    with session_scope(engine, write=True) as session:
        later, _ = repository.add_article(
            session, article=new("e.example", "Schoigu rief Lecornu am Telefon an.")
        )
        repository.delete_article(session, article_id=first)
        session.commit()

    with session_scope(engine) as session:
        hits = search.search_articles(session, names=["Schoigu"], words=["telefon"], limit=10)

    assert later.id in hits
    assert first not in hits


def test_on_postgresql_the_index_is_flushed_and_its_statistics_gathered(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's index is merged instead")
    _store_one_at_a_time(engine)

    result = maintenance.optimize_index(engine)

    assert result == maintenance.Optimized(1)
    with engine.connect() as connection:
        analysed = connection.execute(
            text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'article'")
        ).scalar()
    assert analysed is not None
    assert _found(engine)[1]


def test_a_step_of_no_pages_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="pages_per_step"):
        maintenance.optimize_index(engine, pages_per_step=0)
