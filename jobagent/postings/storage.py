"""Finding stored postings in bulk, however many sources or runs find them (the harvest store writes them).

Dedup happens in bulk: one IN query per thousand URLs and fingerprints, then one multi-row INSERT, so a
discovery of thousands of postings costs a handful of round trips instead of two per posting
(benchmarks/bench_dedup_store.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobagent.store.models import Posting

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
