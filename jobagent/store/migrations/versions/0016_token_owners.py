"""API tokens with an owner; profiles and runs remember whose they are

Before this, every API token could read and change every profile, board and run by id. Tokens made with
``jobagent tokens create`` are stored here as a sha256 of the secret (never the secret), with a name that
becomes the owner of what is created through them, and an admin flag. ``user_profiles.owner`` and
``runs.owner`` hold that name; existing rows keep NULL, which means "the operator's" (the CLI and the
``API_TOKENS`` admin tokens), so no token of a user sees them.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("admin", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", name="uq_api_tokens_name"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    with op.batch_alter_table("user_profiles") as batch:
        batch.add_column(sa.Column("owner", sa.String(length=100), nullable=True))
        batch.create_index("ix_user_profiles_owner", ["owner"])
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("owner", sa.String(length=100), nullable=True))
        batch.create_index("ix_runs_owner", ["owner"])


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_index("ix_runs_owner")
        batch.drop_column("owner")
    with op.batch_alter_table("user_profiles") as batch:
        batch.drop_index("ix_user_profiles_owner")
        batch.drop_column("owner")
    op.drop_table("api_tokens")
