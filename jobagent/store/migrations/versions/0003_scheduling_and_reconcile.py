"""daily-search dedup key on runs, enqueue bookkeeping on executions, alert rate-limit state

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch_op:
        batch_op.add_column(sa.Column("dedup_key", sa.String(length=400), nullable=True))
        batch_op.create_unique_constraint("uq_runs_dedup_key", ["dedup_key"])
    with op.batch_alter_table("workflow_executions") as batch_op:
        batch_op.add_column(sa.Column("enqueued_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("requeues", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "alert_state",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("suppressed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("alert_state")
    with op.batch_alter_table("workflow_executions") as batch_op:
        batch_op.drop_column("requeues")
        batch_op.drop_column("enqueued_at")
    with op.batch_alter_table("runs") as batch_op:
        batch_op.drop_constraint("uq_runs_dedup_key", type_="unique")
        batch_op.drop_column("dedup_key")
