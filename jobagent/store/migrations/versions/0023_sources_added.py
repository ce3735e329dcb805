"""sources: ``added_at``, when ``jobagent sources add`` made a source part of the scheduled harvest

Until now a source named once on a search (``search --source``) got a ``sources`` row with a next harvest
time, as if configured (issue 27 §6). Only ``sources add`` (or JOBAGENT_SOURCES) schedules a source now;
the row records when it was added, and NULL means harvested for a search only.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("added_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("added_at")
