"""The daily search: one job search per profile × suggested title × UTC day, fanned out in batches.

Exactly-once is the database's job: every scheduled run carries a ``dedup_key`` under a unique constraint
and is inserted with ``ON CONFLICT DO NOTHING``, so a second trigger on the same day (run-now, a restarted
scheduler, two schedulers, two workers running the task) creates nothing and only counts what it skipped.
Rows are committed before their queue jobs exist; a batch whose Redis pipeline fails stays ``pending`` with
no ``enqueued_at``, which is what ``jobagent reconcile`` looks for.

Harvest first (issue 12): the fan-out task harvests the configured sources that are due *inside itself*
(``postings.harvest``; hosts one request at a time, different sources in a few threads) and only then
creates the searches, which read the store and send no request to any source. Chosen over RQ
``depends_on``: 30,000 searches depending on several harvest jobs would make RQ re-check every dependent on
each harvest's completion, and the in-task order is the same whether a harvest succeeds or fails (a failed
source keeps its stored postings open and is named in ``harvests``). The scheduled ``harvest`` task keeps
sources fresh between daily runs, so usually little is due at fan-out time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select

from jobagent.config import Settings, get_settings
from jobagent.errors import InvalidInput, first_line, translate
from jobagent.limits import MAX_DEDUP_KEY
from jobagent.retry_policy import is_transient
from jobagent.search_specs import search_spec
from jobagent.store.models import Run, UserProfile, WorkflowExecution, utcnow
from jobagent.store.session import session_scope
from jobagent.submission import SubmissionSpec, ensure_schema, execution_row, mark_enqueued, run_row

log = logging.getLogger(__name__)

DAILY_SEARCH_TASK = "jobagent.daily_search.daily_search_task"


@dataclass
class FanOutSummary:
    day: str
    profiles_scanned: int = 0
    profiles_eligible: int = 0
    runs_created: int = 0
    skipped_already_done: int = 0
    failed_to_enqueue: int = 0
    searches_refused: int = 0  # searches that could not be created, each profile named in errors
    batches: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    harvests: list[str] = field(default_factory=list)  # issue 12: one line per source harvested first
    cv_documents_expired: int = 0  # issue 26 §4: stored CVs past JOBAGENT_CV_RETENTION_DAYS, deleted

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def dedup_key(profile_id: str, title: str, day: date) -> str:
    """One key per profile × title × UTC day; titles differing only in case or spacing are the same search.

    Bounded: casefolding lengthens text ("ß" * 200 became 400 characters), and a key over the column
    failed the whole batch, so a key that would not fit carries a hash of the folded title instead. Keys
    that fit keep their old form, so runs created before this change still make a same-day trigger a no-op.
    """
    folded = " ".join(title.casefold().split())
    key = f"daily:{profile_id}:{folded}:{day.isoformat()}"
    if len(key) <= MAX_DEDUP_KEY:
        return key
    return f"daily:{profile_id}:sha256:{hashlib.sha256(folded.encode()).hexdigest()[:32]}:{day.isoformat()}"


def utc_today() -> date:
    return datetime.now(UTC).date()


def _eligible_profiles(batch_size: int, summary: FanOutSummary) -> Iterator[list[UserProfile]]:
    """Keyset pages of profiles that can search (at least one title), lightest columns only. A profile with
    no location searches too (issue 24 §3): remote postings open to anywhere, and its runs warn about it."""
    last_id = ""
    while True:
        with session_scope() as s:
            rows = s.execute(
                select(UserProfile.id, UserProfile.location, UserProfile.premium, UserProfile.suggested_titles,
                       UserProfile.owner)
                .where(UserProfile.id > last_id).order_by(UserProfile.id).limit(batch_size)
            ).all()
        if not rows:
            return
        last_id = rows[-1].id
        summary.profiles_scanned += len(rows)
        page = [UserProfile(id=r.id, location=r.location, premium=r.premium, suggested_titles=r.suggested_titles,
                            owner=r.owner)
                for r in rows if r.suggested_titles]
        summary.profiles_eligible += len(page)
        yield page


def _specs_for(profile: UserProfile, day: date, summary: FanOutSummary) -> Iterator[tuple[str, SubmissionSpec]]:
    """The profile's searches; a title that cannot be a search ("!!!", too long) is named and skipped, so
    one odd profile never stops the fan-out for the others."""
    seen: set[str] = set()
    for title in profile.suggested_titles:
        key = dedup_key(profile.id, title, day)
        if key in seen or not title.strip():
            continue
        seen.add(key)
        try:
            yield key, search_spec(title, None, profile, 10, 5, None, None)
        except InvalidInput as exc:
            _refused(summary, profile.id, 1, str(exc))


def _refused(summary: FanOutSummary, profile_id: str, searches: int, reason: str) -> None:
    summary.searches_refused += searches
    summary.errors.append(f"profile {profile_id}: {reason}")
    log.warning("daily search: profile %s skipped: %s", profile_id, reason)


_RUN_COLUMNS = ("id", "workflow_type", "profile_id", "query", "location", "params", "dedup_key", "created_at",
               "owner")
_EX_COLUMNS = ("id", "task_id", "run_id", "workflow_type", "status", "queue", "attempts", "nodes_done",
               "nodes_total", "requeues", "context_snapshot", "created_at")
_JSON_COLUMNS = {"params", "context_snapshot"}


def _copy_rows(cursor: Any, table: str, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in _JSON_COLUMNS else row[c] for c in columns])


def _insert_postgres(conn: Any, run_rows: list[dict[str, Any]],
                     executions_for: Callable[[list[str]], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """COPY into a temporary table, then one INSERT ... ON CONFLICT DO NOTHING RETURNING: the fastest way
    PostgreSQL offers to insert thousands of rows while skipping the keys that already exist."""
    with conn.connection.driver_connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS fanout_runs (LIKE runs INCLUDING DEFAULTS) "
                    "ON COMMIT DELETE ROWS")
        _copy_rows(cur, "fanout_runs", _RUN_COLUMNS, run_rows)
        cols = ", ".join(_RUN_COLUMNS)
        cur.execute(f"INSERT INTO runs ({cols}) SELECT {cols} FROM fanout_runs "
                    "ON CONFLICT (dedup_key) DO NOTHING RETURNING id")
        ex_rows = executions_for([row[0] for row in cur.fetchall()])
        _copy_rows(cur, "workflow_executions", _EX_COLUMNS, ex_rows)
    return ex_rows


def _insert_generic(conn: Any, run_rows: list[dict[str, Any]],
                    executions_for: Callable[[list[str]], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    from sqlalchemy.dialects.sqlite import insert as upsert

    run_table = cast(Table, Run.__table__)  # declared as FromClause on the declarative base; a Table here
    runs = upsert(run_table).on_conflict_do_nothing(index_elements=["dedup_key"]).returning(run_table.c.id)
    ex_rows = executions_for(list(conn.execute(runs, run_rows).scalars()))
    if ex_rows:
        conn.execute(insert(cast(Table, WorkflowExecution.__table__)), ex_rows)
    return ex_rows


def _insert_batch(batch: list[tuple[str, SubmissionSpec]]) -> list[tuple[str, str]]:
    """Insert runs (skipping keys already taken) and their executions in one transaction.

    Returns the (execution id, queue) pairs that are new, so only those are enqueued.
    """
    now = utcnow()
    run_rows = [run_row(spec, now, dedup_key=key) for key, spec in batch]
    by_run = {row["id"]: spec for row, (_, spec) in zip(run_rows, batch, strict=True)}

    def executions_for(run_ids: list[str]) -> list[dict[str, Any]]:
        return [execution_row(run_id, by_run[run_id], now) for run_id in run_ids]

    with session_scope() as s:
        conn = s.connection()
        insert_rows = _insert_postgres if conn.dialect.name == "postgresql" else _insert_generic
        ex_rows = insert_rows(conn, run_rows, executions_for)
    return [(row["id"], row["queue"]) for row in ex_rows]


def _insert_per_profile(batch: list[tuple[str, SubmissionSpec]], summary: FanOutSummary
                        ) -> tuple[list[tuple[str, str]], int]:
    """(the new executions, how many searches were refused) for a batch inserted profile by profile."""
    groups: dict[str | None, list[tuple[str, SubmissionSpec]]] = {}
    for key, spec in batch:
        groups.setdefault(spec.profile_id, []).append((key, spec))
    items: list[tuple[str, str]] = []
    refused = 0
    for profile_id, group in groups.items():
        try:
            items.extend(_insert_batch(group))
        except Exception as exc:
            if is_transient(exc):
                raise
            _refused(summary, str(profile_id), len(group), first_line(translate(exc)))
            refused += len(group)
    return items, refused


def _enqueue(items: list[tuple[str, str]], summary: FanOutSummary, settings: Settings) -> None:
    from jobagent.queue import enqueue_executions

    try:
        enqueue_executions(items, settings)
    except Exception as exc:  # Redis down mid-fan-out: the rows stay pending for reconcile, say how many
        summary.failed_to_enqueue += len(items)
        summary.errors.append(f"could not enqueue {len(items)} executions: {exc.__class__.__name__}: {exc}")
        log.error("daily search: %s (left pending for jobagent reconcile)", summary.errors[-1])
        return
    mark_enqueued([execution_id for execution_id, _ in items])


def _flush(batch: list[tuple[str, SubmissionSpec]], summary: FanOutSummary, settings: Settings) -> None:
    """Commit the batch, then pipeline its new executions to Redis (threads would not help: both halves
    are mostly Python work under one GIL, measured in benchmarks/bench_fanout.py).

    A batch the database refuses for good (a value it cannot hold) is inserted again one profile at a
    time, so only the profile whose row is refused goes without its searches; an outage is raised, and
    the task's retry (the fan-out is idempotent) creates what this pass did not."""
    refused = 0
    try:
        items = _insert_batch(batch)
    except Exception as exc:
        if is_transient(exc):
            raise
        items, refused = _insert_per_profile(batch, summary)
    summary.batches += 1
    summary.runs_created += len(items)
    summary.skipped_already_done += len(batch) - len(items) - refused
    if items:
        _enqueue(items, summary, settings)


