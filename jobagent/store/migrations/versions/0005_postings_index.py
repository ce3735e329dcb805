"""postings index: last seen / closed, per-source membership, harvest state per source, full-text index

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from jobagent.store import fulltext

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("postings") as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    # Counting open postings per search reads this index, not 100,000 wide rows.
    op.create_index("ix_postings_closed_at", "postings", ["closed_at"])
    op.create_table(
        "posting_sources",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("posting_id", sa.String(length=36), nullable=False),
        sa.Column("external_id", sa.String(length=300), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("misses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["posting_id"], ["postings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "posting_id", name="uq_posting_sources_source_posting"),
    )
    op.create_index("ix_posting_sources_posting_id", "posting_sources", ["posting_id"])
    op.create_table(
        "sources",
        sa.Column("spec", sa.String(length=500), nullable=False),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("last_harvest_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_complete_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_harvest_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("seen", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("spec"),
    )
    for sql in fulltext.statements(op.get_bind().dialect.name, version=1):
        op.execute(sql)


def downgrade() -> None:
    for sql in fulltext.statements(op.get_bind().dialect.name, up=False, version=1):
        op.execute(sql)
    op.drop_table("sources")
    op.drop_index("ix_posting_sources_posting_id", table_name="posting_sources")
    op.drop_table("posting_sources")
    op.drop_index("ix_postings_closed_at", table_name="postings")
    with op.batch_alter_table("postings") as batch_op:
        batch_op.drop_column("closed_at")
        batch_op.drop_column("last_seen_at")
