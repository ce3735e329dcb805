"""Postings put in the store the way production does it: ``harvest_store.store_harvest``, as one harvest of a
test source. (``postings.storage.save_postings`` once did this for tests alone and bypassed the harvest's
source bookkeeping; issue 28 §5 deleted it.)"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from jobagent.postings.dedup import posting_keys
from jobagent.postings.harvest_store import store_harvest
from jobagent.postings.schema import PostingData
from jobagent.postings.storage import StoredIds
from jobagent.store.models import utcnow


def store_postings(session: Session, postings: list[PostingData], *, spec: str = "feed:tests",
                   now: datetime | None = None) -> tuple[list[str], int]:
    """The stored ids of ``postings`` in order (each once) and how many were new, stored by one (incomplete)
    harvest of ``spec``."""
    counts = store_harvest(session, spec, postings, now or utcnow(), complete=False, close_after=3)
    keys = [posting_keys(p) for p in postings]
    stored = StoredIds(session, keys)
    ids: list[str] = []
    for fp, url in keys:
        pid = stored.find(fp, url)
        assert pid is not None, f"posting {fp} was not stored"
        if pid not in ids:
            ids.append(pid)
    return ids, counts.new