def fan_out_daily_search(day: date | None = None, *, settings: Settings | None = None,
                         batch_size: int | None = None) -> FanOutSummary:
    """Create and enqueue today's searches for every eligible profile; safe to call any number of times."""
    settings = settings or get_settings()
    ensure_schema(settings)
    day = day or utc_today()
    size = max(1, batch_size or settings.fanout_batch_size)
    summary = FanOutSummary(day=day.isoformat())
    began = time.perf_counter()
    _harvest_due(settings, summary)
    _expire_cv_documents(settings, summary)
    pending: list[tuple[str, SubmissionSpec]] = []
    for page in _eligible_profiles(size, summary):
        for profile in page:
            pending.extend(_specs_for(profile, day, summary))
            while len(pending) >= size:
                _flush(pending[:size], summary, settings)
                pending = pending[size:]
    if pending:
        _flush(pending, summary, settings)
    summary.seconds = round(time.perf_counter() - began, 3)
    log.info("daily search for %s: %s", summary.day, summary.as_dict())
    return summary


def _harvest_due(settings: Settings, summary: FanOutSummary) -> None:
    """Issue 12: the sources due for a harvest are harvested before any search exists (see the docstring).
    Issue 23: no harvest failure stops the fan-out; it is a line in ``harvests`` or ``errors``."""
    from jobagent.postings.harvest import due_sources, harvest_sources

    try:  # each source's failure is already its own report line; this is for what fails around them
        reports = harvest_sources(due_sources(settings), settings)
    except Exception as exc:  # noqa: BLE001 - the searches still run on the postings already stored
        log.exception("daily search: harvesting the due sources failed")
        summary.errors.append(f"harvest: {first_line(translate(exc))}")
        return
    summary.harvests.extend(report.line() for report in reports)


