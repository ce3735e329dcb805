"""postings in every script: recompute fingerprints and repost keys with the Unicode normaliser, detect each
stored posting's language, and index titles through a Python-built ``search_title``

The old normaliser kept only ``[0-9a-z]``, so "Программист Python" and "软件工程师" at one employer shared a
fingerprint and ``ON CONFLICT`` dropped all but the first; recomputing the keys lets the next harvest store
them. Where two stored postings now share a key (they were stored apart under the old one), the row that
already held the key keeps it and the other keeps its old key, so no row is lost or merged by the migration.

Revision ID: 0013
Revises: 0008
Create Date: 2026-12-07
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from jobagent.store import fulltext

revision = "0013"
down_revision = "0008"
branch_labels = None
depends_on = None

_BATCH = 2000


def _recompute(bind: Any) -> None:
    from jobagent.postings.dedup import posting_fingerprint, repost_key
    from jobagent.postings.indexing import index_fields
    from jobagent.postings.schema import PostingData

    rows = bind.execute(sa.text("SELECT id, fingerprint, title, company, location, description, language, source, "
                                "external_id FROM postings ORDER BY id")).mappings().all()
    held = {r["fingerprint"] for r in rows}
    updates: list[dict[str, Any]] = []
    owners: dict[str, str] = {}
    for r in rows:
        fields = index_fields(r["title"], r["description"], r["language"])
        data = PostingData(source=r["source"] or "", external_id=r["external_id"] or "", title=r["title"] or "",
                           company=r["company"] or "", location=r["location"])
        new = posting_fingerprint(data)
        if new != r["fingerprint"] and (new in held or new in owners):
            new = r["fingerprint"]  # another stored posting already owns the new key: keep the old one
        owners[new] = r["id"]
        updates.append({"i": r["id"], "f": new, "l": fields["language"], "s": fields["search_title"],
                        "t": f"tmp-{r['id']}", "old": r["fingerprint"]})
    changing = [u for u in updates if u["f"] != u["old"]]
    for start in range(0, len(changing), _BATCH):  # two steps, so a key moving between rows never clashes
        bind.execute(sa.text("UPDATE postings SET fingerprint = :t WHERE id = :i"), changing[start:start + _BATCH])
    for start in range(0, len(updates), _BATCH):
        bind.execute(sa.text("UPDATE postings SET fingerprint = :f, language = :l, search_title = :s WHERE id = :i"),
                     updates[start:start + _BATCH])
    keys = {r["id"]: repost_key(r["company"] or "", r["title"] or "") for r in rows}
    on_boards = {pid for pid, in bind.execute(sa.text("SELECT DISTINCT posting_id FROM board_entries"))}
    board = [{"p": pid, "k": keys[pid]} for pid in on_boards if pid in keys]
    for start in range(0, len(board), _BATCH):
        bind.execute(sa.text("UPDATE board_entries SET repost_key = :k WHERE posting_id = :p"),
                     board[start:start + _BATCH])


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("postings") as batch_op:
        batch_op.add_column(sa.Column("search_title", sa.Text(), nullable=True))
    _recompute(bind)
    for sql in fulltext.statements(bind.dialect.name, version=2):
        op.execute(sql)


def downgrade() -> None:
    bind = op.get_bind()
    for sql in fulltext.statements(bind.dialect.name, up=False, version=2):
        op.execute(sql)
    with op.batch_alter_table("postings") as batch_op:
        batch_op.drop_column("search_title")
