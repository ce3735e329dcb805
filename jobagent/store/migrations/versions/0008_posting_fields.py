"""posting fields the round's sources and ranking share: language, pay as written and annualised, valid-through,
remote scope and the reason a posting closed

Added in one migration before the work on languages (issue 25), relevance (issue 24) and the ATS sources
(issue 27) started in parallel, so that each maps onto the same columns instead of three near-copies.
None of them changes on every harvest (PostgreSQL recomputes the generated tsvector on each UPDATE of a row).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("language", sa.String(length=8)),
    ("salary_text", sa.String(length=300)),
    ("salary_annual_min", sa.Float()),
    ("salary_annual_max", sa.Float()),
    ("valid_through", sa.DateTime(timezone=True)),
    ("remote_scope", sa.String(length=100)),
    ("closed_reason", sa.String(length=200)),
)


def upgrade() -> None:
    with op.batch_alter_table("postings") as batch_op:
        for name, type_ in _COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("postings") as batch_op:
        for name, _ in reversed(_COLUMNS):
            batch_op.drop_column(name)
