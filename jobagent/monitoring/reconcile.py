"""Find executions the store says are waiting or running but that no queue job will ever finish, and
re-enqueue them (or, after ``max_requeues``, fail them with the reason).

Postgres is the source of truth and Redis only transport, so Redis can lose work that the store still
owes: a ``FLUSHALL``, a Redis restart without persistence, a fan-out that died between its commit and its
pipeline (``enqueued_at IS NULL``), or a worker killed mid-task whose job RQ will not requeue for minutes.

Safe to run anywhere and often: candidates are locked with ``FOR UPDATE SKIP LOCKED`` on Postgres, so two
instances never handle the same row, and a handled row gets a fresh ``enqueued_at`` (inside the grace
window) and a live queue job, so a later pass leaves it alone. The queue job id is the execution id,
so a requeue replaces the dead job rather than adding a second one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select

from jobagent.config import Settings, get_settings
from jobagent.store.models import WorkflowExecution, utcnow
from jobagent.store.session import session_scope
from jobagent.workflows.engine import FAILED, PENDING, PROCESSING

log = logging.getLogger(__name__)

# Job states with a future: something in Redis will still run (or is running) the task.
ALIVE_STATES = {"queued", "scheduled", "deferred", "started"}


@dataclass
class ReconcileSummary:
    dry_run: bool
    scanned: int = 0
    requeued: int = 0
    failed: int = 0
    skipped: int = 0
    items: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _job_state(job: Any) -> str | None:
    if job is None:
        return None
    status = job.get_status(refresh=False)
    return str(status.value if hasattr(status, "value") else status) if status is not None else None


def _age(ts: datetime | None, now: datetime) -> float | None:
    if ts is None:
        return None
    if ts.tzinfo is None:  # RQ's timestamps are naive UTC
        ts = ts.replace(tzinfo=UTC)
    return (now - ts).total_seconds()


def _worker_gone(job: Any, conn: Any) -> bool:
    """The worker that started the job has no heartbeat key any more (it died and its TTL ran out)."""
    name = getattr(job, "worker_name", None)
    if not name:
        return False
    from rq.worker import Worker

    return not conn.exists(f"{Worker.redis_worker_namespace_prefix}{name}")


def diagnose(ex: WorkflowExecution, job: Any, conn: Any, settings: Settings, now: datetime) -> str | None:
    """Why this pending/processing execution is lost, or None when a queue job will still run it.

    ``job`` is the RQ job with the execution's id (None when Redis no longer has it).
    """
    grace = settings.reconcile_grace_seconds
    waited = _age(ex.enqueued_at or ex.created_at, now) or 0.0
    state = _job_state(job)
    if state is None:
        if waited < grace:
            return None  # the enqueue may still be in flight
        if ex.status == PENDING and ex.enqueued_at is None:
            return "never enqueued"
        return f"queue job lost from Redis while {ex.status}"
    if state == "started":
        ran = _age(job.started_at, now)
        if ran is not None and ran > settings.task_time_limit + grace:
            return f"task started {int(ran)} s ago, past the {settings.task_time_limit} s time limit"
        if ex.status == PROCESSING and _worker_gone(job, conn):
            return f"worker {job.worker_name} is gone"
        return None
    if state in ALIVE_STATES:  # queued, or waiting for an RQ retry in the ScheduledJobRegistry
        return None
    if waited < grace:
        return None
    return f"queue job is {state} while the execution is {ex.status}"


def _pages(settings: Settings, now: datetime, page: int, lock: bool) -> Iterator[tuple[Any, list[Any]]]:
    """Candidate rows in pages of ``page``, oldest first, one transaction per page.

    Paging by (created_at, id) rather than one LIMIT matters: after a big fan-out thousands of healthy
    queued rows are older than the grace, and a single LIMIT would never reach the lost ones behind them.
    """
    cutoff = now - timedelta(seconds=settings.reconcile_grace_seconds)
    after: tuple[datetime, str] | None = None
    while True:
        with session_scope() as s:
            stmt = (select(WorkflowExecution)
                    .where(WorkflowExecution.status.in_((PENDING, PROCESSING)),
                           func.coalesce(WorkflowExecution.enqueued_at, WorkflowExecution.created_at) < cutoff)
                    .order_by(WorkflowExecution.created_at, WorkflowExecution.id).limit(page))
            if after is not None:
                stmt = stmt.where(or_(WorkflowExecution.created_at > after[0],
                                      and_(WorkflowExecution.created_at == after[0], WorkflowExecution.id > after[1])))
            if lock and s.get_bind().dialect.name == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            rows = list(s.scalars(stmt))
            if rows:
                yield s, rows
                after = (rows[-1].created_at, rows[-1].id)
        if len(rows) < page:
            return


def find_lost(settings: Settings | None = None, *, page: int = 1000) -> list[dict[str, Any]]:
    """Read-only: the lost executions and why (for ``jobagent monitor``; no locks, no changes)."""
    from jobagent.queue import fetch_task, get_redis

    settings = settings or get_settings()
    if settings.embedded:
        return []
    now, conn = utcnow(), get_redis(settings)
    found = []
    for _s, rows in _pages(settings, now, page, lock=False):
        for ex in rows:
            reason = diagnose(ex, fetch_task(ex.id, settings), conn, settings, now)
            if reason:
                found.append({"execution_id": ex.id, "run_id": ex.run_id, "status": ex.status,
                              "workflow_type": ex.workflow_type, "queue": ex.queue, "reason": reason,
                              "age_seconds": int(_age(ex.created_at, now) or 0)})
    return found


def reconcile(settings: Settings | None = None, *, dry_run: bool = False, page: int = 1000) -> ReconcileSummary:
    """Requeue (or fail, once ``max_requeues`` is reached) every lost execution; see the module docstring.

    The row locks are held while the dead job is deleted and the new one enqueued, so a concurrent
    instance skips the row; a worker that picks the new job up waits for the commit, then finds the row
    ``pending`` and runs it. ``dry_run`` reports what would be done and changes nothing. Each page of
    ``page`` rows is its own transaction, so locks are short and progress survives a crash mid-way.
    """
    from jobagent.queue import enqueue_execution, fetch_task, get_redis

    settings = settings or get_settings()
    summary = ReconcileSummary(dry_run=dry_run)
    if settings.embedded:  # no Redis, nothing can be lost in transit
        return summary
    now, conn = utcnow(), get_redis(settings)
    for _s, rows in _pages(settings, now, page, lock=not dry_run):
        for ex in rows:
            summary.scanned += 1
            job = fetch_task(ex.id, settings)
            reason = diagnose(ex, job, conn, settings, now)
            if reason is None:
                summary.skipped += 1
                continue
            give_up = ex.requeues >= settings.max_requeues
            action = "fail" if give_up else "requeue"
            summary.items.append({"execution_id": ex.id, "run_id": ex.run_id, "status": ex.status,
                                  "workflow_type": ex.workflow_type, "queue": ex.queue, "reason": reason,
                                  "action": action, "requeues": ex.requeues})
            if give_up:
                summary.failed += 1
            else:
                summary.requeued += 1
            if dry_run:
                continue
            if job is not None:
                job.delete()  # out of the started/failed registries, so the id can be enqueued afresh
            if give_up:
                ex.status, ex.completed_at = FAILED, utcnow()
                ex.error_message = (f"{ex.current_node or 'start'}: lost by the queue {ex.requeues + 1} times "
                                    f"({reason}); gave up after {settings.max_requeues} requeues")
                continue
            enqueue_execution(ex.id, ex.queue, settings)
            ex.status, ex.requeues, ex.enqueued_at = PENDING, ex.requeues + 1, utcnow()
            ex.error_message = f"requeued by reconcile: {reason}"
            log.warning("reconcile: requeued execution %s (%s)", ex.id, reason)
    if not dry_run:
        _alert(summary, settings)
    return summary


def _alert(summary: ReconcileSummary, settings: Settings) -> None:
    from jobagent.monitoring.alerts import Alert, send_alerts
    from jobagent.monitoring.sentry import capture_final_failure

    for item in summary.items:
        if item["action"] == "fail":
            capture_final_failure(None, workflow_type=item["workflow_type"], execution_id=item["execution_id"],
                                  run_id=item["run_id"], node=None, attempts=item["requeues"],
                                  reason=f"reconcile gave up: {item['reason']}")
    if summary.requeued:
        ids = [i["execution_id"] for i in summary.items if i["action"] == "requeue"]
        send_alerts([Alert("reconcile_requeued", f"reconcile requeued {summary.requeued} lost execution(s)",
                           "warning", {"execution_ids": ids[:20], "reasons": sorted({i["reason"] for i in
                                                                                      summary.items})[:10]})],
                    settings)
