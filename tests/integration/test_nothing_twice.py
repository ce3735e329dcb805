"""Nothing twice (issue 11 items 7–9): a lease keeps a requeued duplicate from running a search again, each
channel is recorded as soon as it succeeds, and deliveries are deduplicated per channel.

Real parts throughout: worker subprocesses, Redis, PostgreSQL (or SQLite), an SMTP server and a webhook
receiver on 127.0.0.1. The search is the real job search with a pause before DeliveryNode
(``test_slow_search`` in tests/workflows_for_tests.py) so the test can act while it runs.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import func, select

from jobagent.api import runs
from jobagent.store.models import Delivery, WorkflowExecution, utcnow
from jobagent.store.session import session_scope
from tests.conftest import Workers, wait_until
from tests.documents import make_pdf
from tests.local_services import Hook, KillingCollector, serve_hook, serve_smtp


@pytest.fixture
def hook() -> Iterator[Hook]:
    yield from serve_hook(Hook())


@pytest.fixture
def smtp() -> Iterator[tuple[KillingCollector, int]]:
    yield from serve_smtp(KillingCollector())


def _configure(environ: dict[str, str], monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    """The same settings for this process (the submitter) and for every worker started afterwards."""
    from jobagent.config import get_settings

    for key, value in values.items():
        monkeypatch.setenv(key, value)
        environ[key] = value
    get_settings.cache_clear()


def _final(run_id: str, timeout: float = 90) -> dict:
    return wait_until(lambda: (s := runs.get_status(run_id).model_dump())["status"] in ("completed", "failed") and s,
                      timeout=timeout)


def _profile(tmp_path: Path, workers: Workers | None = None) -> tuple[str, str]:
    sub = runs.submit_profiling("Alex Morgan", "alex@example.org", [str(make_pdf(tmp_path / "cv.pdf"))])
    if workers is not None:
        workers.start("--burst", "--queues", "high,default").wait(timeout=90)
    st = _final(sub.run_id)
    assert st["status"] == "completed", st
    return st["result"]["profile_id"], st["result"]["location"] or "Berlin"


def _search(profile_id: str, location: str, tmp_path: Path, sleep: float = 0.0) -> runs.Submission:
    return runs.submit_workflow("test_slow_search", {"query": "data engineer", "location": location,
                                                     "profile_id": profile_id, "sleep_seconds": sleep,
                                                     "marker_dir": str(tmp_path)})


def _pause_pids(tmp_path: Path, execution_id: str) -> list[int]:
    return [int(p.read_text()) for p in tmp_path.glob(f"{execution_id}.pause.*")]


def _deliveries(run_id: str | None = None) -> dict[str, int]:
    with session_scope() as s:
        stmt = select(Delivery.channel, func.count()).group_by(Delivery.channel)
        if run_id:
            stmt = stmt.where(Delivery.run_id == run_id)
        return dict(s.execute(stmt).all())


def test_flushall_during_running_search_runs_and_delivers_once(live, workers, hook, smtp, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """FLUSHALL while the search runs; reconcile and a second worker get their chance; one of everything.

    The lease is 6 s and the pause 20 s, so the lease survives only if the heartbeat renews it mid-node.
    """
    from jobagent.monitoring.reconcile import reconcile
    from jobagent.queue import enqueue_execution

    handler, port = smtp
    _configure(live, monkeypatch, SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_STARTTLS="false",
               JOBAGENT_WEBHOOK_URL=hook.url, JOBAGENT_ALLOW_PRIVATE_URLS="true", JOBAGENT_LEASE_SECONDS="6",
               JOBAGENT_RECONCILE_GRACE_SECONDS="1")
    profile_id, location = _profile(tmp_path, workers)
    workers.start("--queues", "default")
    sub = _search(profile_id, location, tmp_path, sleep=20)
    wait_until(lambda: _pause_pids(tmp_path, sub.execution_id), timeout=60)
    Redis.from_url(live["REDIS_URL"]).flushall()  # the queue job is gone while the worker still runs it
    time.sleep(8)  # past the 6 s lease: only the heartbeat keeps it fresh
    with session_scope() as s:
        ex = s.get(WorkflowExecution, sub.execution_id)
        assert ex is not None and ex.status == "processing" and ex.lease_owner
        assert ex.lease_expires_at is not None and ex.lease_expires_at > utcnow()
    summary = reconcile()
    assert (summary.scanned, summary.requeued, summary.skipped) == (1, 0, 1), summary
    # The duplicate that a lease-blind reconcile would have created: a second worker claims it, is refused.
    enqueue_execution(sub.execution_id, "default")
    assert workers.start("--burst", "--queues", "default").wait(timeout=60) == 0
    assert runs.get_status(sub.run_id).model_dump()["status"] == "processing"
    st = _final(sub.run_id)
    assert st["status"] == "completed" and st["attempts"] == 1, st
    assert len(_pause_pids(tmp_path, sub.execution_id)) == 1  # PauseNode ran once: no second claim ran nodes
    assert "is leased by" in workers.logs()
    assert len(handler.messages) == 1, [m["Message-ID"] for m in handler.messages]
    assert len(hook.posts) == 1 and hook.keys() == [f"{sub.run_id}:webhook"]
    matches = st["result"]["matches"]
    assert matches >= 1 and _deliveries(sub.run_id) == {"email": matches, "webhook": matches}
    with session_scope() as s:
        ex = s.get(WorkflowExecution, sub.execution_id)
        assert ex is not None and ex.lease_owner is None and ex.lease_expires_at is None  # released at the end


@pytest.mark.parametrize("kill_at", ["between_channels", "smtp_accepted"])
def test_worker_killed_during_delivery_does_not_repeat_a_recorded_channel(
        live, workers, hook, smtp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kill_at: str) -> None:
    """SIGKILL the work-horse during delivery, then let RQ's retry resume DeliveryNode.

    ``between_channels``: the e-mail was accepted and recorded, the webhook hangs and the horse is killed;
    the retry sends no second e-mail and re-POSTs with the same Idempotency-Key. ``smtp_accepted``: the
    SMTP server kills the horse on receipt, before its reply, so nothing could be recorded; the retry's
    e-mail carries the same Message-ID, so the duplicate is recognisable.
    """
    handler, port = smtp
    _configure(live, monkeypatch, SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_STARTTLS="false",
               JOBAGENT_WEBHOOK_URL=hook.url, JOBAGENT_ALLOW_PRIVATE_URLS="true", JOBAGENT_RETRY_BACKOFF_BASE="0")
    workers.start("--queues", "high,default")
    profile_id, location = _profile(tmp_path)
    if kill_at == "between_channels":
        hook.hang = 1
    sub = _search(profile_id, location, tmp_path)
    if kill_at == "smtp_accepted":
        handler.victim = lambda: (_pause_pids(tmp_path, sub.execution_id) or [None])[0]
    else:
        assert hook.arrived.wait(60)
        assert _deliveries(sub.run_id).get("email", 0) >= 1  # recorded before the webhook was even tried
        [horse] = _pause_pids(tmp_path, sub.execution_id)
        os.kill(horse, signal.SIGKILL)
    st = _final(sub.run_id)
    assert st["status"] == "completed" and st["attempts"] == 2, st
    matches = st["result"]["matches"]
    message_id = f"<jobagent.{sub.run_id}.email@localhost>"
    if kill_at == "between_channels":
        assert len(handler.messages) == 1 and handler.messages[0]["Message-ID"] == message_id
        assert len(hook.posts) == 2 and hook.keys() == [f"{sub.run_id}:webhook"] * 2
    else:
        assert [m["Message-ID"] for m in handler.messages] == [message_id, message_id]
        assert len(hook.posts) == 1 and hook.keys() == [f"{sub.run_id}:webhook"]
    assert _deliveries(sub.run_id) == {"email": matches, "webhook": matches}
    print(f"\n{kill_at}: {len(handler.messages)} SMTP message(s), {len(hook.posts)} webhook POST(s), "
          f"{matches} matches")


def test_a_failed_channel_gets_its_postings_next_run_and_the_other_does_not_repeat(
        env, store_url: str, hook, smtp, tmp_path: Path) -> None:
    handler, port = smtp
    hook.fail = 1  # the webhook answers 500 once
    env(database_url=store_url, SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_STARTTLS="false",
        JOBAGENT_WEBHOOK_URL=hook.url, JOBAGENT_ALLOW_PRIVATE_URLS="true")
    profile_id, location = _profile(tmp_path)

    first = runs.get_status(runs.submit_job_search("data engineer", profile_id=profile_id)
                            .run_id).model_dump()["result"]
    n = first["matches"]
    assert n >= 2 and "HTTP 500" in first["delivery_failures"]["webhook"]
    assert first["delivered"] == n and len(handler.messages) == 1 and len(hook.posts) == 1
    assert _deliveries() == {"email": n}

    second = runs.get_status(runs.submit_job_search("data engineer", profile_id=profile_id)
                             .run_id).model_dump()["result"]
    assert second["delivery_failures"] == {} and second["delivered"] == n and second["already_delivered"] == 0
    assert len(handler.messages) == 1  # the e-mail does not repeat what it already sent
    assert len(hook.posts) == 2 and len(hook.posts[1][1]["matches"]) == n  # the webhook gets what it missed
    assert _deliveries() == {"email": n, "webhook": n}

    third = runs.get_status(runs.submit_job_search("data engineer", profile_id=profile_id)
                            .run_id).model_dump()["result"]
    assert third["delivered"] == 0 and third["already_delivered"] == n
    assert len(handler.messages) == 1 and len(hook.posts) == 2
