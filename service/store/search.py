"""Full-text candidate retrieval: SQLite FTS5 on the embedded default, tsvector on PostgreSQL.

The index is not part of the SQLModel tables (neither dialect's form is portable); the
migrations create it and this module is the only code that queries it. The SQLite index of what
choosing peers reads of an article (`SQLITE_CARD_INDEX`) is named here too; the repository's
candidates query reads it as well.
"""

import logging
import random
import re
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from service.analysis.normalize import fold, index_form
from service.store.db import writes

log = logging.getLogger(__name__)

# Objects the migrations create outside the SQLModel metadata; autogenerate must ignore them.
SQLITE_FTS_TABLE = "article_fts"
PG_SEARCH_COLUMN = "search_vector"
PG_SEARCH_INDEX = "ix_article_search_vector"
# On SQLite, what choosing peers reads of an article, without its text (migration 0008): read
# from the row, each of those columns after the text walked the text's overflow pages. The
# planner looks an id up in the table itself unless a query names this index.
SQLITE_CARD_INDEX = "ix_article_card"
# Both indexes fold the accents of Latin letters and write "ß" as "ss", in the text and in
# queries, so that the analysis's folded words ("aussenminister", "koln") and names as written
# (`index_form`: "köln") find "Außenminister" and "Köln": SQLite's tokenizer folds accents and
# reads the text through a view that writes "ß" as "ss"; on PostgreSQL this configuration runs
# unaccent before 'simple' (migration 0007).
PG_SEARCH_CONFIGURATION = "crosscheck_folded"
# Letters without a decomposition, which unaccent folds and `fold` keeps.
_UNACCENT_BEYOND_FOLD = str.maketrans(
    {**dict(zip("ðøđħıłŋŧ", "dodhilnt", strict=True)), "æ": "ae", "þ": "th", "œ": "oe"}
)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's filter: autogenerate leaves the index objects above to the migrations."""
    if name is None:
        return True
    unmodelled = {SQLITE_FTS_TABLE, PG_SEARCH_COLUMN, PG_SEARCH_INDEX, SQLITE_CARD_INDEX}
    return not (name in unmodelled or name.startswith(f"{SQLITE_FTS_TABLE}_"))


_TERM = re.compile(r"[^\W_]+")
# How many terms an index query uses, and how many articles a term may occur in to be used at
# all (counted on SQLite; estimated from its statistics on PostgreSQL). The query ranks every
# article holding any of its terms, so its cost follows their counts; a story has at most a few
# dozen articles, and a term in hundreds of them names a topic, not the story (the benchmark
# at 10k and 100k: 300 rather than 1000 finds more of a story's articles, in 3-4 ms less a
# request).
QUERY_TERMS = 16
MAX_TERM_DOCUMENTS = 300

# Copies of one text (a wire story under many sources) take one place among the candidates,
# so that they cannot crowd out the independent reports; the first-stored copy stands for all.
_SQLITE_QUERY = text(
    f"SELECT min(hits.id) FROM ("
    f"SELECT rowid AS id, bm25({SQLITE_FTS_TABLE}) AS rank FROM {SQLITE_FTS_TABLE} "
    f"WHERE {SQLITE_FTS_TABLE} MATCH :query ORDER BY rank LIMIT :wide"
    f") AS hits JOIN article INDEXED BY {SQLITE_CARD_INDEX} ON article.id = hits.id "
    f"GROUP BY article.content_hash ORDER BY min(hits.rank), min(hits.id) LIMIT :limit"
)
_PG_QUERY = text(
    f"SELECT min(hits.id) FROM ("
    f"SELECT id, content_hash, ts_rank({PG_SEARCH_COLUMN}, query) AS rank "
    f"FROM article, to_tsquery('{PG_SEARCH_CONFIGURATION}', :query) AS query "
    f"WHERE {PG_SEARCH_COLUMN} @@ query ORDER BY rank DESC LIMIT :wide"
    f") AS hits GROUP BY hits.content_hash ORDER BY max(hits.rank) DESC, min(hits.id) LIMIT :limit"
)
# How many index hits are read to fill `limit` distinct texts.
_WIDEN = 4


