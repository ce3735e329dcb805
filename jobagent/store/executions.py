"""Finding an execution by the id a user has at hand: an execution id, or the id of its run.

Users copy whichever id a command printed (``status``, ``retry`` and ``matches`` accept both), so the rule
"the execution with this id, else the run's latest execution" is written here once.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobagent.errors import NotFound
from jobagent.store.models import WorkflowExecution


def find_execution(s: Session, run_or_execution_id: str) -> WorkflowExecution:
    """The execution with this id, else the newest execution of the run with this id; NotFound otherwise."""
    ex = s.get(WorkflowExecution, run_or_execution_id)
    if ex is None:
        ex = s.scalar(select(WorkflowExecution).where(WorkflowExecution.run_id == run_or_execution_id)
                      .order_by(WorkflowExecution.created_at.desc()).limit(1))
    if ex is None:
        raise NotFound(f"run or execution {run_or_execution_id} not found")
    return ex
