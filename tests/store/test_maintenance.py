"""Index upkeep: SQLite's full-text segments merged into one, PostgreSQL's index analysed."""

from collections.abc import Callable, Iterator

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


def _sound(engine: Engine) -> None:
    """FTS5's own check of the index against the articles; raises where they disagree."""
    with session_scope(engine, write=True) as session:
        session.execute(
            text(
                f"INSERT INTO {search.SQLITE_FTS_TABLE}({search.SQLITE_FTS_TABLE}) "
                "VALUES ('integrity-check')"
            )
        )


def _storing_between_steps(engine: Engine) -> Callable[[int], None]:
    """A progress callback that stores an article in a transaction of its own, as another
    writer would between two steps of the merge."""

    def store_another(step: int) -> None:
        with session_scope(engine, write=True) as session:
            repository.add_article(session, article=new(f"w{step}.example", f"Meldung {step}."))
            session.commit()

    return store_another


def sqlite_only(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's index has no segments")


def test_on_sqlite_the_index_is_merged_into_one_segment_step_by_step(engine: Engine) -> None:
    sqlite_only(engine)
    _store_one_at_a_time(engine)
    found = _found(engine)
    steps: list[int] = []

    merged = maintenance.optimize_index(engine, pages_per_step=1, progress=steps.append)

    assert merged.segments == (len(STORIES), 1)
    # A transaction per step, each committed: other writers take turns in between.
    assert merged.steps > 1
    assert steps == list(range(1, merged.steps + 1))
    assert _found(engine) == found
    assert found[0]
    assert found[1]
    assert found[2]
    _sound(engine)


def test_on_sqlite_a_merge_ends_while_others_store_articles_between_its_steps(
    engine: Engine,
) -> None:
    """Each step after the first carries the merge on: started again after every other
    writer's commit, it never ended, and its structure gained a level each time."""
    sqlite_only(engine)
    _store_one_at_a_time(engine)

    merged = maintenance.optimize_index(
        engine, pages_per_step=1, progress=_storing_between_steps(engine)
    )

    assert merged.steps < 40
    assert merged.levels is not None
    before, after = merged.levels
    assert after - before <= 2
    _sound(engine)
    with session_scope(engine) as session:
        assert search.search_articles(session, names=[], words=["meldung"], limit=50)


def _pending_merges(engine: Engine) -> list[int]:
    """Each level's segments in a merge under way, from FTS5's structure record (its legacy
    format: the cookie, then levels, segments and write counter, then per level the segments
    being merged, the segments, and three numbers per segment)."""
    with session_scope(engine) as session:
        record = maintenance.structure(session)
    numbers = maintenance.varints(record, 4)
    levels, _, _ = next(numbers), next(numbers), next(numbers)
    pending = []
    for _ in range(levels):
        merging, segments = next(numbers), next(numbers)
        for _ in range(3 * segments):
            next(numbers)
        pending.append(merging)
    return pending


def test_on_sqlite_a_merge_of_many_pages_ends_whole_while_others_store_between_its_steps(
    engine: Engine,
) -> None:
    """A merge that takes several steps is carried to its end, however few segments it
    gathered, while writers add segments below it."""
    sqlite_only(engine)
    with session_scope(engine, write=True) as session:  # one segment of many pages
        for n in range(300):
            body = f"Bericht {n} über Lecornu, Schoigu und die Lage in Region{n} am Tag {n}."
            repository.add_article(session, article=new(f"bulk{n}.example", body))
        session.commit()
    _store_one_at_a_time(engine)

    merged = maintenance.optimize_index(
        engine, pages_per_step=1, progress=_storing_between_steps(engine)
    )

    assert merged.steps > 3
    assert not any(_pending_merges(engine))
    _sound(engine)


def test_on_sqlite_a_merged_index_is_left_as_it_is(engine: Engine) -> None:
    sqlite_only(engine)
    _store_one_at_a_time(engine)
    first = maintenance.optimize_index(engine)

    again = maintenance.optimize_index(engine)

    assert again.steps == 1
    assert again.segments == (1, 1)
    assert again.levels == (first.levels[1],) * 2  # type: ignore[index]


def test_on_sqlite_a_structure_of_too_many_levels_is_rebuilt_not_merged(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqlite_only(engine)
    _store_one_at_a_time(engine)
    levels = maintenance.optimize_index(engine).levels
    assert levels is not None
    _store_one_at_a_time(engine)
    monkeypatch.setattr(maintenance, "MAX_LEVELS", levels[1] + 1)

    with pytest.raises(maintenance.IndexNeedsRebuild, match="--rebuild"):
        maintenance.optimize_index(engine)
    rebuilt = maintenance.optimize_index(engine, rebuild=True)

    assert rebuilt.steps >= 2  # the rebuild, then the merge
    assert rebuilt.segments is not None
    assert rebuilt.segments[1] == 1
    assert rebuilt.levels is not None
    assert rebuilt.levels[1] < levels[1]
    _sound(engine)
    assert all(_found(engine))


def test_the_levels_are_read_from_either_format_of_the_structure_record() -> None:
    cookie = b"\x00\x00\x00\x07"
    assert maintenance.structure_levels(cookie + bytes([10, 1, 5])) == 10
    assert maintenance.structure_levels(cookie + bytes([0x87, 0x68, 3])) == 1000
    assert maintenance.structure_levels(cookie + b"\xff\x00\x00\x01" + bytes([64, 1])) == 64


def test_on_sqlite_articles_stored_after_a_merge_are_found_and_deleted(engine: Engine) -> None:
    sqlite_only(engine)
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
