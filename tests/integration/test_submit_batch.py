"""The batched submit path (issue 16, aim 1) keeps every promise of the one-by-one path it replaced.

Real PostgreSQL and a Redis per test that the test may stop: both rows committed before the enqueue, a
batch whose pipeline fails is failed as a whole with the reason (nothing left pending), a Redis that is
away at submit leaves no row even when its last ping was cached, a Redis that answers but refuses writes
fails the batch, a pooled PostgreSQL connection killed under the pool is replaced, and the task hash we
stamp is the one RQ's own ``enqueue_many`` writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import func, select, text

from jobagent import queue, submission
from jobagent.config import get_settings
from jobagent.errors import EnqueueFailed
from jobagent.store.models import Run, WorkflowExecution
from jobagent.store.session import get_engine, session_scope
from jobagent.submission import SubmissionSpec, submit_specs
from tests.servers import RedisServer


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A Redis this test may stop; the session's must stay up for the others."""
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def setup(env: Callable[..., dict[str, str]], clean_pg: str, own_redis: RedisServer) -> RedisServer:
    env(database_url=clean_pg, redis_url=own_redis.url)
    submission._pinged_at.clear()
    return own_redis


def _specs(n: int) -> list[SubmissionSpec]:
    return [SubmissionSpec("diagnostic", "high" if i % 3 == 0 else "default", {"sleep_seconds": 0, "echo": f"e{i}"})
            for i in range(n)]


def _executions() -> list[WorkflowExecution]:
    with session_scope() as s:
        return list(s.scalars(select(WorkflowExecution).order_by(WorkflowExecution.created_at)))


def _count(model: Any) -> int:
    with session_scope() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_batch_commits_then_enqueues_and_marks_every_execution(setup: RedisServer) -> None:
    subs = submit_specs(_specs(7), get_settings())
    rows = {ex.id: ex for ex in _executions()}
    assert set(rows) == {sub.execution_id for sub in subs} and _count(Run) == 7
    assert all(ex.status == "pending" and ex.enqueued_at is not None and ex.task_id == ex.id for ex in rows.values())
    conn = Redis.from_url(setup.url, decode_responses=True)
    queued = {q: list(conn.lrange(f"rq:queue:{q}", 0, -1)) for q in ("high", "default")}
    assert queued == {q: [s.execution_id for s in subs if s.queue == q] for q in ("high", "default")}
    assert {sub.queue for sub in subs} == {"high", "default"}


def test_stamped_task_hash_is_the_one_rq_writes(setup: RedisServer) -> None:
    settings = get_settings()
    queue.enqueue_executions([("stamped-1", "default")], settings)
    rq_queue = queue.get_queue("default", settings)
    rq_queue.enqueue_many([Queue.prepare_data(queue.TASK_FUNC, **queue._task_options("by-rq-1", settings))])
    conn = Redis.from_url(setup.url)
    ours, theirs = conn.hgetall("rq:job:stamped-1"), conn.hgetall("rq:job:by-rq-1")
    assert set(ours) == set(theirs)
    assert {k for k in ours if ours[k] != theirs[k]} == {b"data", b"description", b"created_at", b"enqueued_at"}
    task = queue.fetch_task("stamped-1", settings)
    assert task is not None and task.args == ["stamped-1"] and task.func_name == queue.TASK_FUNC
    assert task.description == "workflow execution stamped-1" and task.retries_left == settings.max_retries


def test_redis_lost_between_ping_and_pipeline_fails_the_whole_batch(setup: RedisServer,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    real_check = submission._check_queue_reachable

    def ping_then_lose_redis(settings: Any, *, cached: bool = True) -> bool:
        fresh = real_check(settings, cached=False)  # Redis answers now...
        setup.stop()  # ...and is gone before the rows are enqueued
        return fresh

    monkeypatch.setattr(submission, "_check_queue_reachable", ping_then_lose_redis)
    with pytest.raises(EnqueueFailed, match=r"could not enqueue: .*marked failed"):
        submit_specs(_specs(5), get_settings())
    rows = _executions()
    assert len(rows) == 5 and _count(Run) == 5  # the rows were committed first, and say what happened
    assert {ex.status for ex in rows} == {"failed"}
    assert all(ex.error_message and ex.error_message.startswith("could not enqueue: ConnectionError")
               and ex.completed_at is not None and ex.enqueued_at is None for ex in rows)


def test_redis_away_after_a_cached_ping_leaves_no_row(setup: RedisServer) -> None:
    settings = get_settings()
    submit_specs(_specs(1), settings)  # Redis answered: the next submission within PING_TTL skips the ping
    assert submission._check_queue_reachable(settings) is False
    setup.stop()
    with pytest.raises(EnqueueFailed, match="cannot reach Redis at [^:]+:[0-9]+: .*nothing was submitted"):
        submit_specs(_specs(3), settings)
    assert _count(WorkflowExecution) == 1 and _count(Run) == 1  # only the first submission's rows
    with pytest.raises(EnqueueFailed, match="nothing was submitted"):  # and now it pings for real
        submit_specs(_specs(1), settings)
    assert _count(WorkflowExecution) == 1


def test_redis_that_answers_but_refuses_writes_fails_the_batch(setup: RedisServer) -> None:
    settings = get_settings()
    submit_specs(_specs(1), settings)
    conn = Redis.from_url(setup.url)
    conn.config_set("maxmemory", 1)  # noeviction: every write is refused with OOM, PING still answers
    with pytest.raises(EnqueueFailed, match="could not enqueue: .*marked failed"):
        submit_specs(_specs(4), settings)
    conn.config_set("maxmemory", 0)
    failed = [ex for ex in _executions() if ex.status == "failed"]
    assert len(failed) == 4, [ex.error_message for ex in failed]
    assert all((ex.error_message or "").startswith("could not enqueue: ") and "memory" in (ex.error_message or "")
               for ex in failed), failed[0].error_message
    assert conn.llen("rq:queue:default") + conn.llen("rq:queue:high") == 1  # MULTI/EXEC: none of the four


def test_a_pooled_connection_killed_by_postgres_is_replaced(setup: RedisServer) -> None:
    settings = get_settings()
    submit_specs(_specs(2), settings)  # the submission pool now holds an idle connection
    with get_engine(settings.effective_database_url).connect() as conn:
        killed = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    assert killed and killed >= 1
    subs = submit_specs(_specs(3), settings)
    rows = {ex.id: ex for ex in _executions()}
    assert len(rows) == 5 and all(rows[s.execution_id].enqueued_at is not None for s in subs)
