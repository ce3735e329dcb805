"""sources: what each request of the last complete harvest answered

A single ETag per source made only one-page boards conditional: a 304 for page 1 says nothing about page
3. ``answers`` keeps, in order, ``[url, body, sha256, etag, last_modified]`` for every request of the last
complete harvest (pages, POSTed searches, detail pages; issue 27 §1), so the next harvest revalidates each
one and calls the source unchanged only when all answer as before. NULL (rows from before, or a harvest that
was cut short) means the next harvest is a full one.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sources", sa.Column("answers", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("answers")
