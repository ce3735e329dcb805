"""postings: the employment kinds parsed at harvest; posting_checks: when liveness last re-checked a posting

``employment_kinds`` holds the parsed kinds ("part_time internship", postings/employment.py) next to the
source's own ``employment_type`` string, so screening and ``--type`` read one normalised value in six
languages. Liveness re-checks (issue 24 §5) are recorded in their own narrow table: a check runs daily for
every posting people see, and an UPDATE of the wide postings row recomputes its generated tsvector.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("postings") as batch:
        batch.add_column(sa.Column("employment_kinds", sa.String(length=120), nullable=True))
    op.create_table(
        "posting_checks",
        sa.Column("posting_id", sa.String(length=36), sa.ForeignKey("postings.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=True),
        sa.Column("checks", sa.Integer(), nullable=False),
    )
    op.create_index("ix_posting_checks_checked_at", "posting_checks", ["checked_at"])


def downgrade() -> None:
    op.drop_index("ix_posting_checks_checked_at", table_name="posting_checks")
    op.drop_table("posting_checks")
    with op.batch_alter_table("postings") as batch:
        batch.drop_column("employment_kinds")
