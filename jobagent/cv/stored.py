"""CV bytes kept in the store between submit and the worker, keyed by their sha256, with their text.

Submit reads a local CV file once, parses it once in the sandbox and stores the bytes and the extracted
text here; the run's context names the path and the hash. The worker uses that text (checking the hash of
the bytes): it never reads the path again (a file swapped for a symlink after submission is not read, and
workers on other hosts need no shared storage) and never parses the file again (issue 26 §4). URLs are
still fetched and parsed by the worker, in the sandbox (``jobagent.cv.sandbox``).

Retention: the rows go with their profile (``release_documents``), and ``JOBAGENT_CV_RETENTION_DAYS``
after a profile was built from them (``sweep_documents``, run by the daily fan-out).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import Text, cast, delete, select, update
from sqlalchemy.orm import Session

from jobagent.config import Settings
from jobagent.cv.intake import LocalCV, is_url
from jobagent.cv.local_files import read_local_file
from jobagent.cv.sandbox import parse_cv_bytes
from jobagent.cv.schema import CVDocument
from jobagent.errors import InvalidInput
from jobagent.store.models import Run, StoredCV, utcnow
from jobagent.store.session import session_scope
from jobagent.store.upsert import dialect_insert


def store_documents(documents: list[LocalCV]) -> dict[str, str]:
    """Insert each document with its text; the same bytes stored already get the text and a cleared
    ``profiled_at`` (a new run is about to use them, so the retention clock starts again after it).
    Returns path → sha256."""
    if not documents:
        return {}
    with session_scope() as s:
        rows = {d.sha256: {"sha256": d.sha256, "size": len(d.data), "content": d.data, "created_at": utcnow(),
                           "text": d.text, "kind": d.kind, "profiled_at": None}
                for d in documents}
        insert = dialect_insert(s, StoredCV).values(list(rows.values()))
        s.execute(insert.on_conflict_do_update(
            index_elements=["sha256"], set_={"text": insert.excluded.text, "kind": insert.excluded.kind,
                                             "profiled_at": None}))
    return {d.path: d.sha256 for d in documents}


def mark_profiled(s: Session, hashes: set[str]) -> None:
    """Start the retention clock of the documents a profile was just built from (in that transaction)."""
    if hashes:
        s.execute(update(StoredCV).where(StoredCV.sha256.in_(sorted(hashes))).values(profiled_at=utcnow()))


def sweep_documents(settings: Settings, now: datetime | None = None) -> int:
    """Delete the stored CVs whose profile was built more than ``cv_retention_days`` ago; returns how many.

    Only ``profiled_at`` counts: a document no run has used yet (submitted, still queued) is kept, and
    ``store_documents`` clears the mark when the same file is submitted again.
    """
    cutoff = (now or utcnow()) - timedelta(days=settings.cv_retention_days)
    with session_scope() as s:
        done = s.execute(delete(StoredCV).where(StoredCV.profiled_at.is_not(None), StoredCV.profiled_at < cutoff))
        return int(getattr(done, "rowcount", 0) or 0)


def named_documents(params: list[dict[str, Any]]) -> set[str]:
    """The hashes of the stored CVs that these runs' parameters name (``cv_documents``: path → sha256)."""
    return {sha for p in params for sha in (p.get("cv_documents") or {}).values() if isinstance(sha, str)}


def release_documents(s: Session, hashes: set[str]) -> int:
    """Delete the stored bytes of ``hashes`` that no run names any more; returns how many were deleted.

    Called in the transaction that forgets the runs that named them (a deleted profile's), after their
    parameters were cleared: the same file submitted by someone else is stored once, under one hash, and
    stays while their run names it. The test is a substring match on the runs' JSON, which both stores can
    do; a 64-hex-digit hash does not occur by accident, and a false match would only keep the bytes.
    """
    unused = [sha for sha in sorted(hashes)
              if s.scalar(select(Run.id).where(Run.workflow_type == "profiling",
                                               cast(Run.params, Text).contains(sha)).limit(1)) is None]
    if unused:
        s.execute(delete(StoredCV).where(StoredCV.sha256.in_(unused)))
    return len(unused)


def read_source(source: str, sha256: str | None, settings: Settings,
                stats: dict[str, Any] | None = None) -> CVDocument:
    """The CV text of one source: the text extracted at submit when it was stored, else (rows stored before
    migration 0024) its stored bytes, else the URL (or, for runs submitted before bytes were stored, the
    path), parsed in the sandbox."""
    if sha256:
        with session_scope() as s:
            row = s.get(StoredCV, sha256)
            data = bytes(row.content) if row is not None else None
            text, kind = (row.text, row.kind) if row is not None else (None, None)
        if data is None:
            raise InvalidInput(f"the stored copy of CV {source} is missing (deleted after "
                               f"{settings.cv_retention_days} days, or with its profile); submit the profile again")
        if hashlib.sha256(data).hexdigest() != sha256:
            raise InvalidInput(f"the stored copy of CV {source} does not match its checksum; submit it again")
        if text is not None:
            return CVDocument(source=source, kind=kind or "text", text=text)
        return parse_cv_bytes(source, data, suffix=Path(source).suffix.lower(), settings=settings, stats=stats)
    if is_url(source):
        from jobagent.fetching import fetch_url

        fetched = fetch_url(source, max_bytes=settings.cv_max_bytes, timeout=settings.http_timeout,
                            allow_private=settings.allow_private_urls)
        suffix = PurePosixPath(unquote(urlsplit(fetched.final_url).path)).suffix.lower()
        return parse_cv_bytes(source, fetched.content, suffix=suffix, content_type=fetched.content_type,
                              settings=settings, stats=stats)
    data = read_local_file(source, settings.cv_max_bytes)
    return parse_cv_bytes(source, data, suffix=Path(source).suffix.lower(), settings=settings, stats=stats)
