"""The per-task shortcuts of issue 16 keep the guarantees they shortcut (real PostgreSQL, Redis, workers).

- the one-statement claim and plain-SQL records (``jobagent.workflows.pg_records``, used once a worker has
  registered its workflows) follow the same lease rules as the Core statements (tests/integration/
  test_leases.py), and a resolver that disagrees with the registration cannot leave a row wrong;
- the forking worker's early release: a work-horse that reports its task done lets the main process go
  on, one that exits without reporting is handled as the crash it is, and no zombie is left behind.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from jobagent.store.models import Run, WorkflowExecution, utcnow
from jobagent.store.session import session_scope
from tests.conftest import Workers, wait_until
from tests.integration.test_leases import _execution, _row, claim_each_lease_state

MODULES = "tests.workflows_for_tests,tests.pool_workflows,tests.overhead_workflows"


@pytest.fixture
def registered(env: Any, clean_pg: str) -> Iterator[None]:
    """This process as a worker sees it: PostgreSQL, and the workflows registered by ``warm_up``."""
    from jobagent.worker import registered_workflows
    from jobagent.workflows import pg_records
    from jobagent.workflows.engine import warm_up

    env(database_url=clean_pg, JOBAGENT_WORKFLOW_MODULES=MODULES)
    warm_up(registered_workflows())
    assert pg_records.enabled()
    yield
    pg_records.register_claimable({})


def test_one_statement_claim_keeps_the_lease_rules(registered: None) -> None:
    from jobagent.workflows import get_workflow
    from jobagent.workflows.engine import run_workflow

    ran = claim_each_lease_state()
    assert set(ran) == {"other host, expired", "this host, dead pid", "no lease"}
    for name, row in ran.items():
        assert (row.lease_owner, row.lease_expires_at, row.attempts) == (None, None, 1), name
        assert (row.nodes_total, row.nodes_done, row.result) == (2, 2, {"visits": 1}), name
    done = _execution("diagnostic", {"echo": "x"}, status="completed")
    assert run_workflow(get_workflow, done) == {"status": "completed"}  # settled rows are left alone
    assert _row(done).attempts == 0


def test_a_resumed_run_starts_at_its_failed_node_with_its_snapshot(registered: None) -> None:
    from jobagent.workflows import get_workflow
    from jobagent.workflows.engine import run_workflow

    eid = _execution("test_stall", {"visits": 41}, status="pending", nodes_done=1, current_node="DoneNode",
                     attempts=1, started_at=utcnow() - timedelta(minutes=5))
    started = _row(eid).started_at
    assert run_workflow(get_workflow, eid) == {"status": "completed"}
    row = _row(eid)
    assert (row.status, row.attempts, row.result, row.started_at) == ("completed", 2, {"visits": 42}, started)


def _run_until_stalled(eid: str, tmp_path: Path) -> tuple[threading.Thread, dict[str, Any]]:
    """Run the stalling workflow in a thread; return once its node has started (its marker file exists)."""
    from jobagent.workflows import get_workflow
    from jobagent.workflows.engine import run_workflow

    outcome: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: outcome.update(run_workflow(get_workflow, eid)))
    thread.start()
    wait_until(lambda: list(tmp_path.glob(f"{eid}.*")), timeout=20, interval=0.05)
    return thread, outcome


def test_a_holder_that_lost_its_lease_writes_nothing_more(registered: None, tmp_path: Path) -> None:
    eid = _execution("test_stall", {"sleep_seconds": 1.5, "marker_dir": str(tmp_path)})
    thread, outcome = _run_until_stalled(eid, tmp_path)
    row = _row(eid)
    assert (row.status, row.current_node, row.nodes_total, row.attempts) == ("processing", "StallNode", 2, 1)
    with session_scope() as s:
        ex = s.get(WorkflowExecution, eid)
        assert ex is not None
        ex.lease_owner, ex.lease_expires_at = "elsewhere:1:beef", utcnow() + timedelta(seconds=60)
    thread.join(30)
    assert outcome == {"status": "lease lost"}
    row = _row(eid)
    assert (row.status, row.nodes_done, row.lease_owner, row.current_node) == ("processing", 0, "elsewhere:1:beef",
                                                                              "StallNode")


def test_a_resolver_that_disagrees_with_the_registration_has_the_last_word(registered: None,
                                                                           tmp_path: Path) -> None:
    from jobagent.errors import PermanentFailure
    from jobagent.workflows import get_workflow, pg_records
    from jobagent.workflows.engine import run_workflow

    pg_records.register_claimable({"test_stall": ["OldName"], "ghost": ["GhostNode"]})
    eid = _execution("test_stall", {"sleep_seconds": 1.0, "marker_dir": str(tmp_path)})
    thread, outcome = _run_until_stalled(eid, tmp_path)
    row = _row(eid)
    assert (row.current_node, row.nodes_total) == ("StallNode", 2)  # the resolver's nodes, not the stale names
    thread.join(30)
    assert outcome == {"status": "completed"} and _row(eid).nodes_done == 2

    ghost = _execution("ghost", {})
    with pytest.raises(PermanentFailure, match="unknown workflow type 'ghost' on this worker"):
        run_workflow(get_workflow, ghost)
    row = _row(ghost)
    assert (row.status, row.lease_owner, row.lease_expires_at) == ("failed", None, None)
    assert row.error_message and "on this worker" in row.error_message and row.completed_at is not None


def test_an_unregistered_type_takes_the_locking_path(registered: None) -> None:
    from jobagent.errors import PermanentFailure
    from jobagent.workflows import get_workflow
    from jobagent.workflows.engine import run_workflow

    with session_scope() as s:
        run = Run(workflow_type="nobody_knows")
        s.add(run)
        s.flush()
        s.add(WorkflowExecution(id="unknown-type", run_id=run.id, workflow_type="nobody_knows"))
    with pytest.raises(PermanentFailure, match="nobody_knows"):
        run_workflow(get_workflow, "unknown-type")
    row = _row("unknown-type")
    assert row.status == "failed" and row.attempts == 0  # settled without being claimed or leased


def test_one_keeper_thread_renews_long_nodes_and_nothing_after_the_release(registered: None, clean_redis: str,
                                                                            tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from jobagent.config import get_settings
    from jobagent.workflows import get_workflow
    from jobagent.workflows.engine import run_workflow

    monkeypatch.setenv("REDIS_URL", clean_redis)  # a worker's settings: leases are kept alive
    monkeypatch.setenv("JOBAGENT_LEASE_SECONDS", "3")  # renewed every second
    get_settings.cache_clear()
    assert not get_settings().embedded
    eid = _execution("test_stall", {"sleep_seconds": 2.6, "marker_dir": str(tmp_path)})
    thread, outcome = _run_until_stalled(eid, tmp_path)
    first = _row(eid).lease_expires_at
    renewed = wait_until(lambda: (row := _row(eid)).lease_expires_at != first and row, timeout=5, interval=0.1)
    assert renewed.current_node == "StallNode" and renewed.nodes_done == 0  # by the keeper, mid-node
    thread.join(30)
    assert outcome == {"status": "completed"}
    row = _row(eid)
    assert (row.status, row.lease_owner, row.lease_expires_at) == ("completed", None, None)
    time.sleep(1.5)  # a renewal after the release would write the expiry back
    assert _row(eid).lease_expires_at is None
    quick = [_execution("test_stall", {}) for _ in range(5)]
    for other in quick:
        assert run_workflow(get_workflow, other) == {"status": "completed"}
    keepers = [t for t in threading.enumerate() if t.name == "lease-keeper"]
    assert len(keepers) == 1  # one thread for every task this process ran, not one per task


@pytest.fixture
def forking(live: dict[str, str], workers: Workers, monkeypatch: pytest.MonkeyPatch) -> Workers:
    from jobagent.config import get_settings

    extra = {"JOBAGENT_WORKFLOW_MODULES": MODULES, "JOBAGENT_RETRY_BACKOFF_BASE": "0"}
    for key, value in extra.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    workers.environ = {**workers.environ, **extra}
    return workers


def _submit(kind: str, context: dict[str, Any], n: int = 1) -> list[str]:
    from jobagent.config import get_settings
    from jobagent.submission import SubmissionSpec, submit_specs

    return [s.execution_id for s in submit_specs([SubmissionSpec(kind, "default", dict(context)) for _ in range(n)],
                                                 get_settings())]


def _settled(ids: list[str], timeout: float = 60) -> list[WorkflowExecution]:
    def done() -> list[WorkflowExecution] | None:
        rows = [_row(i) for i in ids]
        return rows if all(r.status in ("completed", "failed") for r in rows) else None

    return wait_until(done, timeout=timeout)  # type: ignore[return-value]


def _zombies(parent: int) -> list[int]:
    found = []
    for child in Path(f"/proc/{parent}/task/{parent}/children").read_text().split():
        try:
            state = Path(f"/proc/{child}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if state == "Z":
            found.append(int(child))
    return found


def test_forking_worker_runs_each_task_in_a_fresh_horse_and_leaves_no_zombie(forking: Workers) -> None:
    ids = _submit("test_pid", {}, n=30)
    proc = forking.start("--queues", "default")
    rows = _settled(ids)
    assert [r.status for r in rows] == ["completed"] * 30, forking.logs()
    pids = [r.result["pid"] for r in rows if r.result]
    assert len(set(pids)) == 30 and proc.pid not in pids  # one work-horse per task, never the main process
    assert all(r.attempts == 1 and r.lease_owner is None for r in rows)
    wait_until(lambda: not _zombies(proc.pid), timeout=10)  # released work-horses are reaped when they exit
    assert proc.poll() is None  # and the worker is still waiting for more


def test_a_work_horse_that_exits_without_reporting_is_a_crash_and_is_retried(forking: Workers,
                                                                            tmp_path: Path) -> None:
    ids = _submit("test_exit_once", {"marker_dir": str(tmp_path), "code": 3})
    after = _submit("test_pid", {}, n=3)  # queued behind it: the worker goes on after the crash
    forking.start("--queues", "default")
    [row] = _settled(ids)
    assert row.status == "completed" and row.attempts == 2, (row.error_message, forking.logs())
    exited = int((tmp_path / f"{ids[0]}.exited").read_text())
    assert row.result == {"pid": row.result["pid"]} and row.result["pid"] != exited
    assert "Work-horse terminated unexpectedly" in forking.logs()
    assert [r.status for r in _settled(after)] == ["completed"] * 3


def test_a_dead_work_horse_is_seen_at_once_while_a_process_it_forked_lives_on(forking: Workers,
                                                                            tmp_path: Path) -> None:
    """The orphan holds the "done" pipe open, so only the work-horse's own exit can tell the main process."""
    import os
    import signal

    [ex] = _submit("test_exit_once", {"marker_dir": str(tmp_path), "code": 5, "orphan_seconds": 40})
    forking.start("--queues", "default")
    began = time.monotonic()
    try:
        [row] = _settled([ex], timeout=60)
        assert row.status == "completed" and row.attempts == 2, (row.error_message, forking.logs())
        assert time.monotonic() - began < 25  # not held until the orphan's 40 s are up
        assert "Work-horse terminated unexpectedly" in forking.logs()
    finally:
        orphan = tmp_path / f"{ex}.orphan"
        if orphan.exists():
            try:
                os.kill(int(orphan.read_text()), signal.SIGKILL)
            except ProcessLookupError:
                pass