class _TermCounts:
    """How many articles hold each term (up to MAX_TERM_DOCUMENTS + 1: past that a term is
    common, whatever its count), remembered per database for a while.

    A count is read from the index itself, by matching the term as a query would and counting
    at most that many hits: the cost of a term does not grow with the store (about 60 µs at
    100k articles; fts5vocab, which counts a term's whole posting list, took tens of ms for a
    common word there, and knew no word with an accent by the spelling a query gives it). A
    story's names and words are asked for again by every request about it, and a count only
    decides whether a term is worth querying, so each worker process remembers the counts it
    has read, for `ttl` seconds: the common terms' apart, since they are few, and at most
    `size` rare ones, forgotten all at once when there are more. A term that no article holds
    (a name's key, most often) is remembered only while the index stays as it was when it was
    counted (`_index_state`): the next article stored may be the first of its story. With
    `_CommonLexemes` on PostgreSQL, this is the state the store keeps between requests. The
    common terms the last scan of the whole vocabulary found (`_CommonTerms`) are not counted."""

    def __init__(self, ttl: float = 600.0, size: int = 50_000) -> None:
        self.ttl, self.size = ttl, size
        self._common: dict[tuple[str, str], int] = {}
        self._rare: dict[tuple[str, str], int] = {}
        self._absent: dict[Any, tuple[bytes, set[str]]] = {}  # by database file
        self._since = time.monotonic()

    def lookup(self, session: Session, words: list[str]) -> dict[str, int]:
        file, scanned, reading = self._view(session)
        database = file[0]  # its URL
        if time.monotonic() - self._since > self.ttl:
            self._common, self._rare, self._absent = {}, {}, {}
            self._since = time.monotonic()
        if len(self._rare) > self.size:
            self._rare = {}
        # Resets replace the maps and never empty them: these stay whole while this call runs.
        common, rare = self._common, self._rare
        keys = {w: (database, w) for w in words}
        counted = [w for w in keys if w not in scanned]
        missing = [w for w in counted if keys[w] not in common and keys[w] not in rare]
        absent = self._known_absent(session, file) if missing and reading else set()
        missing = [w for w in missing if w not in absent]
        found: dict[tuple[str, str], int] = {}
        for start in range(0, len(missing), _COUNTED_AT_ONCE):
            counts = _match_counts(session, missing[start : start + _COUNTED_AT_ONCE])
            found.update({(database, w): n for w, n in counts.items() if n > 0})
        common.update({k: n for k, n in found.items() if n > MAX_TERM_DOCUMENTS})
        rare.update({k: n for k, n in found.items() if n <= MAX_TERM_DOCUMENTS})
        absent.update(w for w in missing if (database, w) not in found)
        # Scanned terms are looked up afresh each transaction: one no longer common after the next
        # scan is counted again at once, not when the counts are next forgotten.
        return {
            w: MAX_TERM_DOCUMENTS + 1
            if w in scanned
            else found.get(key) or common.get(key) or rare.get(key, 0)
            for w, key in keys.items()
        }

    def _view(self, session: Session) -> tuple[tuple[str, Any], frozenset[str], bool]:
        """What every look-up of a transaction starts from, read at its first: the database
        file (by URL and path), the common terms scanned in it, and whether the transaction
        only reads. A request looks up terms a dozen times, and finding the database file of
        its connection cost as much as a count."""

        def read() -> tuple[tuple[str, Any], frozenset[str], bool]:
            connection = session.connection()
            file = _database_file(connection)
            return file, _COMMON_TERMS.of(file), not writes(connection)

        return _once_a_transaction(session, _TERM_VIEW_KEY, read)

    def _known_absent(self, session: Session, file: tuple[str, Any]) -> set[str]:
        """The terms counted in no article of the index as this reading transaction sees it,
        to which the caller adds those it counts so: an earlier request's while the index is
        unchanged. (A transaction that writes sees its own articles before the index's structure
        record changes, at commit: it starts from none and leaves none.)"""
        state = _index_state(session)
        if state is None:
            return set()  # unknown: nothing can be remembered
        known = self._absent.get(file)
        if known is None or known[0] != state or len(known[1]) > self.size:
            known = (state, set())
            self._absent[file] = known
        return known[1]


_TERM_VIEW_KEY = "crosscheck.search.term_view"


