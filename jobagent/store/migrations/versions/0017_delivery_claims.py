"""deliveries: a row is claimed before the send and marked delivered after it

Two searches of one profile (the daily fan-out runs one per title, at once) both read "not sent before"
and both sent the posting (issue 23 §5). A delivery row is now inserted as a *claim* before the send
(``claimed_at`` set, ``delivered_at`` NULL) under the existing unique key (profile, posting, channel), so
only one run can hold it; the run sets ``delivered_at`` once the server accepted, or deletes its claim when
the send failed, so a later run retries. See ``jobagent.postings.channels`` for stale claims.

The unique key has been there since 0004, but a store whose constraint is missing (restored from a
dump without it, or edited by hand) could hold duplicate rows: they are merged first (the earliest
delivery kept), then the key is created if it is not there.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_KEY = "uq_deliveries_profile_posting_channel"
_COLUMNS = ["profile_id", "posting_id", "channel"]


def _has_key() -> bool:
    inspector = sa.inspect(op.get_bind())
    return any(c["name"] == _KEY or sorted(c["column_names"]) == sorted(_COLUMNS)
               for c in inspector.get_unique_constraints("deliveries"))


def upgrade() -> None:
    # Duplicates (possible only without the key): keep the earliest row of each (profile, posting, channel).
    op.execute("""
        DELETE FROM deliveries WHERE id IN (
            SELECT id FROM (
                SELECT id, ROW_NUMBER() OVER (PARTITION BY profile_id, posting_id, channel
                                              ORDER BY delivered_at, id) AS n
                FROM deliveries) ranked
            WHERE n > 1)
    """)
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.alter_column("delivered_at", existing_type=sa.DateTime(timezone=True), nullable=True)
    op.execute("UPDATE deliveries SET claimed_at = delivered_at")
    if not _has_key():
        with op.batch_alter_table("deliveries") as batch:
            batch.create_unique_constraint(_KEY, _COLUMNS)


def downgrade() -> None:
    op.execute("DELETE FROM deliveries WHERE delivered_at IS NULL")  # claims in flight were never sent
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column("delivered_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.drop_column("claimed_at")
