"""``jobagent monitor``: exit status, health table, side-effect-free reads and rate-limited alerts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis

from tests.conftest import ROOT, run_cli, wait_until
from tests.sentry_ingest import SentryIngest, sentry_ingest_fixture, sentry_live_fixture  # noqa: F401  (fixtures)

ONE_DEFAULT_WORKER = json.dumps({"high": 0, "default": 1})
NO_WORKERS_NEEDED = json.dumps({"high": 0, "default": 0})


def _monitor(environ: dict[str, str], **extra: str) -> tuple[int, dict]:
    out = run_cli("monitor", "--once", "--json", environ={**environ, **extra})
    assert out.returncode in (0, 1), out.stderr
    return out.returncode, json.loads(out.stdout)


def _keys(health: dict) -> set[str]:
    return {p["key"] for p in health["problems"]}


def test_monitor_unhealthy_without_workers(live) -> None:
    rc, health = _monitor(live, JOBAGENT_EXPECTED_WORKERS=ONE_DEFAULT_WORKER)
    assert rc == 1 and health["healthy"] is False
    assert _keys(health) == {"workers:default"}
    table = run_cli("monitor", "--once", environ={**live, "JOBAGENT_EXPECTED_WORKERS": ONE_DEFAULT_WORKER})
    assert table.returncode == 1
    assert "UNHEALTHY" in table.stdout and "workers:default" in table.stdout and "default" in table.stdout


def test_monitor_healthy_with_a_worker(live, workers) -> None:
    from jobagent.api import runs

    workers.start("--queues", "high,default")
    sub = runs.submit_diagnostic(echo="ping")  # also proves the worker is up and registered
    wait_until(lambda: runs.get_status(sub.run_id).model_dump()["status"] == "completed", timeout=30)
    rc, health = _monitor(live, JOBAGENT_EXPECTED_WORKERS=ONE_DEFAULT_WORKER)
    assert rc == 0 and health["healthy"] is True and health["problems"] == []
    default = next(q for q in health["queues"] if q["queue"] == "default")
    assert default["workers"] == 1 and default["depth"] == 0
    table = run_cli("monitor", "--once", environ={**live, "JOBAGENT_EXPECTED_WORKERS": ONE_DEFAULT_WORKER})
    assert table.returncode == 0 and "healthy" in table.stdout


def test_monitor_queue_over_threshold(live) -> None:
    from jobagent.api import runs

    for i in range(3):
        runs.submit_diagnostic(echo=str(i))
    rc, health = _monitor(live, JOBAGENT_EXPECTED_WORKERS=NO_WORKERS_NEEDED,
                          JOBAGENT_QUEUE_ALERT_THRESHOLDS=json.dumps({"high": 10, "default": 2}))
    assert rc == 1 and _keys(health) == {"queue_depth:default"}
    default = next(q for q in health["queues"] if q["queue"] == "default")
    assert default["depth"] == 3 and default["oldest_queued_age_seconds"] is not None
    rc, _ = _monitor(live, JOBAGENT_EXPECTED_WORKERS=NO_WORKERS_NEEDED,
                     JOBAGENT_QUEUE_ALERT_THRESHOLDS=json.dumps({"high": 10, "default": 3}))
    assert rc == 0


def test_monitor_reports_lost_executions_and_failures(live) -> None:
    from jobagent.api import runs
    from jobagent.config import get_settings

    sub = runs.submit_diagnostic(echo="lost")
    Redis.from_url(get_settings().redis_url).flushall()
    time.sleep(1.2)
    rc, health = _monitor(live, JOBAGENT_EXPECTED_WORKERS=NO_WORKERS_NEEDED, JOBAGENT_RECONCILE_GRACE_SECONDS="1")
    assert rc == 1 and _keys(health) == {"stuck_executions"}
    assert [x["execution_id"] for x in health["stuck"]] == [sub.execution_id]
    assert health["failed_24h"] == 0


def test_monitor_has_no_side_effects_on_rq_registries(live) -> None:
    """An expired entry in the StartedJobRegistry stays where it is: only a worker's maintenance moves it."""
    from jobagent.config import get_settings
    from jobagent.queue import get_queue

    conn = Redis.from_url(get_settings().redis_url)
    registry = get_queue("default").started_job_registry
    conn.zadd(registry.key, {"ghost:exec": 1})  # expired long ago
    before = conn.zrange(registry.key, 0, -1)
    _monitor(live, JOBAGENT_EXPECTED_WORKERS=NO_WORKERS_NEEDED)
    assert conn.zrange(registry.key, 0, -1) == before