def _database_file(connection: Connection) -> tuple[str, Any]:
    """What a connection reads, by file as well as URL: the file at a path can be replaced by
    another database."""
    return (str(connection.engine.url), connection.connection.info.get("sqlite_file"))


class _CommonTerms:
    """On SQLite, the terms that more than MAX_TERM_DOCUMENTS articles hold, by database file,
    as the last scan of the index's vocabulary found them (`scan_common_terms`): `_TermCounts`
    need not count them. Counting such a term reads 301 of its postings in every segment of the
    index: at 100k articles it was 25 of the 32 terms a first request counted and 5-7 of its
    28-31 ms, and the counts were read again every time they were forgotten. A term that became
    common since the last scan is counted as before."""

    def __init__(self) -> None:
        self._terms: dict[tuple[str, Any], frozenset[str]] = {}
        self._lock = threading.Lock()  # for writers: one app's scanner and another's

    def of(self, file: tuple[str, Any]) -> frozenset[str]:
        return self._terms.get(file, frozenset())

    def put(self, file: tuple[str, Any], terms: frozenset[str]) -> None:
        with self._lock:  # replaced whole, never changed under a reader
            self._terms = {**self._terms, file: terms}


_COMMON_TERMS = _CommonTerms()
_VOCABULARY_TABLE = f"{SQLITE_FTS_TABLE}_vocabulary"


def scan_common_terms(engine: Engine) -> int:
    """Read the common terms of an SQLite database's index in one scan of its vocabulary
    (fts5vocab: about 1 s at 100k articles, growing with the index; the scan runs inside
    SQLite, which lets other threads run meanwhile), for `_TermCounts`; how many there are.
    The vocabulary holds terms as the tokenizer wrote them (lower case, without accents): a
    query word written otherwise is not found there, and is counted."""
    with engine.connect() as connection:
        connection.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{_VOCABULARY_TABLE} "
            f"USING fts5vocab(main, {SQLITE_FTS_TABLE}, row)"
        )
        rows = connection.exec_driver_sql(
            f"SELECT term FROM temp.{_VOCABULARY_TABLE} WHERE doc > ?", (MAX_TERM_DOCUMENTS,)
        ).all()
        file = _database_file(connection)
    terms = frozenset(term for (term,) in rows)
    _COMMON_TERMS.put(file, terms)
    return len(terms)


class CommonTermScanner:
    """Runs `scan_common_terms` in a thread of its own: at once, then every `interval` seconds
    (give or take a tenth), until closed. What each worker of the service runs on SQLite;
    `scanned` is set once the first scan has ended (or failed)."""

    def __init__(
        self,
        engine: Engine,
        interval: float,
        observe: Callable[[float], None] = lambda seconds: None,
    ) -> None:
        self._engine, self._interval, self._observe = engine, interval, observe
        self._closed = threading.Event()
        self.scanned = threading.Event()
        self._thread = threading.Thread(target=self._run, name="common-terms", daemon=True)
        self._thread.start()

    def close(self, timeout: float = 5.0) -> None:
        """Stop scanning; a scan under way is waited for at most `timeout` seconds."""
        self._closed.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._closed.is_set():
            started = time.monotonic()
            try:
                terms = scan_common_terms(self._engine)
                seconds = time.monotonic() - started
                self._observe(seconds)
            except Exception as exc:  # the database away: terms are counted one by one meanwhile
                log.warning("cannot scan the index's vocabulary", extra={"error": str(exc)})
            else:
                log.info("index vocabulary scanned", extra={"terms": terms, "seconds": seconds})
            self.scanned.set()
            # Workers started together drift apart, so that their scans do not share the cores.
            period = self._interval * random.uniform(0.9, 1.1)
            self._closed.wait(max(0.0, period - (time.monotonic() - started)))


# Terms counted by one statement (SQLite allows 500 parts to a compound SELECT).
_COUNTED_AT_ONCE = 100


