"""execution leases, deliveries deduplicated per channel, CV bytes stored at submit

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

- ``workflow_executions.lease_owner`` / ``lease_expires_at``: a worker's claim on a running execution, so a
  requeued duplicate (after a Redis FLUSHALL) is refused while the first worker still holds it.
- ``deliveries``: one row per profile × posting × channel instead of a ``channels`` list, so a channel that
  failed gets the posting next time while the other does not repeat it. Existing rows are split, one per
  channel they list.
- ``cv_documents``: CV bytes read once at submit, keyed by sha256 (no TOCTOU, no shared storage).
"""

import uuid

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_deliveries = sa.table("deliveries", sa.column("id", sa.String), sa.column("profile_id", sa.String),
                       sa.column("posting_id", sa.String), sa.column("run_id", sa.String),
                       sa.column("channels", JSON), sa.column("channel", sa.String),
                       sa.column("delivered_at", sa.DateTime(timezone=True)))


def upgrade() -> None:
    with op.batch_alter_table("workflow_executions") as batch_op:
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=20), nullable=True))
        batch_op.drop_constraint("uq_deliveries_profile_posting", type_="unique")
    conn = op.get_bind()
    rows = conn.execute(sa.select(_deliveries.c.id, _deliveries.c.profile_id, _deliveries.c.posting_id,
                                  _deliveries.c.run_id, _deliveries.c.channels, _deliveries.c.delivered_at)).all()
    for row in rows:
        channels = [c for c in dict.fromkeys(row.channels or []) if isinstance(c, str)] or ["email"]
        conn.execute(_deliveries.update().where(_deliveries.c.id == row.id).values(channel=channels[0]))
        for channel in channels[1:]:
            conn.execute(_deliveries.insert().values(
                id=str(uuid.uuid4()), profile_id=row.profile_id, posting_id=row.posting_id, run_id=row.run_id,
                channels=[channel], channel=channel, delivered_at=row.delivered_at))
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.alter_column("channel", existing_type=sa.String(length=20), nullable=False)
        batch_op.create_unique_constraint("uq_deliveries_profile_posting_channel",
                                          ["profile_id", "posting_id", "channel"])
        batch_op.drop_column("channels")

    op.create_table(
        "cv_documents",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )


def downgrade() -> None:
    op.drop_table("cv_documents")
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.add_column(sa.Column("channels", JSON, nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.select(_deliveries.c.id, _deliveries.c.profile_id, _deliveries.c.posting_id,
                                  _deliveries.c.channel).order_by(_deliveries.c.delivered_at)).all()
    keep: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for row in rows:
        first = keep.setdefault((row.profile_id, row.posting_id), (row.id, []))
        first[1].append(row.channel)
        if first[0] != row.id:
            conn.execute(_deliveries.delete().where(_deliveries.c.id == row.id))
    for row_id, channels in keep.values():
        conn.execute(_deliveries.update().where(_deliveries.c.id == row_id).values(channels=channels))
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.alter_column("channels", existing_type=JSON, nullable=False)
        batch_op.drop_constraint("uq_deliveries_profile_posting_channel", type_="unique")
        batch_op.create_unique_constraint("uq_deliveries_profile_posting", ["profile_id", "posting_id"])
        batch_op.drop_column("channel")
    with op.batch_alter_table("workflow_executions") as batch_op:
        batch_op.drop_column("lease_expires_at")
        batch_op.drop_column("lease_owner")
