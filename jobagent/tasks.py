"""The RQ entry points. The payload is only an execution id; the store holds everything else."""

from __future__ import annotations

import logging
from typing import Any

from rq import get_current_job
from rq.job import Job

from jobagent.errors import JobagentError
from jobagent.store.models import WorkflowExecution, utcnow
from jobagent.store.session import session_scope
from jobagent.workflows import get_workflow
from jobagent.workflows.engine import FAILED, PENDING, PROCESSING

log = logging.getLogger(__name__)


def run_execution(execution_id: str) -> dict[str, Any]:
    from jobagent.workflows.engine import run_workflow

    job = get_current_job()
    retries_left = (job.retries_left or 0) if job is not None else 0
    retry_in = job.get_retry_interval() if job is not None and retries_left else None
    try:
        return run_workflow(get_workflow, execution_id,
                            retries_left=retries_left, retry_in=retry_in)
    except JobagentError:
        if job is not None:
            job.retries_left = 0  # the input is wrong; another attempt cannot help
        raise


def on_task_failure(job: Job, connection: Any, exc_type: Any, exc: Any, tb: Any) -> None:
    """Settle executions that the engine could not: a work-horse killed mid-node leaves ``processing``.

    RQ calls this for abandoned tasks too (from another worker's maintenance pass), before it decides
    whether to requeue them, so ``retries_left`` still counts the attempt that just died.
    """
    with session_scope() as s:
        ex = s.get(WorkflowExecution, job.id)
        if ex is None or ex.status != PROCESSING:
            return
        reason = f"{ex.current_node or 'start'}: worker stopped mid-task ({getattr(exc_type, '__name__', exc_type)})"
        if job.retries_left:
            ex.status = PENDING
            ex.error_message = f"{reason}; requeued ({job.retries_left} retries left)"
        else:
            ex.status, ex.completed_at = FAILED, utcnow()
            ex.error_message = f"{reason}; no retries left"
        log.warning("execution %s: %s", job.id, ex.error_message)