def _match_counts(session: Session, words: list[str]) -> dict[str, int]:
    """How many articles hold each word, counted up to MAX_TERM_DOCUMENTS + 1."""
    counts = " UNION ALL ".join(
        f"SELECT {i}, (SELECT count(*) FROM (SELECT 1 FROM {SQLITE_FTS_TABLE} "
        f"WHERE {SQLITE_FTS_TABLE} MATCH ? LIMIT {MAX_TERM_DOCUMENTS + 1}))"
        for i in range(len(words))
    )
    # Handed to the driver as written: SQLAlchemy's parsing of each new statement text cost
    # as much as the counts (sqlite3 keeps the statements it prepared).
    rows = session.connection().exec_driver_sql(counts, tuple(map(_phrase, words))).all()
    return {words[i]: n for i, n in rows}


# FTS5 keeps the structure of its index in one record of its data table. Every committed
# write to the index (an article stored, changed or deleted) writes it anew with a larger
# write counter, so its bytes do not come back. A merge (`crosscheck optimize-index`) writes
# it anew too, with the counter as it was, and changes no term's articles; a rebuild
# (`--rebuild`) and 'delete-all' reset the counter, after which the bytes of an earlier state
# could come back: what was remembered of it is forgotten within `_TermCounts.ttl` anyway.
INDEX_STRUCTURE = text(f"SELECT block FROM {SQLITE_FTS_TABLE}_data WHERE id = 10")


def _index_state(session: Session) -> bytes | None:
    """The index's structure record: the same bytes as long as nothing was written to it. Read
    once a transaction (a request asks several times, and a reading transaction sees one state
    of the database throughout)."""

    def read() -> bytes | None:
        try:  # on SQLite a failed statement leaves the transaction as it was
            return session.connection().execute(INDEX_STRUCTURE).scalar()
        except DBAPIError as exc:
            log.warning("cannot read the index's structure", extra={"error": str(exc)})
            return None

    return _once_a_transaction(session, _INDEX_STATE_KEY, read)


Read = TypeVar("Read")


def _once_a_transaction(session: Session, key: str, read: Callable[[], Read]) -> Read:
    """What `read` gives in the session's transaction (begun here, so that the one read belongs
    to it), read at its first call and kept under `key` in the session's info for the rest of
    that transaction. The transaction is held by weak reference: it refers to the session, whose
    info this is."""
    session.connection()
    transaction = session.get_transaction()
    kept = session.info.get(key)
    if kept is not None and kept[0]() is transaction:
        return kept[1]
    value = read()
    session.info[key] = (weakref.ref(transaction), value)
    return value


_INDEX_STATE_KEY = "crosscheck.search.index_state"


def _phrase(word: str) -> str:
    """The word as an FTS5 string: tokenised as the indexed text was, never read as syntax."""
    return '"' + word.replace('"', '""') + '"'


_TERM_COUNTS = _TermCounts()

# PostgreSQL keeps no count per term, but ANALYZE samples the index column and keeps its most
# common lexemes (default_statistics_target x 10 of them) with the share of rows holding each.
_PG_LEXEME_STATISTICS = text(
    "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
    "FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
    "JOIN pg_stats AS s ON s.schemaname = n.nspname AND s.tablename = c.relname "
    f"WHERE c.oid = to_regclass('article') AND s.attname = '{PG_SEARCH_COLUMN}'"
)


class _CommonLexemes:
    """On PostgreSQL, the terms its statistics estimate in more than MAX_TERM_DOCUMENTS
    articles: what SQLite's term counts tell of the common terms, as of the last ANALYZE
    (autovacuum runs it as the table grows) and for the most common few thousand only. Read
    once per database every `ttl` seconds; none before the first ANALYZE, and none for a while
    when they cannot be read (they only spare work). Each lexeme is there as the index holds it
    (unaccented: "kolner") and as `fold` writes it, where that differs ("шойгу", "шоигу"): story
    features hold their words folded."""

    def __init__(self, ttl: float = 600.0) -> None:
        self.ttl = ttl
        self._read: dict[str, tuple[float, frozenset[str]]] = {}

    def of(self, session: Session) -> frozenset[str]:
        database = str(session.get_bind().url)
        read = self._read.get(database)
        if read is None or time.monotonic() - read[0] > self.ttl:
            read = (time.monotonic(), self._estimate(session))
            self._read[database] = read
        return read[1]

    @staticmethod
    def _estimate(session: Session) -> frozenset[str]:
        try:
            with session.begin_nested():  # a failed read must not abort the request's transaction
                row = session.execute(_PG_LEXEME_STATISTICS).first()
        except DBAPIError as exc:
            log.warning("cannot read the index's lexeme statistics", extra={"error": str(exc)})
            return frozenset()
        if row is None or not row[0] or not row[1] or row[2] <= 0:
            return frozenset()  # never analysed (or truncated since: reltuples is -1)
        lexemes, shares, rows = row
        shares = shares[: len(lexemes)]  # then the least and the greatest share
        common = [
            lexeme
            for lexeme, share in zip(lexemes, shares, strict=True)
            if share * rows > MAX_TERM_DOCUMENTS
        ]
        return frozenset(common) | {fold(lexeme) for lexeme in common}


