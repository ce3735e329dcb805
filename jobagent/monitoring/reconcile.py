"""Find executions the store says are waiting or running but that no queue job will ever finish, and
re-enqueue them (or, after ``max_requeues``, fail them with the reason).

Postgres is the source of truth and Redis only transport, so Redis can lose work that the store still
owes: a ``FLUSHALL``, a Redis restart without persistence, a fan-out that died between its commit and its
pipeline (``enqueued_at IS NULL``), or a worker killed mid-task whose job RQ will not requeue for minutes.

Safe to run anywhere and often: candidates are locked with ``FOR UPDATE SKIP LOCKED`` on Postgres, so two
instances never handle the same row, and a handled row gets a fresh ``enqueued_at`` (inside the grace
window) and a live queue job, so a later pass leaves it alone. The queue job id is the execution id,
so a requeue replaces the dead job rather than adding a second one.

A ``processing`` row whose worker still holds a fresh lease (``jobagent.workflows.lease``) is never
requeued, however lost its queue job looks: the worker is alive and will finish it. Each row is handled on
its own: one that cannot be handled (say RQ cannot delete a job whose execution record expired, and even
the fallback fails) is one line in ``problems`` and the others go on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select

from jobagent.config import Settings, get_settings
from jobagent.errors import first_line
from jobagent.store.models import WorkflowExecution, utcnow
from jobagent.store.session import session_scope
from jobagent.workflows.engine import FAILED, PENDING, PROCESSING
from jobagent.workflows.lease import lease_is_fresh

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
    problems: list[str] = field(default_factory=list)  # one line per row that could not be handled

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
    if lease_is_fresh(ex.lease_owner, ex.lease_expires_at, now):
        return None  # a live worker holds it (even if Redis lost its queue job): it will finish the run
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
            try:
                _handle(ex, summary, conn, settings, now, dry_run, fetch_task, enqueue_execution)
            except Exception as exc:  # noqa: BLE001 - one bad row must not stop (or roll back) the others
                # Reported once: the CLI prints it, the scheduled pass alerts on it (see _alert).
                summary.problems.append(f"execution {ex.id}: could not be handled: {first_line(exc, named=True)}")
    if not dry_run:
        _alert(summary, settings)
    return summary


def _handle(ex: WorkflowExecution, summary: ReconcileSummary, conn: Any, settings: Settings, now: datetime,
            dry_run: bool, fetch_task: Any, enqueue_execution: Any) -> None:
    """Diagnose one row and requeue or fail it. Redis is changed before the row, so a Redis error leaves
    the row as it was (and a later pass tries again)."""
    job = fetch_task(ex.id, settings)
    reason = diagnose(ex, job, conn, settings, now)
    if reason is None:
        summary.skipped += 1
        return
    give_up = ex.requeues >= settings.max_requeues
    item = {"execution_id": ex.id, "run_id": ex.run_id, "status": ex.status, "workflow_type": ex.workflow_type,
            "queue": ex.queue, "reason": reason, "action": "fail" if give_up else "requeue",
            "requeues": ex.requeues}
    if not dry_run:
        if job is not None:
            drop_task(job, conn)  # out of the started/failed registries, so the id can be enqueued afresh
        if give_up:
            ex.status, ex.completed_at = FAILED, utcnow()
            ex.error_message = (f"{ex.current_node or 'start'}: lost by the queue {ex.requeues + 1} times "
                                f"({reason}); gave up after {settings.max_requeues} requeues")
        else:
            enqueue_execution(ex.id, ex.queue, settings)
            ex.status, ex.requeues, ex.enqueued_at = PENDING, ex.requeues + 1, utcnow()
            ex.error_message = f"requeued by reconcile: {reason}"
            log.warning("reconcile: requeued execution %s (%s)", ex.id, reason)
        ex.lease_owner = ex.lease_expires_at = None  # an expired lease: the next claimer takes a new one
    summary.items.append(item)
    if give_up:
        summary.failed += 1
    else:
        summary.requeued += 1


def drop_task(job: Any, conn: Any) -> None:
    """Delete a dead queue job; when RQ cannot (rq 3.0 raises ``ValueError: Execution ... not found in
    Redis`` once a killed task's execution record expired), remove its id from every registry and the
    queue, and delete its keys, by hand."""
    try:
        job.delete()
        return
    except Exception as exc:  # noqa: BLE001 - ValueError today; any RQ bookkeeping error gets the fallback
        log.warning("reconcile: RQ could not delete task %s (%s); removing it from the registries directly",
                    job.id, first_line(exc, named=True))
    purge_task_ids(conn, job.id, job.origin)


def purge_task_ids(conn: Any, job_id: str, queue_name: str) -> None:
    """RQ's keys for one job id, removed without RQ's own bookkeeping (which needs the execution records).

    Key names come from rq 3.0 itself (registries, ``Job.key_for``, ``Result.get_key``, and the execution
    hashes ``<prefix>:execution:<job id>:<execution id>`` of rq/executions.py). StartedJobRegistry members
    are ``<job id>:<execution id>`` composites, the other registries hold plain job ids.
    """
    from rq.defaults import RQ_KEY_PREFIX
    from rq.executions import ExecutionRegistry
    from rq.job import Job
    from rq.queue import Queue
    from rq.registry import (
        CanceledJobRegistry,
        DeferredJobRegistry,
        FailedJobRegistry,
        FinishedJobRegistry,
        ScheduledJobRegistry,
        StartedJobRegistry,
    )
    from rq.results import Result

    def text(value: Any) -> str:
        return value.decode() if isinstance(value, bytes) else str(value)

    queue = Queue(queue_name, connection=conn)
    started = StartedJobRegistry(queue=queue)
    members = [m for m in conn.zrange(started.key, 0, -1) if text(m).partition(":")[0] == job_id]
    pipe = conn.pipeline()
    if members:
        pipe.zrem(started.key, *members)
    for registry_class in (FailedJobRegistry, FinishedJobRegistry, DeferredJobRegistry, ScheduledJobRegistry,
                           CanceledJobRegistry):
        pipe.zrem(registry_class(queue=queue).key, job_id)
    pipe.lrem(queue.key, 0, job_id)
    executions_key = ExecutionRegistry(job_id, conn).key
    for execution_id in conn.zrange(executions_key, 0, -1):
        pipe.delete(f"{RQ_KEY_PREFIX}:execution:{job_id}:{text(execution_id)}")
    keys = Job(job_id, connection=conn)  # an unsaved handle, only for its key names
    pipe.delete(executions_key, keys.key, keys.dependents_key, keys.dependencies_key, Result.get_key(job_id))
    pipe.execute()



def _alert(summary: ReconcileSummary, settings: Settings) -> None:
    from jobagent.monitoring.alerts import Alert, send_alerts
    from jobagent.monitoring.sentry import capture_final_failure

    for item in summary.items:
        if item["action"] == "fail":
            capture_final_failure(None, workflow_type=item["workflow_type"], execution_id=item["execution_id"],
                                  run_id=item["run_id"], node=None, attempts=item["requeues"],
                                  reason=f"reconcile gave up: {item['reason']}")
    if summary.problems:
        send_alerts([Alert("reconcile_problems", f"reconcile could not handle {len(summary.problems)} "
                           "execution(s)", "error", {"problems": summary.problems[:10]})], settings)
    if summary.requeued:
        ids = [i["execution_id"] for i in summary.items if i["action"] == "requeue"]
        send_alerts([Alert("reconcile_requeued", f"reconcile requeued {summary.requeued} lost execution(s)",
                           "warning", {"execution_ids": ids[:20], "reasons": sorted({i["reason"] for i in
                                                                                      summary.items})[:10]})],
                    settings)
