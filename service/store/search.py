"""Full-text candidate retrieval: SQLite FTS5 on the embedded default, tsvector on PostgreSQL.

The index is not part of the SQLModel tables (neither dialect's form is portable); the
migrations create it and this module is the only code that queries it.
"""

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

# Objects the migrations create outside the SQLModel metadata; autogenerate must ignore them.
SQLITE_FTS_TABLE = "article_fts"
PG_SEARCH_COLUMN = "search_vector"
PG_SEARCH_INDEX = "ix_article_search_vector"


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's filter: autogenerate leaves the index objects above to the migrations."""
    if name is None:
        return True
    unmodelled = {SQLITE_FTS_TABLE, PG_SEARCH_COLUMN, PG_SEARCH_INDEX}
    return not (name in unmodelled or name.startswith(f"{SQLITE_FTS_TABLE}_"))


_TERM = re.compile(r"[^\W_]+")

_SQLITE_QUERY = text(
    f"SELECT rowid, bm25({SQLITE_FTS_TABLE}) AS rank FROM {SQLITE_FTS_TABLE} "
    f"WHERE {SQLITE_FTS_TABLE} MATCH :query ORDER BY rank LIMIT :limit"
)
_PG_QUERY = text(
    f"SELECT id, ts_rank({PG_SEARCH_COLUMN}, query) AS rank "
    f"FROM article, to_tsquery('simple', :query) AS query "
    f"WHERE {PG_SEARCH_COLUMN} @@ query ORDER BY rank DESC LIMIT :limit"
)


def search_articles(session: Session, *, terms: Sequence[str], limit: int) -> list[int]:
    """Ids of the stored articles matching most of `terms`, best first (any term may match)."""
    words = sorted({word.lower() for term in terms for word in _TERM.findall(term)})
    if not words:
        return []
    if session.get_bind().dialect.name == "sqlite":
        query = " OR ".join(f'"{word}"' for word in words)
        rows = session.execute(_SQLITE_QUERY, {"query": query, "limit": limit})
    else:
        query = " | ".join(words)
        rows = session.execute(_PG_QUERY, {"query": query, "limit": limit})
    return [row[0] for row in rows]
