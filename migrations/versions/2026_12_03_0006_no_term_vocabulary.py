"""the SQLite full-text index's term statistics table is no longer read

Candidate retrieval counts a term's articles by matching it, up to the bound it needs, rather
than reading fts5vocab, which counted a term's whole posting list (tens of ms for a common word
at 100k articles) and knew no accented word by the spelling a query gives it. The fts5vocab
table keeps no data of its own; dropping it changes nothing stored.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS article_fts_vocab")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE article_fts_vocab USING fts5vocab(article_fts, 'row')")
