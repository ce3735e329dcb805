"""Reconcile on exactly the case it exists for (issue 11 item 10): a killed task whose RQ execution record
has expired, next to a row that cannot be handled at all. Real Redis, PostgreSQL and workers."""

from __future__ import annotations

import json
import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis

from tests.conftest import run_cli, wait_until

LIMIT = "3"  # task time limit: past it (plus the grace) a started task whose worker is silent is lost


def test_reconcile_survives_an_expired_execution_record(live, workers, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from jobagent.api import runs
    from jobagent.config import get_settings
    from jobagent.queue import fetch_task, get_queue
    from jobagent.store.models import Run, WorkflowExecution, utcnow
    from jobagent.store.session import session_scope

    for key, value in (("JOBAGENT_RECONCILE_GRACE_SECONDS", "1"), ("JOBAGENT_TASK_TIME_LIMIT", LIMIT)):
        monkeypatch.setenv(key, value)
        live[key] = value
    get_settings.cache_clear()
    victim = workers.start("--queues", "default")
    sub = runs.submit_workflow("test_stall_once", {"sleep_seconds": 30, "marker_dir": str(tmp_path)})
    marker = Path(tmp_path, f"{sub.execution_id}.stalled")
    wait_until(lambda: marker.exists() and marker.read_text(), timeout=30)
    killed_at = time.monotonic()
    workers.kill(victim, signal.SIGKILL)
    os.kill(int(marker.read_text()), signal.SIGKILL)  # the work-horse lives in its own process group

    redis = Redis.from_url(live["REDIS_URL"])
    records = list(redis.scan_iter(f"rq:execution:{sub.execution_id}:*"))  # rq/executions.py: Execution.key
    assert records, "the killed task should have left an execution record"
    redis.delete(*records)  # what the record's TTL does to a task killed long enough ago
    with pytest.raises(ValueError, match="not found in Redis"):  # the rq 3.0 behaviour reconcile must survive
        fetch_task(sub.execution_id).delete()  # type: ignore[union-attr]

    old = utcnow() - timedelta(seconds=60)
    with session_scope() as s:  # a row for a queue this release no longer has: nothing can requeue it
        s.add(Run(id="retired-run", workflow_type="diagnostic", created_at=old))
        s.add(WorkflowExecution(id="retired-exec", run_id="retired-run", workflow_type="diagnostic",
                                queue="retired", status="pending", created_at=old, enqueued_at=old))
    time.sleep(max(0.0, killed_at + int(LIMIT) + 1.5 - time.monotonic()))

    out = run_cli("reconcile", "--json", environ=live)
    assert out.returncode == 1, (out.stdout, out.stderr)  # some row could not be handled
    problems = [line for line in out.stderr.splitlines() if line.startswith("reconcile: execution ")]
    assert len(problems) == 1 and "retired-exec" in problems[0] and "unknown queue" in problems[0], out.stderr
    assert "Traceback" not in out.stderr
    summary = json.loads(out.stdout)
    assert summary["requeued"] == 1 and summary["items"][0]["execution_id"] == sub.execution_id, summary
    queue = get_queue("default")
    assert queue.get_job_ids() == [sub.execution_id]
    started = redis.zrange(queue.started_job_registry.key, 0, -1)
    assert not [m for m in started if m.decode().startswith(sub.execution_id)]

    workers.start("--burst", "--queues", "default").wait(timeout=60)
    st = runs.get_status(sub.run_id).model_dump()
    assert st["status"] == "completed" and st["attempts"] == 2, st
    again = run_cli("reconcile", "--json", environ=live)  # the unhandled row is reported again, once
    assert again.returncode == 1 and again.stderr.count("reconcile: execution ") == 1
