"""Upkeep of the full-text index after bulk loads: `crosscheck optimize-index`.

FTS5 writes what each committed transaction adds to the index as a new segment, and merges
segments a few at a time as they pile up (its automerge). A store loaded in many transactions
keeps a dozen or two: 19 at the benchmark's 100k articles. A query looks each of its terms up
in every segment; with the segments merged into one, the index search of a story's first
/score request took a quarter less there, and the whole request 4% less (same responses).
On PostgreSQL, the GIN index's pending entries are moved into it and the statistics that
leave out common lexemes (`search._CommonLexemes`) are gathered at once, not when autovacuum
gets to it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, text

from service.store.db import session_scope
from service.store.search import PG_SEARCH_INDEX, SQLITE_FTS_TABLE

# A negative page count merges all segments, not only a level that has piled up; each step
# writes about that many pages.
_SQLITE_MERGE = text(
    f"INSERT INTO {SQLITE_FTS_TABLE}({SQLITE_FTS_TABLE}, rank) VALUES ('merge', -:pages)"
)
_SQLITE_CHANGES = text("SELECT total_changes()")
# Each segment's b-tree has at least one row in this table.
_SQLITE_SEGMENTS = text(f"SELECT count(DISTINCT segid) FROM {SQLITE_FTS_TABLE}_idx")
_PG_STATEMENTS = (
    text(f"SELECT gin_clean_pending_list('{PG_SEARCH_INDEX}'::regclass)"),
    text("ANALYZE article"),
)

# About 2 MB a step: 30-100 ms each at 100k articles.
DEFAULT_PAGES_PER_STEP = 500


@dataclass(frozen=True, slots=True)
class Optimized:
    """What `optimize_index` did: its write transactions, and on SQLite the index's segments
    before and after."""

    steps: int
    segments_before: int | None = None
    segments_after: int | None = None


def optimize_index(
    engine: Engine,
    *,
    pages_per_step: int = DEFAULT_PAGES_PER_STEP,
    progress: Callable[[int], None] = lambda steps: None,
) -> Optimized:
    """Merge an SQLite index into one segment, `pages_per_step` pages (of 4 KB) a write
    transaction, so that other writers take their turns between the steps rather than wait for
    the whole index (3.6 s at 100k articles); `progress(steps)` after each. On PostgreSQL, one
    transaction of upkeep (see the module's doc)."""
    if pages_per_step < 1:
        raise ValueError("pages_per_step must be at least 1")
    if engine.dialect.name != "sqlite":
        with session_scope(engine, write=True) as session:
            for statement in _PG_STATEMENTS:
                session.execute(statement)
            session.commit()
        progress(1)
        return Optimized(1)
    before = _segments(engine)
    steps, merging = 0, True
    while merging:
        with session_scope(engine, write=True) as session:
            changes = session.execute(_SQLITE_CHANGES).scalar_one()
            session.execute(_SQLITE_MERGE, {"pages": pages_per_step})
            # FTS5's sign that there was nothing left to merge: fewer than two rows written.
            merging = session.execute(_SQLITE_CHANGES).scalar_one() - changes >= 2
            session.commit()
        steps += 1
        progress(steps)
    return Optimized(steps, before, _segments(engine))


def _segments(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.execute(_SQLITE_SEGMENTS).scalar_one())