def _expire_cv_documents(settings: Settings, summary: FanOutSummary) -> None:
    """Issue 26 §4: the CV retention sweep rides on this daily task rather than a scheduled task of its
    own, so the embedded default's 'schedule run-now daily-search' runs it too. Its failure stops no search."""
    from jobagent.cv.stored import sweep_documents

    try:
        summary.cv_documents_expired = sweep_documents(settings)
    except Exception as exc:  # noqa: BLE001 - the searches still run; the next day's sweep catches up
        log.exception("daily search: the CV retention sweep failed")
        summary.errors.append(f"cv retention: {first_line(translate(exc))}")


def daily_search_task() -> dict[str, Any]:
    """The RQ entry point that rq-scheduler enqueues every day (no arguments, so the payload is trivially JSON).

    A transient failure (the database or Redis away for a moment at 09:00) is raised, and RQ's ``Retry``
    (set on the scheduled job by ``jobagent.scheduler``) runs the task again after the usual backoff, so no
    ``high`` worker sleeps meanwhile; the fan-out is idempotent, so another pass only creates what the
    failed one did not. A permanent failure uses up the retries at once.
    """
    from rq import get_current_job

    from jobagent.retry_policy import is_permanent

    try:
        return fan_out_daily_search(settings=get_settings()).as_dict()
    except Exception as exc:
        job = get_current_job()
        log.warning("daily search failed (%s: %s)%s", exc.__class__.__name__, exc,
                    "" if job is None or is_permanent(exc) or not job.retries_left
                    else f"; RQ retries it ({job.retries_left} retries left)")
        if job is not None and is_permanent(exc):
            job.retries_left = 0
        raise
