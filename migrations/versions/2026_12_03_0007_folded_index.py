"""the full-text index holds words folded as the analysis folds them

Candidate retrieval queries the index with the analysis's folded words ("aussenminister",
"koln"). SQLite's unicode61 tokenizer folds accents but keeps "ß", so no word written with it
("Außenminister", "Straße") was ever found; PostgreSQL's 'simple' configuration folds nothing,
so no word with an accent or "ß" was found there. SQLite now indexes the articles through a
view that writes "ß" as "ss"; PostgreSQL indexes them, and parses queries, with a configuration
that runs the unaccent dictionary (the contrib extension; trusted since PostgreSQL 13, so the
database owner may create it) before 'simple'. Both indexes are built anew: on SQLite, 14 s for
the benchmark's 100k articles, while the database is locked for writing; on PostgreSQL the table
is rewritten and its index built under an exclusive lock (reads wait too), then analysed. Replicas
of the code before this revision still find most articles (their queries are folded already), but
not by a name as written with an accent: migrate, then roll out.

The view reads `article`: a later migration that rebuilds `article` (Alembic's batch mode on
SQLite) must drop the view and the triggers first and create them again after.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_CONFIGURATION = "crosscheck_folded"
_SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE article_fts USING fts5(title, text, content='{content}', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
)
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS article_fts_update",
    "DROP TRIGGER IF EXISTS article_fts_delete",
    "DROP TRIGGER IF EXISTS article_fts_insert",
    "DROP TABLE IF EXISTS article_fts",
]
_PG_COLUMN = (
    "ALTER TABLE article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    "(to_tsvector('{configuration}', coalesce(title, '') || ' ' || text)) STORED"
)
_PG_DROP = [
    "DROP INDEX IF EXISTS ix_article_search_vector",
    "ALTER TABLE article DROP COLUMN IF EXISTS search_vector",
]
_PG_INDEX = "CREATE INDEX ix_article_search_vector ON article USING gin (search_vector)"


def _sharp_s_as_ss(column: str) -> str:
    return f"replace(replace({column}, 'ß', 'ss'), 'ẞ', 'ss')"


def _sqlite_index(content: str, fold: bool) -> list[str]:
    """The index over `content` (a table or view of id, title and text), kept in step with
    `article` by triggers that give it the values `content` holds."""

    def values(row: str) -> str:
        title, text = f"{row}.title", f"{row}.text"
        if fold:
            title, text = _sharp_s_as_ss(title), _sharp_s_as_ss(text)
        return f"{row}.id, {title}, {text}"

    delete = (
        "INSERT INTO article_fts(article_fts, rowid, title, text) "
        f"VALUES ('delete', {values('old')});"
    )
    insert = f"INSERT INTO article_fts(rowid, title, text) VALUES ({values('new')});"
    return [
        _SQLITE_TABLE.format(content=content),
        f"CREATE TRIGGER article_fts_insert AFTER INSERT ON article BEGIN {insert} END",
        f"CREATE TRIGGER article_fts_delete AFTER DELETE ON article BEGIN {delete} END",
        f"CREATE TRIGGER article_fts_update AFTER UPDATE ON article BEGIN {delete} {insert} END",
        "INSERT INTO article_fts(article_fts) VALUES ('rebuild')",
    ]


_SQLITE_VIEW = (
    "CREATE VIEW article_fts_text AS SELECT id, "
    f"{_sharp_s_as_ss('title')} AS title, {_sharp_s_as_ss('text')} AS text FROM article"
)


# Every kind of token that holds letters, words with digits too ("Straße2").
_PG_TOKENS = (
    "asciiword, asciihword, hword_asciipart, word, hword, hword_part, "
    "numword, numhword, hword_numpart"
)
# Dropping the column drops its statistics, which tell the topic words (service/store/search.py)
# and which autovacuum would not gather again before many rows change.
_PG_ANALYZE = "ANALYZE article"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in [*_SQLITE_DROP, _SQLITE_VIEW, *_sqlite_index("article_fts_text", True)]:
            op.execute(statement)
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    for statement in [
        *_PG_DROP,
        f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIGURATION}",
        f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIGURATION} (COPY = simple)",
        f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIGURATION} ALTER MAPPING FOR {_PG_TOKENS} "
        f"WITH {_unaccent_dictionary()}, simple",
        _PG_COLUMN.format(configuration=PG_CONFIGURATION),
        _PG_INDEX,
        _PG_ANALYZE,
    ]:
        op.execute(statement)


def _unaccent_dictionary() -> str:
    """The unaccent dictionary by its schema: an extension created before may live in one that
    is not on the search path."""
    schema = (
        op.get_bind()
        .exec_driver_sql(
            "SELECT n.nspname FROM pg_extension AS e JOIN pg_namespace AS n "
            "ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
        )
        .scalar_one()
    )
    return '"{}".unaccent'.format(schema.replace('"', '""'))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in [*_SQLITE_DROP, "DROP VIEW IF EXISTS article_fts_text"]:
            op.execute(statement)
        for statement in _sqlite_index("article", False):
            op.execute(statement)
        return
    # The extension stays: other objects of the database may use it.
    for statement in [
        *_PG_DROP,
        _PG_COLUMN.format(configuration="simple"),
        _PG_INDEX,
        f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIGURATION}",
        _PG_ANALYZE,
    ]:
        op.execute(statement)
