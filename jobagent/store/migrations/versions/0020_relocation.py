"""profiles: whether the person will relocate, and where to; matches: the score by component

An on-site posting in another country is discounted unless the person says they will move there (issue 24
§3): ``relocate`` and ``relocate_to`` (ISO alpha-2 codes; empty means anywhere) record that on the profile,
so every search and the daily fan-out read it without a flag. ``matches.score_parts`` keeps each match's
score broken down (skills, title, place, level, relevance and adjustments, issue 24 §7) beside its reasons,
so ``matches --json`` can show them; rows from before this migration have NULL.

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_profiles") as batch:
        # A constant default ("0", which PostgreSQL reads as false too): an expression such as sa.false() makes
        # SQLite's batch mode copy and DROP user_profiles, and the drop cascades to every board entry.
        batch.add_column(sa.Column("relocate", sa.Boolean(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("relocate_to", JSON, nullable=False, server_default="[]"))
    with op.batch_alter_table("matches") as batch:
        batch.add_column(sa.Column("score_parts", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("matches") as batch:
        batch.drop_column("score_parts")
    with op.batch_alter_table("user_profiles") as batch:
        batch.drop_column("relocate_to")
        batch.drop_column("relocate")
