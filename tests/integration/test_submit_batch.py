"""The batched submit path (issue 16, aim 1) keeps every promise of the one-by-one path it replaced.

Real PostgreSQL and a Redis per test that the test may stop: both rows committed before the enqueue, a
batch whose pipeline fails is failed as a whole with the reason (nothing left pending), a Redis that is
away at submit leaves no row even when its last ping was cached, a Redis that answers but refuses writes
fails the batch, a pooled PostgreSQL connection killed under the pool is replaced, and the task hash we
stamp is the one RQ's own ``enqueue_many`` writes.
"""

from __future__ import annotations

from collections.abc import Callable
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
from tests.submit_servers import own_redis_fixture, setup_fixture  # noqa: F401  (fixtures)


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


def test_a_fan_out_sized_batch_spans_script_chunks_and_both_queues(setup: RedisServer) -> None:
    """More tasks than one Lua script call takes (``task_hash.CHUNK``), over both queues: one MULTI/EXEC of
    several scripts, every task queued once, in submission order per queue, each hash readable by RQ."""
    from jobagent import task_hash

    n = 2 * task_hash.CHUNK + 137
    subs = submit_specs(_specs(n), get_settings())
    conn = Redis.from_url(setup.url, decode_responses=True)
    queued = {q: list(conn.lrange(f"rq:queue:{q}", 0, -1)) for q in ("high", "default")}
    assert queued == {q: [s.execution_id for s in subs if s.queue == q] for q in ("high", "default")}
    assert sum(map(len, queued.values())) == n == _count(WorkflowExecution)
    assert conn.smembers("rq:queues") == {"rq:queue:high", "rq:queue:default"}
    last = queue.fetch_task(subs[-1].execution_id, get_settings())
    assert last is not None and last.args == [subs[-1].execution_id] and last.origin == subs[-1].queue


def test_a_refused_multi_chunk_batch_queues_nothing(setup: RedisServer) -> None:
    from jobagent import task_hash

    settings = get_settings()
    submit_specs(_specs(1), settings)
    conn = Redis.from_url(setup.url)
    conn.config_set("maxmemory", 1)
    with pytest.raises(EnqueueFailed, match="could not enqueue: .*marked failed"):
        submit_specs(_specs(task_hash.CHUNK + 10), settings)
    conn.config_set("maxmemory", 0)
    assert conn.llen("rq:queue:default") + conn.llen("rq:queue:high") == 1
    assert sum(ex.status == "failed" for ex in _executions()) == task_hash.CHUNK + 10


@pytest.mark.parametrize("count", [1, 3], ids=["one row", "batch"])
def test_text_travels_exactly_through_both_insert_statements(setup: RedisServer, count: int) -> None:
    """The rows go to PostgreSQL as text (one value, or one array literal per column): quotes, backslashes,
    braces, commas, the word NULL, non-ASCII and JSON escapes must arrive exactly, and None stays NULL."""
    awkward = 'say "hi", {x}\\n \\\\ NULL ünïcödé 😀 \t end'
    specs = [SubmissionSpec("job_search", "default", {"query": awkward, "n": i, "nested": {"k": [awkward, None]}},
                            query=awkward if i % 2 == 0 else "NULL", location=None if i % 2 == 0 else awkward)
             for i in range(count)]
    subs = submit_specs(specs, get_settings())
    with session_scope() as s:
        for sub, spec in zip(subs, specs, strict=True):
            run = s.get(Run, sub.run_id)
            ex = s.get(WorkflowExecution, sub.execution_id)
            assert run is not None and ex is not None
            assert (run.query, run.location, run.params) == (spec.query, spec.location, spec.context)
            assert ex.context_snapshot == spec.context and ex.enqueued_at == ex.created_at == run.created_at


def test_a_submitter_killed_after_the_commit_leaves_a_row_reconcile_requeues(
        setup: RedisServer, env: Callable[..., dict[str, str]], clean_pg: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The mark is written with the rows, so a process that dies between the commit and Redis leaves a
    pending, marked row without a queue job: reconcile requeues it after its grace. The interrupted
    connection is not handed to the next submission."""
    from jobagent.monitoring.reconcile import reconcile

    env(database_url=clean_pg, redis_url=setup.url, JOBAGENT_RECONCILE_GRACE_SECONDS="0")
    settings = get_settings()

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(queue, "prepare_enqueue", interrupted)
    with pytest.raises(KeyboardInterrupt):
        submit_specs(_specs(1), settings)
    monkeypatch.undo()
    env(database_url=clean_pg, redis_url=setup.url, JOBAGENT_RECONCILE_GRACE_SECONDS="0")
    [row] = _executions()
    assert row.status == "pending" and row.enqueued_at is not None
    assert Redis.from_url(setup.url).llen("rq:queue:high") == 0  # _specs(1) goes to high
    summary = reconcile()
    assert [(item["execution_id"], item["action"]) for item in summary.items] == [(row.id, "requeue")]
    assert "lost from Redis while pending" in summary.items[0]["reason"]
    assert Redis.from_url(setup.url, decode_responses=True).lrange("rq:queue:high", 0, -1) == [row.id]
    assert len(submit_specs(_specs(2), get_settings())) == 2 and _count(WorkflowExecution) == 3
