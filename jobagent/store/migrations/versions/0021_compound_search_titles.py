"""postings: rebuild ``search_title`` with compound parts

Titles are now indexed with the parts of their German and Dutch compounds ("Mathematiklehrer" also holds
"mathematik" and "lehrer", issue 25 §3), so a stored posting must be re-indexed or a query for "Lehrer
Mathematik" would find only the postings harvested after the upgrade. This migration marks them (``search_title``
NULL); ``jobagent.postings.reindex`` rebuilds them after Alembic. The title indexes (PostgreSQL's
``posting_titles`` and SQLite's FTS5 table) follow ``search_title`` through their triggers. Downgrading
keeps the richer titles: the old code reads them as extra words.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Mark every posting for jobagent.postings.reindex.rebuild_marked (run by jobagent.store.migrate.upgrade
    # after Alembic): a migration does not import the indexer, which keeps changing.
    op.execute("UPDATE postings SET search_title = NULL")


def downgrade() -> None:
    pass
