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

# Copies of one text (a wire story under many sources) take one place among the candidates,
# so that they cannot crowd out the independent reports; the first-stored copy stands for all.
_SQLITE_QUERY = text(
    f"SELECT min(hits.id) FROM ("
    f"SELECT rowid AS id, bm25({SQLITE_FTS_TABLE}) AS rank FROM {SQLITE_FTS_TABLE} "
    f"WHERE {SQLITE_FTS_TABLE} MATCH :query ORDER BY rank LIMIT :wide"
    f") AS hits JOIN article ON article.id = hits.id "
    f"GROUP BY article.content_hash ORDER BY min(hits.rank), min(hits.id) LIMIT :limit"
)
_PG_QUERY = text(
    f"SELECT min(hits.id) FROM ("
    f"SELECT id, content_hash, ts_rank({PG_SEARCH_COLUMN}, query) AS rank "
    f"FROM article, to_tsquery('simple', :query) AS query "
    f"WHERE {PG_SEARCH_COLUMN} @@ query ORDER BY rank DESC LIMIT :wide"
    f") AS hits GROUP BY hits.content_hash ORDER BY max(hits.rank) DESC, min(hits.id) LIMIT :limit"
)
# How many index hits are read to fill `limit` distinct texts.
_WIDEN = 4


def search_articles(session: Session, *, terms: Sequence[str], limit: int) -> list[int]:
    """Ids of stored articles matching most of `terms`, best first (any term may match), one
    per distinct text."""
    words = sorted({word.lower() for term in terms for word in _TERM.findall(term)})
    if not words:
        return []
    if session.get_bind().dialect.name == "sqlite":
        query = " OR ".join(f'"{word}"' for word in words)
        rows = session.execute(
            _SQLITE_QUERY, {"query": query, "limit": limit, "wide": limit * _WIDEN}
        )
    else:
        query = " | ".join(words)
        rows = session.execute(_PG_QUERY, {"query": query, "limit": limit, "wide": limit * _WIDEN})
    return [row[0] for row in rows]
