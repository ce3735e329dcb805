"""Nothing lost: killed and stopped workers, a restarted PostgreSQL, and permanent vs transient errors."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import OperationalError

from jobagent.errors import InvalidInput, NotFound, PermanentFailure
from jobagent.retry_policy import is_permanent
from tests.conftest import wait_until
from tests.sentry_ingest import sentry_ingest_fixture, sentry_live_fixture  # noqa: F401  (fixtures)


def _status(run_id: str) -> dict:
    from jobagent.api import runs

    return runs.get_status(run_id).model_dump()


def _final(run_id: str, timeout: float = 60) -> dict:
    return wait_until(lambda: (s := _status(run_id))["status"] in ("completed", "failed") and s, timeout=timeout)


@pytest.mark.parametrize("exc, permanent", [
    (InvalidInput("corrupt CV"), True),
    (NotFound("no such profile"), True),
    (PermanentFailure("refused URL"), True),
    (httpx.ConnectTimeout("timed out"), False),
    (httpx.ConnectError("refused"), False),
    (OperationalError("SELECT 1", {}, ConnectionRefusedError()), False),
    (RedisConnectionError("down"), False),
    (TimeoutError(), False),
    (RuntimeError("unexpected"), False),
])
def test_is_permanent_classification(exc: BaseException, permanent: bool) -> None:
    assert is_permanent(exc) is permanent


def test_permanent_error_fails_at_once_with_one_alert(sentry_live, workers, tmp_path: Path) -> None:
    from jobagent.api import runs

    _, ingest = sentry_live
    workers.start("--queues", "default")
    sub = runs.submit_workflow("test_raise", {"kind": "permanent", "fail_times": 5, "marker_dir": str(tmp_path),
                                              "message": "the CV file is corrupt"})
    st = _final(sub.run_id)
    assert st["status"] == "failed" and st["attempts"] == 1
    assert "the CV file is corrupt" in st["error_message"]
    ingest.wait_for(1, timeout=20, alert="workflow_failed")
    time.sleep(3)  # a retry (backoff base 1 s) would have run by now
    assert Path(tmp_path, f"{sub.execution_id}.visits").read_text() == "1"
    assert len([e for e in ingest.events if e.get("level") == "error"]) == 1


@pytest.mark.parametrize("kind", ["http_timeout", "db"])
def test_transient_error_is_retried(live, workers, tmp_path: Path, kind: str) -> None:
    from jobagent.api import runs

    workers.start("--queues", "default")
    sub = runs.submit_workflow("test_raise", {"kind": kind, "fail_times": 1, "marker_dir": str(tmp_path)})
    st = _final(sub.run_id)
    assert st["status"] == "completed", st["error_message"]
    assert st["attempts"] == 2


def test_sigkilled_worker_is_reported_and_its_task_completes(sentry_live, workers, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGKILL to the whole worker (main process and work-horse), then RQ's own maintenance pass.

    The pass normally runs once the job's heartbeat has lapsed (60 s + the monitoring interval); here
    ``StartedJobRegistry.cleanup`` is called with a timestamp past that point instead of waiting, which
    runs the same RQ code (failure callback, then requeue) a surviving worker's maintenance runs.
    No backoff here: a retry with a delay would wait for the dead worker's scheduler lock (61 s) to lapse.
    """
    from jobagent.api import runs
    from jobagent.config import get_settings
    from jobagent.queue import get_queue

    _, ingest = sentry_live
    monkeypatch.setenv("JOBAGENT_RETRY_BACKOFF_BASE", "0")  # the retry intervals ride on the job
    get_settings.cache_clear()
    victim = workers.start("--queues", "default", "--job-monitoring-interval", "1")
    sub = runs.submit_workflow("test_stall_once", {"sleep_seconds": 60, "marker_dir": str(tmp_path)})
    marker = Path(tmp_path, f"{sub.execution_id}.stalled")
    wait_until(lambda: marker.exists() and marker.read_text(), timeout=30)
    assert _status(sub.run_id)["status"] == "processing"
    horse = int(marker.read_text())  # RQ puts the work-horse in its own process group: kill it too (OOM-style)
    os.kill(horse, signal.SIGKILL)
    workers.kill(victim, signal.SIGKILL)
    get_queue("default").started_job_registry.cleanup(timestamp=time.time() + 3600)
    st = _status(sub.run_id)
    assert st["status"] == "pending" and "worker stopped mid-task" in st["error_message"]
    [event] = ingest.wait_for(1, timeout=10, alert="worker_killed")
    assert event["contexts"]["alert"]["execution_id"] == sub.execution_id
    assert event["contexts"]["alert"]["node"] == "StallOnceNode"
    workers.start("--burst", "--queues", "default")
    st = _final(sub.run_id, timeout=30)
    assert st["status"] == "completed" and st["attempts"] == 2


def test_sigterm_to_main_process_lets_the_task_finish(live, workers, tmp_path: Path) -> None:
    from jobagent.api import runs

    proc = workers.start("--queues", "default")
    sub = runs.submit_workflow("test_stall", {"sleep_seconds": 3, "marker_dir": str(tmp_path)})
    wait_until(lambda: list(tmp_path.glob(f"{sub.execution_id}.*")), timeout=30)
    os.kill(proc.pid, signal.SIGTERM)  # the main process only, as systemd's KillMode=mixed does
    assert proc.wait(timeout=30) == 0
    st = _status(sub.run_id)
    assert st["status"] == "completed" and st["attempts"] == 1, st
    assert "Warm shut down requested" in workers.logs() or "warm shut down" in workers.logs().lower()


def test_postgres_restart_between_tasks(live, workers, pg_server) -> None:
    from jobagent.api import runs

    workers.start("--queues", "default")
    first = runs.submit_diagnostic(echo="before")
    assert _final(first.run_id)["status"] == "completed"
    pg_server.restart()
    second = runs.submit_diagnostic(echo="after")
    st = _final(second.run_id)
    assert st["status"] == "completed" and st["result"] == {"echo": "after"}
