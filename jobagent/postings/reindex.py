"""Rebuild the columns a posting derives from its own text, with the code that derives them today.

A migration changes the schema and never imports live code (issue 28 §6): had 0013 and 0021 called the
indexer themselves, a later rename or a new tokeniser would have changed, or broken, what an old migration
does. So a migration that makes stored keys stale only *marks* the postings (``search_title`` NULL), and
``jobagent.store.migrate.upgrade`` calls ``rebuild_marked`` once Alembic is done. The rebuild is idempotent
and resumes where it stopped: a row stays marked until its batch is written.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from jobagent.postings.dedup import posting_fingerprint, repost_key
from jobagent.postings.indexing import index_fields
from jobagent.postings.schema import PostingData

_BATCH = 2000


def rebuild_marked(bind: Any) -> int:
    """Recompute fingerprint, language and ``search_title`` of every posting whose ``search_title`` is NULL,
    and the repost keys of their board entries; the number of postings rebuilt.

    A key another stored posting already holds is not taken over (the two were stored apart under the old
    key): that row keeps its old fingerprint, so no posting is lost or merged. Example::

        with engine.begin() as conn:
            rebuild_marked(conn)
    """
    rows = bind.execute(sa.text("SELECT id, fingerprint, title, company, location, description, language, "
                                "source, external_id FROM postings WHERE search_title IS NULL ORDER BY id"))
    marked = rows.mappings().all()
    if not marked:
        return 0
    held = set(bind.execute(sa.text("SELECT fingerprint FROM postings")).scalars())
    updates: list[dict[str, Any]] = []
    owners: dict[str, str] = {}
    for r in marked:
        fields = index_fields(r["title"], r["description"], r["language"])
        data = PostingData(source=r["source"] or "", external_id=r["external_id"] or "", title=r["title"] or "",
                           company=r["company"] or "", location=r["location"])
        new = posting_fingerprint(data)
        if new != r["fingerprint"] and (new in held or new in owners):
            new = r["fingerprint"]  # another stored posting already owns the new key: keep the old one
        owners[new] = r["id"]
        updates.append({"i": r["id"], "f": new, "l": fields["language"], "s": fields["search_title"] or "",
                        "t": f"tmp-{r['id']}", "old": r["fingerprint"]})
    changing = [u for u in updates if u["f"] != u["old"]]
    for start in range(0, len(changing), _BATCH):  # two steps, so a key moving between rows never clashes
        bind.execute(sa.text("UPDATE postings SET fingerprint = :t WHERE id = :i"), changing[start:start + _BATCH])
    for start in range(0, len(updates), _BATCH):
        bind.execute(sa.text("UPDATE postings SET fingerprint = :f, language = :l, search_title = :s WHERE id = :i"),
                     updates[start:start + _BATCH])
    keys = {r["id"]: repost_key(r["company"] or "", r["title"] or "") for r in marked}
    board = [{"p": pid, "k": key} for pid, key in keys.items()]
    for start in range(0, len(board), _BATCH):
        bind.execute(sa.text("UPDATE board_entries SET repost_key = :k WHERE posting_id = :p"),
                     board[start:start + _BATCH])
    return len(marked)
