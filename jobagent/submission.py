"""Submission: validate, commit the Run and its WorkflowExecution (``pending``), then enqueue.

Every face and the daily fan-out submit through here, so the order of work holds everywhere: if enqueuing
fails, the execution is marked ``failed`` with the reason, so nothing is left silently pending and nothing
reaches Redis that Postgres does not know about.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from jobagent.config import Settings, get_settings
from jobagent.errors import EnqueueFailed, InvalidInput
from jobagent.store.models import Run, WorkflowExecution, utcnow
from jobagent.store.session import session_scope
from jobagent.submission_rows import (  # noqa: F401  (re-exported: callers import the records from here)
    PRIORITIES,
    STATUSES,
    Submission,
    SubmissionSpec,
    enqueue_error,
    execution_row,
    run_row,
)

_schema_ready: set[str] = set()


def ensure_schema(settings: Settings | None = None) -> None:
    """The embedded default migrates its SQLite file itself; servers run ``jobagent db upgrade``."""
    settings = settings or get_settings()
    url = settings.effective_database_url
    if settings.database_url is None and url not in _schema_ready:
        from jobagent.store.migrate import ensure_current

        ensure_current(url)  # issue 15 (h4): one SELECT when current; Alembic is imported only to migrate
        _schema_ready.add(url)


def _table(model: type[Run] | type[WorkflowExecution]) -> Table:
    """The mapped Table (``__table__`` is typed as a FromClause)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _queue_for(priority: str | None, premium: bool) -> str:
    if priority is None:
        return "high" if premium else "default"
    if priority not in PRIORITIES:
        raise InvalidInput(f"unknown priority {priority!r}; use high or default")
    return priority


def submit_specs(specs: list[SubmissionSpec], settings: Settings) -> list[Submission]:
    """Commit every run and execution, then enqueue them all in one Redis pipeline (GUIDE §1's order of work).

    With PostgreSQL and Redis that is a fixed number of round trips whatever the number of specs: a Redis
    ping (skipped when Redis answered in the last ``PING_TTL`` seconds), one INSERT of both tables, then one
    MULTI/EXEC overlapped with the UPDATE of the enqueued mark (``submission_pg``). The embedded default and
    SQLite keep the one-by-one path.
    """
    ensure_schema(settings)
    url = settings.effective_database_url
    if settings.embedded or not url.startswith("postgresql"):
        return _submit_one_by_one(specs, settings)
    from jobagent.submission_pg import submit_batch

    fresh = _check_queue_reachable(settings)
    return submit_batch(specs, settings, fresh_ping=fresh,
                        recheck=lambda: _check_queue_reachable(settings, cached=False),
                        forget_ping=lambda: forget_ping(settings))


def _submit_one_by_one(specs: list[SubmissionSpec], settings: Settings) -> list[Submission]:
    from jobagent.store.session import get_engine

    _check_queue_reachable(settings, cached=False)
    now = utcnow()
    runs = [run_row(spec, now) for spec in specs]
    executions = [execution_row(run["id"], spec, now) for run, spec in zip(runs, specs, strict=True)]
    # Core inserts, not ORM objects: the unit of work was most of an HTTP submission's cost.
    with get_engine(settings.effective_database_url).connect() as conn:
        with conn.begin():
            conn.execute(insert(_table(Run)), runs)
            conn.execute(insert(_table(WorkflowExecution)), executions)
        submissions = _enqueue_each(executions, settings)
        mark_enqueued([sub.execution_id for sub in submissions if not sub.error_message], conn)
    failed = [sub for sub in submissions if sub.error_message]
    if failed and len(failed) == len(submissions):
        raise EnqueueFailed(f"{failed[0].error_message} (run {failed[0].run_id} marked failed)")
    return submissions


# Redis answered a ping this recently (monotonic seconds, per URL): a busy submitter skips the ping round
# trip. The promise "Redis away at submit => no row" still holds: when an enqueue fails after a skipped
# ping, submit_batch pings afresh and, if Redis is away, takes its rows back before reporting.
PING_TTL = 1.0
_pinged_at: dict[str, float] = {}


def _check_queue_reachable(settings: Settings, *, cached: bool = True) -> bool:
    """Refuse a submission before writing anything when Redis is away (exit 1, HTTP 503), so an outage
    leaves no failed runs behind; a Redis lost between this ping and the enqueue still marks its row failed.

    Returns whether Redis was really pinged now (False: it answered less than ``PING_TTL`` seconds ago).
    """
    if settings.embedded or settings.redis_url is None:
        return True
    url = settings.redis_url
    if cached and time.monotonic() - _pinged_at.get(url, -PING_TTL) < PING_TTL:
        return False
    from jobagent.errors import QueueUnavailable, translate
    from jobagent.queue import get_redis

    try:
        get_redis(settings).ping()
    except Exception as exc:
        _pinged_at.pop(url, None)
        mapped = translate(exc)
        if isinstance(mapped, QueueUnavailable):
            raise EnqueueFailed(f"{mapped}; nothing was submitted") from None
        raise
    _pinged_at[url] = time.monotonic()
    return True


def forget_ping(settings: Settings) -> None:
    """An enqueue failed: the next submission must ping Redis for real."""
    if settings.redis_url:
        _pinged_at.pop(settings.redis_url, None)


def _enqueue_each(executions: list[dict[str, Any]], settings: Settings) -> list[Submission]:
    from jobagent.queue import enqueue_execution

    submissions = []
    for ex in executions:
        error = None
        try:
            enqueue_execution(ex["id"], ex["queue"], settings)
        except Exception as exc:  # Redis down, refused, timed out: say so in the store
            error = enqueue_error(exc)
            with session_scope() as s:
                row = s.get(WorkflowExecution, ex["id"])
                if row is not None and row.status == "pending":
                    row.status, row.error_message, row.completed_at = "failed", error, utcnow()
        status = "failed" if error else _status_of(ex["id"]) if settings.embedded else "pending"
        submissions.append(Submission(ex["run_id"], ex["id"], ex["id"], ex["workflow_type"], ex["queue"], status,
                                      error))
    return submissions


def mark_enqueued(execution_ids: list[str], conn: Connection | None = None) -> None:
    """Record that Redis has these queue jobs; reconcile treats old pending rows without it as never enqueued."""
    if not execution_ids:
        return
    if conn is None:
        from jobagent.store.session import get_engine

        with get_engine().connect() as own:
            return mark_enqueued(execution_ids, own)
    table = _table(WorkflowExecution)
    if conn.dialect.name == "postgresql":  # one array parameter instead of a thousand bound ids
        from sqlalchemy import String, any_, bindparam
        from sqlalchemy.dialects.postgresql import ARRAY

        match = table.c.id == any_(bindparam("ids", execution_ids, type_=ARRAY(String(36))))
    else:
        match = table.c.id.in_(execution_ids)
    # Autocommit: one statement, no BEGIN/COMMIT round trips (this runs once per HTTP submission).
    conn.execution_options(isolation_level="AUTOCOMMIT").execute(update(table).where(match).values(enqueued_at=utcnow()))


def _status_of(execution_id: str) -> str:
    with session_scope() as s:
        return s.scalar(select(WorkflowExecution.status).where(WorkflowExecution.id == execution_id)) or "pending"
