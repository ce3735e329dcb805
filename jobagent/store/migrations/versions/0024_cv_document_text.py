"""cv_documents: the text the submit-time sandbox extracted, and when a profile was built from it

Issue 26 §4: a CV was parsed twice, in the sandbox at submit only to validate it and again in the worker.
The text extracted at submit is now stored with the bytes (``text``, ``kind``) and the worker uses it.
``profiled_at`` records when a profile was built from the document; the retention sweep deletes rows
``JOBAGENT_CV_RETENTION_DAYS`` after it. Rows stored before this have no text: the worker parses their
bytes as it used to.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cv_documents") as batch:
        batch.add_column(sa.Column("text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("profiled_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_cv_documents_profiled_at", ["profiled_at"])


def downgrade() -> None:
    with op.batch_alter_table("cv_documents") as batch:
        batch.drop_index("ix_cv_documents_profiled_at")
        batch.drop_column("profiled_at")
        batch.drop_column("kind")
        batch.drop_column("text")
