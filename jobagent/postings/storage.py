"""Storing postings once, however many sources or runs find them.

Dedup happens in bulk: one IN query per thousand URLs and fingerprints, then one multi-row INSERT, so a
discovery of thousands of postings costs a handful of round trips instead of two per posting
(benchmarks/bench_dedup_store.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from jobagent.postings.dedup import posting_keys
from jobagent.postings.harvest_marks import mark
from jobagent.postings.indexing import index_fields
from jobagent.postings.schema import PostingData
from jobagent.store.models import Posting, new_id, utcnow

_CHUNK = 900  # rows per statement: a row of ~20 columns stays below SQLite's 32,766 bound parameters


def in_chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    """Bounded IN lists, so one statement never carries more parameters than a backend accepts."""
    items = list(values)
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def known_ids(session: Session, column: Any, values: set[str]) -> dict[str, str]:
    """Key -> posting id for the stored postings whose ``column`` is one of ``values``."""
    found: dict[str, str] = {}
    for chunk in in_chunks(values):
        found.update((key, pid) for key, pid in session.execute(select(column, Posting.id).where(column.in_(chunk))))
    return found


class StoredIds:
    """The stored postings matching a set of (fingerprint, canonical URL) keys, looked up in bulk."""

    def __init__(self, session: Session, keys: Iterable[tuple[str, str | None]]) -> None:
        pairs = list(keys)
        self.by_url = known_ids(session, Posting.canonical_url, {u for _, u in pairs if u})
        self.by_fp = known_ids(session, Posting.fingerprint, {f for f, _ in pairs})

    def find(self, fp: str, url: str | None) -> str | None:
        """The stored id: a canonical URL match first, else the fingerprint's."""
        return (self.by_url.get(url) if url else None) or self.by_fp.get(fp)


def save_postings(session: Session, postings: list[PostingData]) -> tuple[list[str], int]:
    """The stored ids of ``postings`` in order (each once) and how many were new.

    A posting is the same as a stored one when its canonical URL matches, else when its company + title +
    location fingerprint does. A concurrent run inserting the same posting makes the flush fail on the
    unique fingerprint; the caller retries, and the retry finds the row.
    """
    now = utcnow()
    keyed = [(p, *posting_keys(p)) for p in (mark(p, now) for p in postings)]
    stored = StoredIds(session, ((fp, url) for _, fp, url in keyed))
    ids: list[str] = []
    seen: set[str] = set()
    rows: list[dict[str, Any]] = []
    for posting, fp, url in keyed:
        posting_id = stored.find(fp, url)
        if posting_id is None:
            posting_id = new_id()
            rows.append({"id": posting_id, "fingerprint": fp, "canonical_url": url, "first_seen_at": now,
                         "closed_at": now if posting.closed_reason else None,
                         **posting.model_dump(), **index_fields(posting.title, posting.description,
                                                                posting.language)})
            stored.by_fp[fp] = posting_id
            if url:
                stored.by_url[url] = posting_id
        if posting_id not in seen:
            seen.add(posting_id)
            ids.append(posting_id)
    if rows:
        session.execute(insert(Posting), rows)
    return ids, len(rows)
