"""profiles: the language their CV is written in

A CV in German, Dutch, French, Spanish or Portuguese is read with that language's headings, dates and
titles, and its suggested titles are written in it (issue 25 §2 and §5). Storing the detected language lets
the faces show it and later steps (letters, the search's stemmer) use it without reading the CV again.
Existing profiles keep NULL until they are profiled again.

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_profiles") as batch:
        batch.add_column(sa.Column("cv_language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_profiles") as batch:
        batch.drop_column("cv_language")
