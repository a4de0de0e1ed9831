"""story features stored beside each analysis

Scoring reads only these for its candidates and the full analysis for the peers it chooses.
Analyses stored before this revision have none: run `crosscheck reanalyse` after it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article_analysis", schema=None) as batch_op:
        batch_op.add_column(sa.Column("features", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("article_analysis", schema=None) as batch_op:
        batch_op.drop_column("features")