_COMMON_LEXEMES = _CommonLexemes()


def _telling(session: Session, words: list[str], count: int) -> list[str]:
    """The first `count` words (in the caller's order of importance) that some stored articles
    hold but not too many: a term in thousands of articles makes the query read them all and
    tells nothing about the story."""
    chosen: list[str] = []
    start = 0
    # Counted as far as needed, as many at a time as are still wanted: most words qualify,
    # and the first count of a word costs more than the rest of its request's search.
    while len(chosen) < count and start < len(words):
        chunk = words[start : start + count - len(chosen)]
        start += len(chunk)
        documents = _TERM_COUNTS.lookup(session, chunk)
        chosen += [w for w in chunk if 0 < documents[w] <= MAX_TERM_DOCUMENTS]
    return chosen


def topic_words(session: Session, words: Sequence[str]) -> frozenset[str]:
    """The `words` held by more than MAX_TERM_DOCUMENTS stored articles: they name a topic
    that many stories share, and story similarity leaves them out. On PostgreSQL, those its
    statistics estimate so (`_CommonLexemes`)."""
    if session.get_bind().dialect.name != "sqlite":
        common = _COMMON_LEXEMES.of(session)
        return frozenset(word for word in words if _common_on_postgresql(word, common))
    documents = _TERM_COUNTS.lookup(session, list(words))
    return frozenset(word for word, count in documents.items() if count > MAX_TERM_DOCUMENTS)


def search_articles(
    session: Session, *, names: Sequence[str], words: Sequence[str], limit: int
) -> list[int]:
    """Ids of stored articles matching the article's names and words, best first (any term
    may match), one per distinct text. Names (which cross languages) and other words each
    get half of the query's terms."""
    name_terms = _words(names)
    named = set(name_terms)
    word_terms = [w for w in _words(words) if w not in named]
    if not name_terms and not word_terms:
        return []
    half = QUERY_TERMS // 2
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        chosen = _telling(session, name_terms, half)
        chosen += _telling(session, word_terms, QUERY_TERMS - len(chosen))
    else:
        common = _COMMON_LEXEMES.of(session)
        name_terms = [w for w in name_terms if not _common_on_postgresql(w, common)]
        word_terms = [w for w in word_terms if not _common_on_postgresql(w, common)]
        chosen = name_terms[:half] + word_terms[: QUERY_TERMS - min(half, len(name_terms))]
    if not chosen:
        return []
    sizes = {"limit": limit, "wide": limit * _WIDEN}
    if sqlite:
        query = " OR ".join(_phrase(word) for word in chosen)
        statement = _SQLITE_QUERY
    else:
        query = " | ".join(chosen)
        statement = _PG_QUERY
    # On the session's connection: the ORM's execution only costs for plain rows (and its
    # autoflush has nothing to flush: a search reads).
    rows = session.connection().execute(statement, {"query": query, **sizes})
    return [row[0] for row in rows]


def _words(terms: Sequence[str]) -> list[str]:
    """The terms' words, as the index is queried (`index_form`)."""
    return list(dict.fromkeys(word for term in terms for word in _TERM.findall(index_form(term))))


def _common_on_postgresql(term: str, common: frozenset[str]) -> bool:
    """Whether the term (a folded word or a name's `index_form`) is among the lexemes that
    PostgreSQL's statistics hold in too many articles, unaccented as its index holds them."""
    return term in common or fold(term).translate(_UNACCENT_BEYOND_FOLD) in common
