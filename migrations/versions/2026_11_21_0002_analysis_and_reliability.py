"""stored analyses, and source priors and learned reliability

Articles stored before this revision have no analysis: run `crosscheck reanalyse` after it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_analysis",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_article_analysis_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_analysis")),
    )
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prior", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("reliability", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("reliability_claims", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("reliability_updated_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.drop_column("reliability_updated_at")
        batch_op.drop_column("reliability_claims")
        batch_op.drop_column("reliability")
        batch_op.drop_column("prior")
    op.drop_table("article_analysis")
