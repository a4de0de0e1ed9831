"""on SQLite, an index that holds what choosing peers reads of an article, without its text

An SQLite row stores its columns in order, and `text` stands before `url`, `content_hash` and
the times: reading any of those walks the text's overflow pages. Each scoring request reads
them for its forty candidates, and `content_hash` for the 160 hits of its index query (copies
of one text take one place): at 100k articles, 153 pages of `article` a first request, against
11 with this index (and 60 of its own, 20 entries to a page). From a cold page cache that was
10 of 33 ms. The index is 20 MB at 100k articles. Building it reads the whole table once, the
texts' overflow pages included, with writes locked meanwhile: about a second at 100k articles
with the file in the page cache, as long as reading the table from the disk without it.
PostgreSQL keeps long texts out of the row (TOAST) and needs none.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE INDEX ix_article_card ON article "
            "(id, source_id, content_hash, published_at, ingested_at, url, title)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP INDEX ix_article_card")
