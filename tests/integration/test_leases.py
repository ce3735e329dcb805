"""Lease rules of the engine on both store backends: who may claim, and a holder that lost its lease."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from jobagent.store.models import Run, WorkflowExecution, utcnow
from jobagent.store.session import session_scope


def _execution(kind: str, context: dict, **fields: object) -> str:
    with session_scope() as s:
        run = Run(workflow_type=kind)
        s.add(run)
        s.flush()
        ex = WorkflowExecution(run_id=run.id, workflow_type=kind, context_snapshot=context, **fields)
        s.add(ex)
        s.flush()
        return ex.id


def _row(execution_id: str) -> WorkflowExecution:
    with session_scope() as s:
        ex = s.get(WorkflowExecution, execution_id)
        assert ex is not None
        return ex


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def claim_each_lease_state() -> dict[str, WorkflowExecution]:
    """Run a workflow on rows in each lease state a claimer meets; assert that only a fresh foreign lease is
    refused and everything else is claimed, run and released. The rows that ran, by case (also used by
    test_worker_overhead for the one-statement claim)."""
    from jobagent.workflows import get_workflow
    from jobagent.workflows.engine import run_workflow

    host = socket.gethostname()
    fresh = utcnow() + timedelta(seconds=60)
    cases = {
        "other host, fresh": ("elsewhere:4242:abcd", fresh, "processing"),
        "other host, expired": ("elsewhere:4242:abcd", utcnow() - timedelta(seconds=1), "completed"),
        "this host, dead pid": (f"{host}:{_dead_pid()}:abcd", fresh, "completed"),
        "no lease": (None, None, "completed"),
    }
    ran = {}
    for name, (owner, expires, expected) in cases.items():
        eid = _execution("test_stall", {}, status="processing", lease_owner=owner, lease_expires_at=expires)
        outcome = run_workflow(get_workflow, eid)
        row = _row(eid)
        assert row.status == expected, (name, outcome)
        if expected == "processing":
            assert outcome == {"status": "processing", "leased_by": owner} and row.attempts == 0
        else:
            assert row.lease_owner is None and row.lease_expires_at is None, name  # released at the end
            ran[name] = row
    return ran


def test_claims_are_refused_only_while_another_lease_is_fresh(env, store_url: str) -> None:
    env(database_url=store_url)
    assert len(claim_each_lease_state()) == 3


def test_a_holder_that_lost_its_lease_stops_without_recording(env, store_url: str, tmp_path: Path) -> None:
    from jobagent.workflows import get_workflow
    from jobagent.workflows.engine import run_workflow

    env(database_url=store_url)
    eid = _execution("test_stall", {"sleep_seconds": 1.5, "marker_dir": str(tmp_path)})
    outcome: dict = {}
    thread = threading.Thread(target=lambda: outcome.update(run_workflow(get_workflow, eid)))
    thread.start()
    deadline = time.monotonic() + 20
    while not list(tmp_path.glob(f"{eid}.*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    with session_scope() as s:  # another worker took it over (our lease had expired, say)
        ex = s.get(WorkflowExecution, eid)
        assert ex is not None and ex.lease_owner and ex.status == "processing"
        ex.lease_owner, ex.lease_expires_at = "elsewhere:1:beef", utcnow() + timedelta(seconds=60)
    thread.join(30)
    assert outcome == {"status": "lease lost"}
    row = _row(eid)
    assert (row.status, row.nodes_done, row.lease_owner) == ("processing", 0, "elsewhere:1:beef")
    assert row.current_node == "StallNode"  # the holder wrote nothing after losing it
