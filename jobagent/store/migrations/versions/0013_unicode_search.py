"""postings in every script: recompute fingerprints and repost keys with the Unicode normaliser, detect each
stored posting's language, and index titles through a Python-built ``search_title``

The old normaliser kept only ``[0-9a-z]``, so "Программист Python" and "软件工程师" at one employer shared a
fingerprint and ``ON CONFLICT`` dropped all but the first; recomputing the keys lets the next harvest store
them. This migration adds ``search_title`` empty, which marks every posting; the rebuild itself is
``jobagent.postings.reindex``, run by ``jobagent.store.migrate.upgrade`` after Alembic. Where two stored
postings now share a key (they were stored apart under the old one), the row that
already held the key keeps it and the other keeps its old key, so no row is lost or merged by the migration.

Revision ID: 0013
Revises: 0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from jobagent.store import fulltext

revision = "0013"
down_revision = "0008"
branch_labels = None
depends_on = None

def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("postings") as batch_op:
        batch_op.add_column(sa.Column("search_title", sa.Text(), nullable=True))
    # The new column is NULL on every stored posting: that marks them all for
    # jobagent.postings.reindex.rebuild_marked, which jobagent.store.migrate.upgrade runs once Alembic is done
    # (keys, languages and search titles come from live code, which a migration must not import).
    for sql in fulltext.statements(bind.dialect.name, version=2):
        op.execute(sql)


def downgrade() -> None:
    bind = op.get_bind()
    for sql in fulltext.statements(bind.dialect.name, up=False, version=2):
        op.execute(sql)
    with op.batch_alter_table("postings") as batch_op:
        batch_op.drop_column("search_title")
