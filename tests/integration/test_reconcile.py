"""Reconcile: work that Redis lost is found and requeued once, whatever happened to Redis or the worker."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import select

from tests.conftest import ROOT, run_cli, wait_until
from tests.sentry_ingest import sentry_ingest_fixture, sentry_live_fixture  # noqa: F401  (fixtures)

GRACE = "1"
LIMIT = "5"  # task time limit for the killed-worker test


@pytest.fixture
def rlive(live: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """``live`` with a 1 s reconcile grace, here and in every CLI run and worker."""
    from jobagent.config import get_settings

    monkeypatch.setenv("JOBAGENT_RECONCILE_GRACE_SECONDS", GRACE)
    get_settings.cache_clear()
    live["JOBAGENT_RECONCILE_GRACE_SECONDS"] = GRACE
    return live


def _rows(ids: list[str]) -> dict[str, object]:
    from jobagent.store.models import WorkflowExecution
    from jobagent.store.session import session_scope

    with session_scope() as s:
        return {ex.id: ex for ex in s.scalars(select(WorkflowExecution).where(WorkflowExecution.id.in_(ids)))}


def _submit_orphans(n: int) -> list[str]:
    """Submit ``n`` diagnostics with no worker, then lose them all from Redis."""
    from jobagent.api import runs
    from jobagent.config import get_settings

    ids = [runs.submit_diagnostic(echo=f"echo-{i}").execution_id for i in range(n)]
    Redis.from_url(get_settings().redis_url).flushall()
    time.sleep(float(GRACE) + 0.2)
    return ids


def _reconcile_cli(environ: dict[str, str], *args: str) -> dict:
    out = run_cli("reconcile", "--json", *args, environ=environ)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_flushall_with_50_pending_loses_nothing(rlive, workers) -> None:
    ids = _submit_orphans(50)
    summary = _reconcile_cli(rlive)
    assert (summary["scanned"], summary["requeued"], summary["failed"]) == (50, 50, 0)
    again = _reconcile_cli(rlive)  # the jobs are queued now: nothing to do, however often it runs
    assert again["requeued"] == 0 and again["failed"] == 0
    workers.start("--burst", "--queues", "default").wait(timeout=120)
    rows = _rows(ids)
    assert {r.status for r in rows.values()} == {"completed"}
    assert all(r.attempts == 1 and r.requeues == 1 for r in rows.values())
    assert sorted(r.result["echo"] for r in rows.values()) == sorted(f"echo-{i}" for i in range(50))


def test_dry_run_changes_nothing(rlive) -> None:
    from jobagent.queue import get_queue

    ids = _submit_orphans(3)
    before = {i: (r.status, r.requeues, r.enqueued_at) for i, r in _rows(ids).items()}
    out = run_cli("reconcile", "--dry-run", environ=rlive)
    assert out.returncode == 0, out.stderr
    assert "dry run: scanned 3, requeued 3" in out.stdout
    assert {i: (r.status, r.requeues, r.enqueued_at) for i, r in _rows(ids).items()} == before
    assert get_queue("default").count == 0


def test_two_instances_requeue_each_orphan_once(rlive) -> None:
    from jobagent.queue import get_queue

    ids = _submit_orphans(40)
    env = {**os.environ, **rlive, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-m", "jobagent.cli", "reconcile", "--json", "--page-size", "7"],
                              env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        results.append(json.loads(out))
    assert sum(r["requeued"] for r in results) == 40
    assert all(r.requeues == 1 for r in _rows(ids).values())
    queued = get_queue("default").get_job_ids()
    assert sorted(queued) == sorted(ids)  # each once: no duplicate queue entries


def test_never_enqueued_and_give_up_after_max_requeues(rlive) -> None:
    from jobagent.store.models import Run, WorkflowExecution, utcnow
    from jobagent.store.session import session_scope

    old = utcnow() - timedelta(seconds=30)
    with session_scope() as s:  # a fan-out batch that died between its commit and its Redis pipeline
        for i, requeues in enumerate((0, 3)):
            s.add(Run(id=f"run-{i}", workflow_type="diagnostic", params={}, created_at=old))
            s.add(WorkflowExecution(id=f"ex-{i}", task_id=f"ex-{i}", run_id=f"run-{i}", workflow_type="diagnostic",
                                    status="pending", queue="default", context_snapshot={}, created_at=old,
                                    requeues=requeues))
    summary = _reconcile_cli(rlive)
    items = {i["execution_id"]: i for i in summary["items"]}
    assert items["ex-0"]["reason"] == "never enqueued" and items["ex-0"]["action"] == "requeue"
    assert items["ex-1"]["action"] == "fail"
    rows = _rows(["ex-0", "ex-1"])
    assert rows["ex-0"].status == "pending" and rows["ex-0"].enqueued_at is not None
    assert rows["ex-1"].status == "failed" and "gave up after 3 requeues" in rows["ex-1"].error_message


def test_retry_waiting_in_scheduled_registry_is_not_lost(rlive, workers, tmp_path: Path, monkeypatch) -> None:
    from jobagent.api import runs
    from jobagent.config import get_settings
    from jobagent.queue import get_queue

    monkeypatch.setenv("JOBAGENT_RETRY_BACKOFF_BASE", "60")  # the retry waits a minute in the registry
    get_settings.cache_clear()
    sub = runs.submit_workflow("test_fail", {"fail_times": 5, "marker_dir": str(tmp_path)})
    workers.start("--burst", "--queues", "default").wait(timeout=60)
    assert sub.execution_id in get_queue("default").scheduled_job_registry.get_job_ids()
    time.sleep(float(GRACE) + 0.2)
    summary = _reconcile_cli(rlive)
    assert summary["scanned"] == 1 and summary["skipped"] == 1 and summary["requeued"] == 0
    assert _rows([sub.execution_id])[sub.execution_id].status == "pending"


def test_sigkilled_worker_task_is_recovered_by_reconcile(sentry_live, rlive, workers, tmp_path: Path,
                                                         monkeypatch) -> None:
    """The task time limit (5 s) is long past and the job still says started: its worker is dead."""
    from jobagent.api import runs
    from jobagent.config import get_settings

    _, ingest = sentry_live  # ``rlive`` is the same dict: SENTRY_DSN and the short grace
    monkeypatch.setenv("JOBAGENT_TASK_TIME_LIMIT", LIMIT)
    get_settings.cache_clear()
    workers.environ["JOBAGENT_TASK_TIME_LIMIT"] = LIMIT
    victim = workers.start("--queues", "default")
    sub = runs.submit_workflow("test_stall_once", {"sleep_seconds": 30, "marker_dir": str(tmp_path)})
    marker = Path(tmp_path, f"{sub.execution_id}.stalled")
    wait_until(lambda: marker.exists() and marker.read_text(), timeout=30)
    started = time.monotonic()
    workers.kill(victim, signal.SIGKILL)  # the whole host goes, first the worker...
    os.kill(int(marker.read_text()), signal.SIGKILL)  # ...then its work-horse (in its own process group)
    assert runs.get_status(sub.run_id).model_dump()["status"] == "processing"
    early = _reconcile_cli({**rlive, "JOBAGENT_TASK_TIME_LIMIT": LIMIT})
    assert early["requeued"] == 0  # within the time limit a started job may still be running
    time.sleep(max(0.0, started + int(LIMIT) + float(GRACE) + 0.5 - time.monotonic()))
    summary = _reconcile_cli({**rlive, "JOBAGENT_TASK_TIME_LIMIT": LIMIT})
    assert summary["requeued"] == 1 and "time limit" in summary["items"][0]["reason"], summary
    ingest.wait_for(1, timeout=10, alert="reconcile_requeued")
    workers.start("--burst", "--queues", "default").wait(timeout=60)
    st = runs.get_status(sub.run_id).model_dump()
    assert st["status"] == "completed" and st["attempts"] == 2
    assert _rows([sub.execution_id])[sub.execution_id].requeues == 1
