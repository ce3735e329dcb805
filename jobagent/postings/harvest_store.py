"""Writing one harvest into the store: upserts, per-source membership, misses and closing, source state.

Everything for one source happens in one transaction, so a harvest that fails half-way leaves no trace but
its ``sources`` row; the caller holds the per-source lock, so membership rows never race.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, exists, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from jobagent.postings.dedup import posting_keys
from jobagent.postings.harvest_marks import mark
from jobagent.postings.indexing import index_fields
from jobagent.postings.schema import PostingData
from jobagent.postings.storage import StoredIds, in_chunks, known_ids
from jobagent.store.models import Posting, PostingSource, SourceState, new_id

# LOCK_ORDER: harvests of several sources run at once (four threads, and workers side by side) and list many
# of the same adverts. Every write to ``postings`` goes in one order (fingerprint for inserts, id for
# updates), so two harvests wait for each other instead of each holding a row the other wants next, which
# PostgreSQL ends by failing one with "deadlock detected" (tests/integration/test_concurrent_store.py).

# Fields whose change means the advert changed (a new salary, a rewritten description).
_COMPARED = ("url", "title", "location", "remote", "employment_type", "salary_min", "salary_max",
             "salary_currency", "salary_interval", "salary_text", "salary_annual_min", "salary_annual_max",
             "description", "company_url", "company_description",
             "company_industry", "company_size", "employment_kinds", "valid_through")


@dataclass
class StoreCounts:
    seen: int = 0
    new: int = 0
    updated: int = 0
    closed: int = 0


def _insert_ignoring_duplicates(session: Session, rows: list[dict[str, Any]]) -> dict[str, str]:
    """Insert and return fingerprint -> id for every row, whoever inserted it.

    A concurrent harvest of another source may insert the same advert first: its row wins, and only those
    few are looked up again. (Looking all of them up after a first big load was a sequential scan per chunk,
    since the planner still believed the table empty.)
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return _copy_insert_postgres(session, rows)
    from sqlalchemy.dialects.sqlite import insert as upsert

    table = cast(Table, Posting.__table__)  # declared as FromClause on the declarative base; a Table here
    stmt = upsert(table).on_conflict_do_nothing(index_elements=["fingerprint"]).returning(table.c.fingerprint,
                                                                                          table.c.id)
    conn = session.connection()
    ids: dict[str, str] = {}
    for chunk in in_chunks(rows):
        ids.update((fp, pid) for fp, pid in conn.execute(stmt, chunk))
    lost = {row["fingerprint"] for row in rows} - set(ids)
    if lost:
        ids.update(known_ids(session, Posting.fingerprint, lost))
    return ids


