"""The RQ entry points. The payload is only an execution id; the store holds everything else."""

from __future__ import annotations

import logging
from typing import Any

from rq import get_current_job
from rq.job import Job

from jobagent.retry_policy import is_permanent
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
    except Exception as exc:
        if job is not None and is_permanent(exc):
            job.retries_left = 0  # the input is wrong; another attempt cannot help
        raise


def on_task_failure(job: Job, connection: Any, exc_type: Any, exc: Any, tb: Any) -> None:
    """Settle executions that the engine could not: a work-horse killed mid-node leaves ``processing``.

    RQ calls this for abandoned tasks too (from another worker's maintenance pass), before it decides
    whether to requeue them, so ``retries_left`` still counts the attempt that just died.

    Sentry's RqIntegration never sees a killed work-horse (OOM, SIGKILL), so this is where it is reported:
    an alert per killed task, and the final-failure event when no retry is left.
    """
    with session_scope() as s:
        ex = s.get(WorkflowExecution, job.id)
        if ex is None or ex.status != PROCESSING:
            return
        cause = getattr(exc_type, "__name__", str(exc_type))
        reason = f"{ex.current_node or 'start'}: worker stopped mid-task ({cause})"
        final = not job.retries_left
        ex.lease_owner = ex.lease_expires_at = None  # issue 11 (h3): RQ saw the work-horse die; its lease is void
        if final:
            ex.status, ex.completed_at = FAILED, utcnow()
            ex.error_message = f"{reason}; no retries left"
        else:
            ex.status = PENDING
            ex.error_message = f"{reason}; requeued ({job.retries_left} retries left)"
        log.warning("execution %s: %s", job.id, ex.error_message)
        facts = {"workflow_type": ex.workflow_type, "execution_id": ex.id, "run_id": ex.run_id,
                 "node": ex.current_node, "attempts": ex.attempts}
    _report_killed(facts, cause, final, job.retries_left or 0)


def _report_killed(facts: dict[str, Any], cause: str, final: bool, retries_left: int) -> None:
    """Alert on a killed work-horse; never let reporting break RQ's cleanup pass."""
    try:
        from jobagent.monitoring.alerts import Alert, send_alert
        from jobagent.monitoring.sentry import capture_final_failure

        if final:
            capture_final_failure(None, reason=f"worker stopped mid-task ({cause}); no retries left", **facts)
            return
        send_alert(Alert(f"worker_killed:{facts['execution_id']}:{facts['attempts']}",
                         f"work-horse for {facts['workflow_type']} execution {facts['execution_id']} died at "
                         f"{facts['node'] or 'start'} ({cause}); requeued with {retries_left} retries left",
                         "error", facts))
    except Exception:  # noqa: BLE001
        log.exception("could not report the killed task of execution %s", facts["execution_id"])


def reconcile_task(dry_run: bool = False) -> dict[str, Any]:
    """Periodic reconcile for the scheduler: JSON-serialisable in and out (see jobagent.monitoring.reconcile)."""
    from jobagent.monitoring.reconcile import reconcile

    return reconcile(dry_run=dry_run).as_dict()

