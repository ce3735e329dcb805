"""The daily search: fan-out exactly once per profile × title × UTC day, and rq-scheduler in UTC."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta

from redis import Redis
from rq import Queue, Worker
from sqlalchemy import func, select

from jobagent.daily_search import dedup_key, fan_out_daily_search
from jobagent.scheduler import SCHEDULED_JOBS_KEY
from jobagent.store.models import Run, UserProfile, WorkflowExecution
from jobagent.store.session import session_scope
from tests.conftest import ROOT, Workers, run_cli, wait_until
from tests.servers import free_port

DAY = date(2020, 1, 1)  # never "today", so run-now (which uses today) is a different day


def _seed_profiles() -> int:
    """Profiles of every kind the fan-out must tell apart; returns the number of searches expected."""
    with session_scope() as s:
        for i in range(3):
            s.add(UserProfile(name=f"P{i}", email=f"p{i}@example.org", location="Berlin",
                              suggested_titles=["Data Engineer", "Backend Engineer"]))
        s.add(UserProfile(name="Premium", email="vip@example.org", location="Remote", premium=True,
                          suggested_titles=["ML Engineer", "ml  engineer", "Platform Engineer"]))
        # No location: searches remote postings open to anywhere (issue 24 §3), so it is eligible too.
        s.add(UserProfile(name="Nowhere", email="n@example.org", location=None, suggested_titles=["Chef"]))
        s.add(UserProfile(name="Untitled", email="u@example.org", location="Paris", suggested_titles=[]))
    return 3 * 2 + 2 + 1


def _count(model: type, *where: object) -> int:
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_fan_out_once_per_profile_title_day(live: dict[str, str]) -> None:
    expected = _seed_profiles()
    first = fan_out_daily_search(DAY, batch_size=3)  # small batches: several transactions and pipelines
    assert (first.profiles_scanned, first.profiles_eligible) == (6, 5)
    assert (first.runs_created, first.skipped_already_done, first.failed_to_enqueue) == (expected, 0, 0)
    assert first.batches >= 3
    redis = Redis.from_url(live["REDIS_URL"])
    assert Queue("high", connection=redis).count == 2 and Queue("default", connection=redis).count == 7
    assert _count(WorkflowExecution, WorkflowExecution.enqueued_at.is_(None)) == 0
    with session_scope() as s:
        premium_keys = set(s.scalars(select(Run.dedup_key).join(UserProfile).where(UserProfile.premium)))
        vip = s.scalar(select(UserProfile.id).where(UserProfile.premium))
    assert premium_keys == {dedup_key(vip, "ml engineer", DAY), dedup_key(vip, "Platform Engineer", DAY)}

    again = run_cli("schedule", "run-now", "daily-search", "--json", environ=live)
    summary = json.loads(again.stdout)
    # run-now uses today's date: a different day from DAY, so it creates a fresh set ...
    assert again.returncode == 0 and summary["runs_created"] == expected
    # ... and a second trigger on that same day creates nothing and says so.
    repeat = json.loads(run_cli("schedule", "run-now", "daily-search", "--json", environ=live).stdout)
    assert (repeat["runs_created"], repeat["skipped_already_done"]) == (0, expected)
    assert _count(Run) == 2 * expected and Queue("default", connection=redis).count == 14


def test_concurrent_fan_outs_create_each_search_once(live: dict[str, str]) -> None:
    expected = _seed_profiles()
    results = []
    threads = [threading.Thread(target=lambda: results.append(fan_out_daily_search(DAY, batch_size=2)))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.runs_created for r in results) == expected
    assert sum(r.skipped_already_done for r in results) == 3 * expected
    assert _count(Run) == expected == _count(WorkflowExecution)


def test_redis_down_leaves_rows_findable_by_reconcile(env, clean_pg: str, clean_redis: str) -> None:
    environ = env(database_url=clean_pg, redis_url=f"redis://127.0.0.1:{free_port()}/0",
                  JOBAGENT_RECONCILE_GRACE_SECONDS="0")
    expected = _seed_profiles()
    out = run_cli("schedule", "run-now", "daily-search", "--json", environ=environ)
    assert out.returncode == 1, out.stderr
    summary = json.loads(out.stdout)
    assert summary["runs_created"] == summary["failed_to_enqueue"] == expected
    assert "could not enqueue" in out.stderr and "ConnectionError" in out.stderr
    # Committed, pending, and marked as never handed to Redis: exactly what reconcile looks for.
    assert _count(WorkflowExecution, WorkflowExecution.status == "pending",
                  WorkflowExecution.enqueued_at.is_(None)) == expected

    # Redis is back: reconcile hands every one of them to the queue, once.
    back = {**environ, "REDIS_URL": clean_redis}
    out = run_cli("reconcile", "--json", environ=back)
    assert out.returncode == 0 and json.loads(out.stdout)["requeued"] == expected, out.stdout + out.stderr
    assert _count(WorkflowExecution, WorkflowExecution.enqueued_at.is_(None)) == 0
    redis = Redis.from_url(clean_redis)
    assert Queue("default", connection=redis).count + Queue("high", connection=redis).count == expected
    assert json.loads(run_cli("reconcile", "--json", environ=back).stdout)["requeued"] == 0


def _show(environ: dict[str, str]) -> dict[str, dict]:
    out = run_cli("schedule", "show", "--json", environ=environ)
    assert out.returncode == 0, out.stderr
    return {row["id"]: row for row in json.loads(out.stdout)}


def test_scheduler_registers_in_utc_whatever_the_host_zone(live: dict[str, str]) -> None:
    tokyo = {**live, "TZ": "Asia/Tokyo"}
    out = run_cli("scheduler", "--burst", environ=tokyo)
    assert out.returncode == 0, out.stderr
    tasks = _show(tokyo)
    assert set(tasks) == {"daily-search", "reconcile", "harvest", "liveness"}
    assert tasks["harvest"]["schedule"] == "every 10800 s" and tasks["harvest"]["queue"] == "high"  # issue 12
    nxt = datetime.fromisoformat(tasks["daily-search"]["next_run_utc"])
    now = datetime.now(UTC)
    assert (nxt.hour, nxt.minute) == (9, 0) and now < nxt <= now + timedelta(days=1)
    assert tasks["daily-search"]["queue"] == "high"
    assert tasks["daily-search"]["task"] == "jobagent.daily_search.daily_search_task"
    check = datetime.fromisoformat(tasks["liveness"]["next_run_utc"])  # issue 24 §5: before the daily search
    assert (check.hour, check.minute) == (8, 30) and tasks["liveness"]["schedule"] == "cron 30 8 * * * (UTC)"

    assert run_cli("scheduler", "--burst", environ=tokyo).returncode == 0  # a restart adds no copy
    assert _show(tokyo)["daily-search"] == tasks["daily-search"]
    redis = Redis.from_url(live["REDIS_URL"])
    assert redis.zcard(SCHEDULED_JOBS_KEY) == 4
    assert b"\x80" not in (redis.hget("rq:job:daily-search", "data") or b"")  # JSON, never a pickle
    assert b"\x80" not in (redis.hget("rq:job:harvest", "data") or b"")

    moved = {**tokyo, "JOBAGENT_DAILY_SEARCH_CRON": "30 6 * * *"}
    assert run_cli("scheduler", "--burst", environ=moved).returncode == 0
    nxt = datetime.fromisoformat(_show(moved)["daily-search"]["next_run_utc"])
    assert (nxt.hour, nxt.minute) == (6, 30) and redis.zcard(SCHEDULED_JOBS_KEY) == 4


def _scheduler(environ: dict[str, str], log_path: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, **environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "jobagent.cli", "scheduler", "--interval", "1"], env=env,
                            stdout=open(log_path, "wb"), stderr=subprocess.STDOUT, cwd=ROOT)


def test_two_schedulers_enqueue_one_daily_search(workers: Workers, tmp_path) -> None:
    expected = _seed_profiles()
    environ = workers.environ
    assert run_cli("scheduler", "--burst", environ=environ).returncode == 0
    redis = Redis.from_url(environ["REDIS_URL"])
    redis.zadd(SCHEDULED_JOBS_KEY, {"daily-search": time.time() - 1})  # due now
    procs = [_scheduler(environ, str(tmp_path / f"scheduler-{i}.log")) for i in range(2)]
    try:
        wait_until(lambda: (redis.zscore(SCHEDULED_JOBS_KEY, "daily-search") or 0) > time.time(), 30)
        time.sleep(3)  # several more passes of both schedulers
        assert Queue("high", connection=redis).get_job_ids().count("daily-search") == 1
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            assert proc.wait(timeout=20) is not None
    logs = "".join((tmp_path / f"scheduler-{i}.log").read_text() for i in range(2))
    assert "Traceback" not in logs
    workers.start("--burst", "--queues", "high,default")
    wait_until(lambda: _count(WorkflowExecution, WorkflowExecution.status == "completed") == expected, 180)
    assert _count(Run) == expected


def test_fan_out_on_the_embedded_default(env) -> None:
    from jobagent.api import ops

    env()  # no URLs: SQLite and in-process work
    ops.ensure_schema()
    with session_scope() as s:
        s.add(UserProfile(name="Solo", email="solo@example.org", location="Remote",
                          suggested_titles=["Data Engineer", "Python Developer"]))
    first = fan_out_daily_search(DAY)
    assert (first.runs_created, first.failed_to_enqueue) == (2, 0)
    assert _count(WorkflowExecution, WorkflowExecution.status == "completed") == 2  # ran in-process
    second = fan_out_daily_search(DAY)
    assert (second.runs_created, second.skipped_already_done) == (0, 2)


def test_daily_task_retries_while_postgres_is_away(workers: Workers, pg_server) -> None:
    """PostgreSQL stops at the moment of the daily trigger: RQ's Retry (not a sleep inside a ``high`` worker)
    runs the task again once it is back, and the next day's trigger starts with all its retries again."""
    from jobagent.queue import JSONJob

    expected = _seed_profiles()
    environ = workers.environ
    assert run_cli("scheduler", "--burst", environ=environ).returncode == 0
    redis = Redis.from_url(environ["REDIS_URL"])
    assert JSONJob.fetch("daily-search", connection=redis).meta["retry"] == {"max": 3, "intervals": [1, 2, 4]}
    workers.start("--queues", "high,default")  # started while PostgreSQL is up
    wait_until(lambda: Worker.count(connection=redis) == 1, 60)
    pg_server.proc.send_signal(signal.SIGINT)  # a fast shutdown; the data stays
    pg_server.proc.wait(timeout=20)
    pg_server.proc = None
    redis.zadd(SCHEDULED_JOBS_KEY, {"daily-search": time.time() - 1})  # due now
    assert run_cli("scheduler", "--burst", environ=environ).returncode == 0  # the trigger: Redis only
    wait_until(lambda: b"daily search failed (OperationalError" in _worker_log(workers), 60)
    pg_server.start()
    wait_until(lambda: _count(Run) == expected, 120)
    job = JSONJob.fetch("daily-search", connection=redis)
    wait_until(lambda: job.get_status(refresh=True) == "finished", 60)
    assert job.refresh() is None and job.retries_left is not None and job.retries_left < 3  # a retry was used
    assert b"RQ retries it" in _worker_log(workers)
    # The next trigger starts from the stored retry again, not from what Monday left over.
    redis.zadd(SCHEDULED_JOBS_KEY, {"daily-search": time.time() - 1})
    assert run_cli("scheduler", "--burst", environ=environ).returncode == 0
    job.refresh()
    assert job.retries_left == 3
    wait_until(lambda: _count(WorkflowExecution, WorkflowExecution.status == "completed") == expected, 180)
    assert _count(Run) == expected  # the second pass only skipped what the first created


def _worker_log(workers: Workers) -> bytes:
    return workers.logs().encode()


def test_monitor_alerts_when_the_daily_search_did_not_run(live: dict[str, str], monkeypatch) -> None:
    from jobagent.config import get_settings
    from jobagent.monitoring.health import collect_health

    _seed_profiles()
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
    monkeypatch.setenv("JOBAGENT_DAILY_SEARCH_CRON", f"{two_hours_ago.minute} {two_hours_ago.hour} * * *")
    get_settings.cache_clear()
    health = collect_health()
    assert health["daily_search"]["late"] is True
    assert "daily_search_late" in [p["key"] for p in health["problems"]]

    fan_out_daily_search()  # what `schedule run-now daily-search` does
    health = collect_health()
    assert health["daily_search"]["ran"] is True
    assert "daily_search_late" not in [p["key"] for p in health["problems"]]
