"""Pooled mode (``jobagent worker --pool N``) with real worker subprocesses, Redis and PostgreSQL (issue 16).

Each test reads the truth from the store (the execution row), not from RQ: a pooled work-horse that dies
or is killed must leave its execution settled there, as the forking worker does.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from itertools import groupby
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Workers, wait_until

MODULES = "tests.workflows_for_tests,tests.pool_workflows"


@pytest.fixture
def pool_env(live: dict[str, str], workers: Workers, monkeypatch: pytest.MonkeyPatch) -> Workers:
    from jobagent.config import get_settings

    monkeypatch.setenv("JOBAGENT_WORKFLOW_MODULES", MODULES)
    monkeypatch.setenv("JOBAGENT_RETRY_BACKOFF_BASE", "0")  # a retry is queued at once: no scheduler wait
    get_settings.cache_clear()
    workers.environ = {**workers.environ, "JOBAGENT_WORKFLOW_MODULES": MODULES, "JOBAGENT_RETRY_BACKOFF_BASE": "0"}
    return workers


def _submit(kind: str, context: dict[str, Any], n: int = 1) -> list[str]:
    from jobagent.config import get_settings
    from jobagent.submission import SubmissionSpec, submit_specs

    return [s.execution_id for s in submit_specs([SubmissionSpec(kind, "default", dict(context)) for _ in range(n)],
                                                 get_settings())]


def _rows(ids: list[str]) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from jobagent.store.models import WorkflowExecution
    from jobagent.store.session import session_scope

    with session_scope() as s:
        found = {ex.id: ex for ex in s.scalars(select(WorkflowExecution).where(WorkflowExecution.id.in_(ids)))}
        return [{"status": found[i].status, "attempts": found[i].attempts, "result": found[i].result,
                 "error_message": found[i].error_message, "lease_owner": found[i].lease_owner} for i in ids]


def _settled(ids: list[str], timeout: float = 60) -> list[dict[str, Any]]:
    def done() -> list[dict[str, Any]] | None:
        rows = _rows(ids)
        return rows if all(r["status"] in ("completed", "failed") for r in rows) else None

    return wait_until(done, timeout=timeout)  # type: ignore[return-value]


def _horses(master: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def test_pool_runs_tasks_to_completion_in_reused_work_horses(pool_env: Workers) -> None:
    ids = _submit("test_pid", {}, n=40)
    proc = pool_env.start("--queues", "default", "--pool", "2", "--max-jobs", "100")
    rows = _settled(ids)
    assert [r["status"] for r in rows] == ["completed"] * 40, pool_env.logs()
    pids = Counter(r["result"]["pid"] for r in rows)
    assert len(pids) <= 2 and max(pids.values()) >= 20, pids  # long-lived: one process ran many tasks
    assert proc.pid not in pids  # the main process only supervises
    assert set(pids) <= set(_horses(proc.pid))  # and those work-horses are still alive, waiting
    assert all(r["lease_owner"] is None and r["attempts"] == 1 for r in rows)


def test_work_horse_is_recycled_after_max_jobs(pool_env: Workers) -> None:
    ids = _submit("test_pid", {}, n=10)
    proc = pool_env.start("--queues", "default", "--pool", "1", "--max-jobs", "3")
    rows = _settled(ids)
    assert [r["status"] for r in rows] == ["completed"] * 10, pool_env.logs()
    pids = [r["result"]["pid"] for r in rows]
    runs = [len(list(group)) for _, group in groupby(pids)]
    assert runs == [3, 3, 3, 1], pids  # each work-horse ran exactly --max-jobs tasks, in order, then was replaced
    assert len(set(pids)) == 4
    assert _horses(proc.pid) == [pids[-1]]  # the fourth, one task in, waits for more
    assert "recycled after 3 tasks" in pool_env.logs()


def test_sigkilled_work_horse_task_is_retried_and_completes(pool_env: Workers, tmp_path: Path) -> None:
    pool_env.start("--queues", "default", "--pool", "2")
    [ex] = _submit("test_stall_once", {"sleep_seconds": 60, "marker_dir": str(tmp_path)})
    marker = tmp_path / f"{ex}.stalled"
    wait_until(lambda: marker.exists() and marker.read_text(), timeout=30)
    assert _rows([ex])[0]["status"] == "processing"
    os.kill(int(marker.read_text()), signal.SIGKILL)  # OOM-style: the work-horse only, mid-node
    [row] = _settled([ex], timeout=30)
    assert row["status"] == "completed" and row["attempts"] == 2, (row, pool_env.logs())
    assert "worker stopped mid-task (WorkHorseDied)" in pool_env.logs()


def test_stuck_task_is_killed_at_the_hard_limit_and_marked_failed(pool_env: Workers, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """RQ's SIGALRM ends an ordinary overrun (JobTimeoutException); a task that blocks it is SIGKILLed."""
    from jobagent.config import get_settings

    limits = {"JOBAGENT_TASK_TIME_LIMIT": "2", "JOBAGENT_MAX_RETRIES": "0"}  # the limit rides on the queue job
    for key, value in limits.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    pool_env.environ = {**pool_env.environ, **limits}
    proc = pool_env.start("--queues", "default", "--pool", "2")
    [overrun] = _submit("test_stall", {"sleep_seconds": 30})
    [stuck] = _submit("test_stuck", {"sleep_seconds": 60, "marker_dir": str(tmp_path)})
    marker = tmp_path / f"{stuck}.stuck"
    wait_until(lambda: marker.exists() and marker.read_text(), timeout=30)
    began = time.monotonic()
    horse = int(marker.read_text())
    first, second = _settled([overrun, stuck], timeout=40)
    assert first["status"] == "failed" and first["error_message"].startswith("StallNode: JobTimeoutException"), first
    assert second["status"] == "failed", second
    assert "worker stopped mid-task (HardTimeLimitExceeded); no retries left" in second["error_message"], second
    assert time.monotonic() - began < 20  # 2 s limit + 5 s grace, not the 60 s sleep
    assert not Path(f"/proc/{horse}").exists() or horse not in _horses(proc.pid)
    wait_until(lambda: len(_horses(proc.pid)) == 2, timeout=20)  # the killed slot is refilled


def test_sigterm_stops_warm_and_the_running_task_finishes(pool_env: Workers, tmp_path: Path) -> None:
    proc = pool_env.start("--queues", "default", "--pool", "2")
    [ex] = _submit("test_stall", {"sleep_seconds": 3, "marker_dir": str(tmp_path)})
    wait_until(lambda: list(tmp_path.glob(f"{ex}.*")), timeout=30)
    os.kill(proc.pid, signal.SIGTERM)  # the main process only, as systemd's KillMode=mixed does
    assert proc.wait(timeout=30) == 0
    [row] = _rows([ex])
    assert row["status"] == "completed" and row["attempts"] == 1, row
    assert "warm shut down" in pool_env.logs().lower()
