"""The records of a submission, shared by both submission paths (``submission`` one by one, and the
batched ``submission_pg``): what a face gets back, what it asks for, and the two rows written per run.

A module of its own so the batched path needs nothing from ``submission``, which calls it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from jobagent.store.models import new_id

STATUSES = ("pending", "processing", "completed", "failed")
PRIORITIES = ("high", "default")


@dataclass(frozen=True)
class Submission:
    run_id: str
    execution_id: str
    task_id: str
    workflow_type: str
    queue: str
    status: str
    error_message: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"status_command": f"jobagent status {self.run_id}"}


@dataclass(frozen=True)
class SubmissionSpec:
    workflow_type: str
    queue: str
    context: dict[str, Any]
    profile_id: str | None = None
    query: str | None = None
    location: str | None = None
    owner: str | None = None  # the token name the run belongs to (issue 23 item 8); None: the operator's


def run_row(spec: SubmissionSpec, now: datetime, dedup_key: str | None = None) -> dict[str, Any]:
    return {"id": new_id(), "workflow_type": spec.workflow_type, "profile_id": spec.profile_id, "query": spec.query,
            "location": spec.location, "params": spec.context, "dedup_key": dedup_key, "created_at": now,
            "owner": spec.owner}


def execution_row(run_id: str, spec: SubmissionSpec, now: datetime) -> dict[str, Any]:
    execution_id = new_id()  # the queue job's id too, so the two can always be joined
    return {"id": execution_id, "task_id": execution_id, "run_id": run_id, "workflow_type": spec.workflow_type,
            "status": "pending", "queue": spec.queue, "attempts": 0, "nodes_done": 0, "nodes_total": 0,
            "requeues": 0, "context_snapshot": spec.context, "created_at": now}


def enqueue_error(exc: BaseException) -> str:
    """The reason stored on an execution whose enqueue failed."""
    return f"could not enqueue: {exc.__class__.__name__}: {exc}"
