"""structured profiles: CV entries, certifications, languages, level, field and the user's own edits

Revision ID: 0006
Revises: 0003 (re-chained after 0005 at merge time)
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_LISTS = ("experience", "education", "certifications", "languages")


def upgrade() -> None:
    with op.batch_alter_table("user_profiles") as batch_op:
        for name in _LISTS:
            batch_op.add_column(sa.Column(name, JSON, nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("level", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("field", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("user_edits", JSON, nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("user_profiles") as batch_op:
        for name in ("user_edits", "field", "level", *reversed(_LISTS)):
            batch_op.drop_column(name)
