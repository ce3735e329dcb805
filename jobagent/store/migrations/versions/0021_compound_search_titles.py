"""postings: rebuild ``search_title`` with compound parts

Titles are now indexed with the parts of their German and Dutch compounds ("Mathematiklehrer" also holds
"mathematik" and "lehrer", issue 25 §3), so a stored posting must be re-indexed or a query for "Lehrer
Mathematik" would find only the postings harvested after the upgrade. The title indexes (PostgreSQL's
``posting_titles`` and SQLite's FTS5 table) follow ``search_title`` through their triggers. Downgrading
keeps the richer titles: the old code reads them as extra words.

Revision ID: 0021
Revises: 0017
Create Date: 2026-12-07
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0017"
branch_labels = None
depends_on = None

_BATCH = 2000


def upgrade() -> None:
    from jobagent.postings.indexing import search_title

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, title, language, search_title FROM postings ORDER BY id")).mappings()
    updates: list[dict[str, Any]] = []
    for r in rows:
        new = search_title(r["title"], r["language"])
        if new != r["search_title"]:
            updates.append({"i": r["id"], "s": new})
    for start in range(0, len(updates), _BATCH):
        bind.execute(sa.text("UPDATE postings SET search_title = :s WHERE id = :i"), updates[start:start + _BATCH])


def downgrade() -> None:
    pass
