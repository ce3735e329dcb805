"""Deliberate retries of failed executions (``jobagent retry``).

A retry restarts at the node that failed, not from scratch: the engine records ``nodes_done`` and a
snapshot of the context before each node, so the failed node sees exactly the input it saw before and
the finished nodes' work (stored postings, matches) is not redone. ``attempts`` keeps counting across
retries so the status shows the whole history; the error message and completion time are cleared.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from jobagent.config import Settings, get_settings
from jobagent.errors import EnqueueFailed, InvalidInput
from jobagent.store.lookup import find_execution
from jobagent.store.models import WorkflowExecution, utcnow
from jobagent.store.session import session_scope
from jobagent.workflows.engine import FAILED, PENDING


def _drop_old_job(execution_id: str, settings: Settings) -> None:
    """A failed job keeps its id in the FailedJobRegistry; delete it so the same id can be enqueued."""
    if settings.embedded:
        return
    from jobagent.queue import fetch_task

    job = fetch_task(execution_id, settings)
    if job is not None:
        job.delete()


def _requeue(ids: list[str], settings: Settings) -> list[dict[str, Any]]:
    from jobagent.queue import enqueue_execution

    done = []
    for execution_id in ids:
        with session_scope() as s:
            ex = s.get(WorkflowExecution, execution_id, with_for_update=True)
            if ex is None or ex.status != FAILED:  # another retry got there first
                continue
            _drop_old_job(ex.id, settings)
            ex.status, ex.error_message, ex.completed_at, ex.result = PENDING, None, None, None
            ex.enqueued_at = utcnow()
            queue, run_id = ex.queue, ex.run_id
        try:
            enqueue_execution(execution_id, queue, settings)
        except Exception as exc:  # Redis down: say so in the store, as a submission does
            with session_scope() as s:
                row = s.get(WorkflowExecution, execution_id)
                if row is not None and row.status == PENDING:
                    row.status, row.completed_at = FAILED, utcnow()
                    row.error_message = f"retry could not enqueue: {exc.__class__.__name__}: {exc}"
            raise EnqueueFailed(f"could not enqueue execution {execution_id}: {exc}") from exc
        done.append({"execution_id": execution_id, "run_id": run_id, "queue": queue})
    return done


def retry_execution(run_or_execution_id: str, settings: Settings | None = None) -> dict[str, Any]:
    """Requeue one failed execution (given by execution id, or the run id for its latest execution)."""
    settings = settings or get_settings()
    with session_scope() as s:
        ex = find_execution(s, run_or_execution_id)
        if ex.status != FAILED:
            raise InvalidInput(f"execution {ex.id} is {ex.status}; only failed executions can be retried")
        execution_id = ex.id
    done = _requeue([execution_id], settings)
    if not done:
        raise InvalidInput(f"execution {execution_id} is no longer failed")
    return done[0]


def retry_failed(since: timedelta, settings: Settings | None = None, *, limit: int = 1000) -> list[dict[str, Any]]:
    """Requeue every execution that failed within ``since`` (by completion time)."""
    settings = settings or get_settings()
    cutoff = utcnow() - since
    with session_scope() as s:
        ids = list(s.scalars(select(WorkflowExecution.id)
                             .where(WorkflowExecution.status == FAILED, WorkflowExecution.completed_at >= cutoff)
                             .order_by(WorkflowExecution.completed_at).limit(limit)))
    return _requeue(ids, settings)
