"""deliveries, per-profile posting filters, company fields on postings, company research cache

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


_POSTING_COLUMNS = [
    ("salary_interval", sa.String(length=20)),
    ("company_url", sa.String(length=2000)),
    ("company_description", sa.Text()),
    ("company_industry", sa.String(length=200)),
    ("company_size", sa.String(length=100)),
]


def upgrade() -> None:
    with op.batch_alter_table("user_profiles") as batch_op:
        batch_op.add_column(sa.Column("filters", JSON, nullable=False, server_default="{}"))
    with op.batch_alter_table("postings") as batch_op:
        for name, type_ in _POSTING_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    op.create_table(
        "company_research",
        sa.Column("company_key", sa.String(length=300), nullable=False),
        sa.Column("company", sa.String(length=300), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("website_text", sa.Text(), nullable=True),
        sa.Column("researched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("company_key"),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("profile_id", sa.String(length=36), nullable=False),
        sa.Column("posting_id", sa.String(length=36), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("channels", JSON, nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["posting_id"], ["postings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["profile_id"], ["user_profiles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("profile_id", "posting_id", name="uq_deliveries_profile_posting"),
    )


def downgrade() -> None:
    op.drop_table("company_research")
    with op.batch_alter_table("postings") as batch_op:
        for name, _ in reversed(_POSTING_COLUMNS):
            batch_op.drop_column(name)
    op.drop_table("deliveries")
    with op.batch_alter_table("user_profiles") as batch_op:
        batch_op.drop_column("filters")