def _copy_insert_postgres(session: Session, rows: list[dict[str, Any]]) -> dict[str, str]:
    """COPY into a temporary table, then one INSERT ... ON CONFLICT DO NOTHING RETURNING: multi-row VALUES
    statements spent more time being built and parsed on the client than the server spent inserting."""
    columns = list(rows[0])
    with session.connection().connection.driver_connection.cursor() as cur:  # type: ignore[union-attr]
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS harvest_postings "
                    "(LIKE postings INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
        cur.execute("TRUNCATE harvest_postings")
        with cur.copy(f"COPY harvest_postings ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
        cols = ", ".join(columns)
        cur.execute(f"INSERT INTO postings ({cols}) SELECT {cols} FROM harvest_postings ORDER BY fingerprint "
                    "ON CONFLICT (fingerprint) DO NOTHING RETURNING fingerprint, id")  # lock order: see LOCK_ORDER
        ids = {fp: pid for fp, pid in cur.fetchall()}
    lost = {row["fingerprint"] for row in rows} - set(ids)
    if lost:
        ids.update(known_ids(session, Posting.fingerprint, lost))
    return ids


def store_harvest(session: Session, spec: str, postings: list[PostingData], now: datetime, *,
                  complete: bool, close_after: int) -> StoreCounts:
    """Upsert ``postings`` as seen by ``spec`` at ``now``; a complete harvest also counts misses and closes."""
    counts = StoreCounts()
    by_fp: dict[str, tuple[PostingData, str | None]] = {}
    for p in (mark(p, now) for p in postings):  # the same advert twice in one source: the later entry wins
        fp, url = posting_keys(p)
        by_fp[fp] = (p, url)
    stored = StoredIds(session, ((fp, url) for fp, (_, url) in by_fp.items()))
    resolved: dict[str, str] = {}  # fingerprint -> posting id
    fresh: list[dict[str, Any]] = []
    for fp, (p, url) in by_fp.items():
        pid = stored.find(fp, url)
        if pid is None:
            fresh.append({"id": new_id(), "fingerprint": fp, "canonical_url": url, "first_seen_at": now,
                          "last_seen_at": now, "closed_at": now if p.closed_reason else None, **p.model_dump(),
                          **index_fields(p.title, p.description, p.language)})
        else:
            resolved[fp] = pid
    if fresh:
        resolved.update(_insert_ignoring_duplicates(session, fresh))
    counts.new = len(fresh)
    inserted = {row["fingerprint"] for row in fresh}
    counts.updated = _update_changed(session, {resolved[fp]: by_fp[fp][0] for fp in resolved if fp not in inserted})
    seen = {resolved[fp]: by_fp[fp][0].external_id for fp in resolved}
    counts.seen = len(seen)
    _mark_seen(session, spec, seen, now)
    _close_by_text(session, {pid: by_fp[fp][0].closed_reason for fp, pid in resolved.items()
                             if fp not in inserted}, now)
    if complete:
        counts.closed = count_misses_and_close(session, spec, now, close_after)
    return counts


def _update_changed(session: Session, stored: dict[str, PostingData]) -> int:
    cols = [getattr(Posting, name) for name in _COMPARED]
    changes: list[dict[str, Any]] = []
    for chunk in in_chunks(stored):
        for row in session.execute(select(Posting.id, *cols).where(Posting.id.in_(chunk))):
            new = stored[row.id].model_dump(include=set(_COMPARED))
            if any(getattr(row, name) != new[name] for name in _COMPARED):
                posting = stored[row.id]
                changes.append({"id": row.id, **new,
                                **index_fields(posting.title, posting.description, posting.language)})
    changes.sort(key=lambda c: c["id"])  # LOCK_ORDER
    for chunk in in_chunks(changes):
        session.execute(update(Posting), chunk)
    return len(changes)


def _mark_seen(session: Session, spec: str, seen: dict[str, str], now: datetime) -> None:
    member = set(session.scalars(select(PostingSource.posting_id).where(PostingSource.source == spec)))
    joining = [{"source": spec, "posting_id": pid, "external_id": ext[:300], "first_seen_at": now,
                "last_seen_at": now, "misses": 0} for pid, ext in seen.items() if pid not in member]
    for chunk in in_chunks(joining):
        session.execute(insert(PostingSource), chunk)
    for chunk in in_chunks(sorted(pid for pid in seen if pid in member)):
        session.execute(update(PostingSource).where(PostingSource.source == spec, PostingSource.posting_id.in_(chunk))
                        .values(last_seen_at=now, misses=0))
    # Seen again after being closed by misses: open again. Only those rows are written: an UPDATE of every
    # listed posting made PostgreSQL rewrite each row and recompute its stored tsvector on every harvest, to
    # refresh a column nothing reads; when a posting was last listed lives in ``posting_sources``. A posting
    # closed for a reason (its text, its date, the liveness check) stays closed.
    for chunk in in_chunks(sorted(seen)):  # LOCK_ORDER
        session.execute(update(Posting).where(Posting.id.in_(chunk), Posting.closed_at.is_not(None),
                                              Posting.closed_reason.is_(None)).values(closed_at=None))


def _close_by_text(session: Session, reasons: dict[str, str | None], now: datetime) -> None:
    """Stored postings whose advert now says it is closed (or whose closing date passed): closed with the
    reason, once; a reason already recorded is never replaced or cleared by a later harvest."""
    by_reason: dict[str, list[str]] = {}
    for pid, reason in reasons.items():
        if reason:
            by_reason.setdefault(reason, []).append(pid)
    for reason, pids in by_reason.items():
        for chunk in in_chunks(sorted(pids)):  # LOCK_ORDER
            session.execute(update(Posting).where(Posting.id.in_(chunk), Posting.closed_reason.is_(None))
                            .values(closed_at=now, closed_reason=reason))


def count_misses_and_close(session: Session, spec: str, now: datetime, close_after: int, *,
                           unchanged: bool = False) -> int:
    """Counts a miss for each posting this complete harvest did not list, and closes those missed
    ``close_after`` times by every source. ``unchanged``: the board answered as last time, so what it
    lacked then (a miss already counted) is what it lacks now; no listed posting's row is touched."""
    missed = PostingSource.misses > 0 if unchanged else PostingSource.last_seen_at < now
    session.execute(update(PostingSource).where(PostingSource.source == spec, missed)
                    .values(misses=PostingSource.misses + 1))
    # Closed only once every source that listed it has missed it often enough.
    other = aliased(PostingSource)
    gone = select(PostingSource.posting_id).where(PostingSource.source == spec, PostingSource.misses >= close_after)
    still_listed = exists().where(and_(other.posting_id == Posting.id, other.misses < close_after))
    result = session.execute(update(Posting).where(Posting.closed_at.is_(None), Posting.id.in_(gone), ~still_listed)
                             .values(closed_at=now).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def touch_unchanged(session: Session, spec: str, now: datetime) -> int:
    """A 304 (or an unchanged file): the postings it listed last time are still there and nothing changes, so
    nothing is written; returns how many it lists. Rewriting each listed row's ``last_seen_at`` cost 220 ms
    for 3,000 postings on PostgreSQL (issue 29), for a date the source's own ``last_harvest`` already gives."""
    return int(session.scalar(select(func.count()).select_from(PostingSource)
                              .where(PostingSource.source == spec, PostingSource.misses == 0)) or 0)


def source_counts(session: Session) -> dict[str, tuple[int, int]]:
    """Open and closed postings per source."""
    rows = session.execute(
        select(PostingSource.source, func.count().filter(Posting.closed_at.is_(None)),
               func.count().filter(Posting.closed_at.is_not(None)))
        .join(Posting, Posting.id == PostingSource.posting_id).group_by(PostingSource.source))
    return {source: (int(o), int(c)) for source, o, c in rows}


def state_row(session: Session, spec: str) -> SourceState:
    state = session.get(SourceState, spec)
    if state is None:
        state = SourceState(spec=spec, complete=False, requests=0, pages=0, seen=0, new=0, updated=0, closed=0)
        session.add(state)
    return state
