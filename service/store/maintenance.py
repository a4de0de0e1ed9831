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

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import Engine, TextClause, text
from sqlmodel import Session

from service.store.db import session_scope
from service.store.search import INDEX_STRUCTURE, PG_SEARCH_INDEX, SQLITE_FTS_TABLE

_SQLITE_MERGE = text(
    f"INSERT INTO {SQLITE_FTS_TABLE}({SQLITE_FTS_TABLE}, rank) VALUES ('merge', :pages)"
)
_SQLITE_REBUILD = text(f"INSERT INTO {SQLITE_FTS_TABLE}({SQLITE_FTS_TABLE}) VALUES ('rebuild')")
_SQLITE_CHANGES = text("SELECT total_changes()")
# Each segment's b-tree has at least one row in this table.
_SQLITE_SEGMENTS = text(f"SELECT count(DISTINCT segid) FROM {SQLITE_FTS_TABLE}_idx")
_PG_STATEMENTS = (
    text(f"SELECT gin_clean_pending_list('{PG_SEARCH_INDEX}'::regclass)"),
    text("ANALYZE article"),
)

# About 2 MB a step: 30-100 ms each at 100k articles.
DEFAULT_PAGES_PER_STEP = 500
# FTS5 reports an index whose structure has more than 2000 levels as corrupt. A full merge adds
# two to it (SQLite 3.40, which Debian 12 and the image ship, sets no bound; later releases keep
# it at 64), and only a rebuild takes them away: past this many (about 500 runs, 16 months of
# daily ones), the merge is refused and a rebuild asked for.
MAX_LEVELS = 1000


class IndexNeedsRebuild(Exception):
    def __init__(self, levels: int) -> None:
        super().__init__(
            f"the index's structure has {levels} levels (FTS5 gives up at 2000, and each merge "
            f"adds two): rebuild it instead (`crosscheck optimize-index --rebuild`)"
        )
        self.levels = levels


@dataclass(frozen=True, slots=True)
class Optimized:
    """What `optimize_index` did: its write transactions, and on SQLite the index's segments
    and the levels of its structure, before and after."""

    steps: int
    segments: tuple[int, int] | None = None
    levels: tuple[int, int] | None = None


def optimize_index(
    engine: Engine,
    *,
    pages_per_step: int = DEFAULT_PAGES_PER_STEP,
    progress: Callable[[int], None] = lambda steps: None,
    rebuild: bool = False,
) -> Optimized:
    """Merge an SQLite index into one segment, `pages_per_step` pages (of 4 KB) a write
    transaction, so that other writers take their turns between the steps rather than wait for
    the whole index (3.6 s at 100k articles); `progress(steps)` after each. With `rebuild` (which
    `IndexNeedsRebuild` asks for when the index's structure has too many levels), write the
    index anew from the articles first, in one transaction (23 s at 100k, writers waiting). On
    PostgreSQL, one transaction of upkeep (see the module's doc)."""
    if pages_per_step < 1:
        raise ValueError("pages_per_step must be at least 1")
    if engine.dialect.name != "sqlite":
        _write(engine, *_PG_STATEMENTS)
        progress(1)
        return Optimized(1)
    segments, levels = _shape(engine)
    if rebuild:
        _write(engine, _SQLITE_REBUILD)  # in several segments (9 at 100k), which the merge joins
        progress(1)
    elif levels + 2 > MAX_LEVELS:
        raise IndexNeedsRebuild(levels)
    done = int(rebuild)
    steps = done + _merge(engine, pages_per_step, lambda step: progress(done + step))
    segments_after, levels_after = _shape(engine)
    return Optimized(steps, (segments, segments_after), (levels, levels_after))


def _merge(engine: Engine, pages: int, progress: Callable[[int], None]) -> int:
    steps, merging = 0, True
    while merging:
        with session_scope(engine, write=True) as session:
            changes = session.execute(_SQLITE_CHANGES).scalar_one()
            # A negative count gathers every segment into one merge; a positive one carries on
            # with the merge under way. Negative at every step, each other writer's commit in
            # between started the merge again, a level higher, and it never ended.
            session.execute(_SQLITE_MERGE, {"pages": -pages if steps == 0 else pages})
            # FTS5's sign that there was nothing left to merge: fewer than two rows written.
            # (A step can also find nothing to do while writers' segments outnumber the
            # merge's on a level below it; the merge is then carried on by the next run.)
            merging = session.execute(_SQLITE_CHANGES).scalar_one() - changes >= 2
            session.commit()
        steps += 1
        progress(steps)
    return steps


def _write(engine: Engine, *statements: TextClause) -> None:
    with session_scope(engine, write=True) as session:
        for statement in statements:
            session.execute(statement)
        session.commit()


def _shape(engine: Engine) -> tuple[int, int]:
    """The index's segments, and the levels of its structure."""
    with session_scope(engine) as session:
        segments = int(session.execute(_SQLITE_SEGMENTS).scalar_one())
        return segments, structure_levels(structure(session))


def structure(session: Session) -> bytes:
    """FTS5's structure record of the index (`search.INDEX_STRUCTURE`)."""
    record = session.execute(INDEX_STRUCTURE).scalar()
    return bytes(record) if record else b""


def structure_levels(record: bytes) -> int:
    """The levels of FTS5's structure record: the first varint after its 4-byte cookie (and
    after the marker of the second format, which contentless tables use)."""
    at = 8 if record[4:8] == b"\xff\x00\x00\x01" else 4
    return next(varints(record, at), 0)


def varints(record: bytes, at: int) -> Iterator[int]:
    """The SQLite varints of `record` from `at`: seven bits a byte, high bit set where more
    follow, and all eight bits of a ninth byte."""
    while at < len(record):
        value = 0
        for index, byte in enumerate(record[at : at + 9]):
            if index == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        at += index + 1
        yield value