def test_alerts_are_rate_limited_across_processes(sentry_live) -> None:
    """Two monitors at once and a third right after: one Sentry event for the key, the repeats counted."""
    from jobagent.store.models import AlertState
    from jobagent.store.session import session_scope

    environ, ingest = sentry_live
    env = {**os.environ, **environ, "PYTHONPATH": str(ROOT), "JOBAGENT_EXPECTED_WORKERS": ONE_DEFAULT_WORKER}
    procs = [subprocess.Popen([sys.executable, "-m", "jobagent.cli", "monitor", "--once", "--json"], env=env,
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    sent = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 1, err
        sent.append(json.loads(out)["alerts_sent"])
    rc, third = _monitor(environ, JOBAGENT_EXPECTED_WORKERS=ONE_DEFAULT_WORKER)
    assert rc == 1 and third["alerts_sent"] == []
    assert sorted(sent, key=len) == [[], ["workers:default"]]
    ingest.wait_for(1, timeout=10, alert_key="workers:default")
    time.sleep(1)
    assert len(ingest.find(alert_key="workers:default")) == 1
    with session_scope() as s:
        state = s.get(AlertState, "workers:default")
        assert state is not None and state.suppressed == 2


def test_rate_limit_window_expires(live, monkeypatch: pytest.MonkeyPatch) -> None:
    from jobagent.config import get_settings
    from jobagent.monitoring.alerts import Alert, send_alert
    from jobagent.store.models import AlertState, utcnow
    from jobagent.store.session import session_scope

    monkeypatch.setenv("JOBAGENT_ALERT_RATE_LIMIT_SECONDS", "60")
    get_settings.cache_clear()
    alert = Alert("test:window", "something is off")
    assert send_alert(alert) is True
    assert send_alert(alert) is False
    with session_scope() as s:  # the last send is now older than the window
        s.get(AlertState, "test:window").last_sent_at = utcnow() - timedelta(seconds=61)
    assert send_alert(alert) is True


def test_retry_failed_execution_resumes(live, workers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jobagent.api import runs
    from jobagent.config import get_settings

    monkeypatch.setenv("JOBAGENT_MAX_RETRIES", "0")
    get_settings.cache_clear()
    sub = runs.submit_workflow("test_fail", {"fail_times": 1, "marker_dir": str(tmp_path)})
    workers.start("--burst", "--queues", "default").wait(timeout=60)
    assert runs.get_status(sub.run_id).model_dump()["status"] == "failed"
    out = run_cli("retry", sub.execution_id, "--json", environ=live)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["execution_id"] == sub.execution_id
    again = run_cli("retry", sub.execution_id, environ=live)
    assert again.returncode == 3 and "only failed executions" in again.stderr
    workers.start("--burst", "--queues", "default").wait(timeout=60)
    st = runs.get_status(sub.run_id).model_dump()
    assert st["status"] == "completed" and st["attempts"] == 2 and st["error_message"] is None
    assert Path(tmp_path, f"{sub.execution_id}.visits").read_text() == "2"


def test_retry_failed_since(live, workers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jobagent.api import runs
    from jobagent.config import get_settings

    monkeypatch.setenv("JOBAGENT_MAX_RETRIES", "0")
    get_settings.cache_clear()
    subs = [runs.submit_workflow("test_fail", {"fail_times": 1, "marker_dir": str(tmp_path)}) for _ in range(2)]
    workers.start("--burst", "--queues", "default").wait(timeout=60)
    out = run_cli("retry", "--failed", "--since", "1h", "--json", environ=live)
    assert out.returncode == 0, out.stderr
    assert sorted(d["execution_id"] for d in json.loads(out.stdout)) == sorted(s.execution_id for s in subs)
    workers.start("--burst", "--queues", "default").wait(timeout=60)
    assert {runs.get_status(s.run_id).model_dump()["status"] for s in subs} == {"completed"}
    assert run_cli("retry", "--failed", "--since", "soon", environ=live).returncode == 2


def test_ingest_helper_parses_envelopes() -> None:
    from tests.sentry_ingest import parse_envelope

    body = b'{"event_id":"x"}\n{"type":"event","length":13}\n{"message":1}\n{"type":"client_report"}\n{}\n'
    items = parse_envelope(body)
    assert [h["type"] for h, _ in items] == ["event", "client_report"]
    assert json.loads(items[0][1]) == {"message": 1}
    assert isinstance(SentryIngest, type)


def test_monitor_with_database_down_still_alerts(sentry_live) -> None:
    """The shared rate limit lives in the database; when that is what is down, the alert goes out anyway."""
    environ, ingest = sentry_live
    dead = "postgresql+psycopg://jobagent@127.0.0.1:1/jobagent"
    rc, health = _monitor(environ, DATABASE_URL=dead, JOBAGENT_EXPECTED_WORKERS=NO_WORKERS_NEEDED)
    assert rc == 1 and "unreachable:database" in _keys(health)
    assert "unreachable:database" in health["alerts_sent"]
    ingest.wait_for(1, timeout=10, alert_key="unreachable:database")


def test_claim_is_atomic_on_both_backends(env, store_url: str) -> None:
    """The upsert claim works on Postgres and on the embedded SQLite store alike."""
    from jobagent.monitoring.alerts import claim
    from jobagent.store.models import AlertState
    from jobagent.store.session import session_scope

    env(database_url=store_url)
    assert claim("test:backend", 3600) is True
    assert claim("test:backend", 3600) is False
    assert claim("test:backend", 0) is True  # a zero window never suppresses
    with session_scope() as s:
        assert s.get(AlertState, "test:backend").suppressed == 0
