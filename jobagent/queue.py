"""RQ plumbing shared by every face, the workers and (later) the scheduler.

Payloads are JSON only: the task is named by its import path and takes one argument, the execution id,
which is also the queue job's id. Everything else the task needs is read from the store.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from redis import Redis
from rq import Callback, Queue, Worker
from rq.job import Job
from rq.serializers import JSONSerializer

from jobagent import task_hash
from jobagent.config import Settings, get_settings
from jobagent.retry_policy import rq_retry

QUEUE_NAMES: tuple[str, ...] = ("high", "default")
TASK_FUNC = "jobagent.tasks.run_execution"
FAILURE_CALLBACK = "jobagent.tasks.on_task_failure"
DESCRIPTION = "workflow execution {id}"


class JSONJob(Job):
    """A Job that serializes as JSON unless told otherwise.

    rq-scheduler has no serializer option; handing it this class keeps pickle out of Redis.
    """

    def __init__(self, id: str | None = None, connection: Redis | None = None, serializer: Any = None) -> None:
        super().__init__(id=id, connection=connection, serializer=serializer or JSONSerializer)


@lru_cache(maxsize=4)
def _connection(url: str | None) -> Redis:
    if url is None:
        import fakeredis  # embedded mode only

        return fakeredis.FakeRedis()
    # Bounded waits: a hung Redis must give a clear error (a 503 in the shim), not block a process for good.
    # RQ workers raise socket_timeout above their blocking dequeue timeout themselves.
    return Redis.from_url(url, socket_connect_timeout=5, socket_timeout=10)


def get_redis(settings: Settings | None = None) -> Redis:
    return _connection((settings or get_settings()).redis_url)


def get_queue(name: str, settings: Settings | None = None) -> Queue:
    settings = settings or get_settings()
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}; expected one of {', '.join(QUEUE_NAMES)}")
    return _queue(settings.redis_url, name)


@lru_cache(maxsize=16)
def _queue(url: str | None, name: str) -> Queue:
    """One Queue per Redis URL and name: RQ asks the server for its version once per Queue object (an INFO
    round trip), and a submission must not pay for that, nor for building the object, every time."""
    return Queue(name, connection=_connection(url), serializer=JSONSerializer, job_class=JSONJob,
                 is_async=url is not None)


def _task_options(execution_id: str, settings: Settings) -> dict[str, Any]:
    """How every execution is queued, whether one at a time or pipelined in a batch."""
    retry = rq_retry(settings)  # None in-process: there is no worker to schedule a retry
    return dict(args=[execution_id], job_id=execution_id, timeout=settings.task_time_limit,
                result_ttl=settings.result_ttl, failure_ttl=settings.failure_ttl,
                description=DESCRIPTION.format(id=execution_id), retry=retry,
                on_failure=Callback(FAILURE_CALLBACK))


def enqueue_execution(execution_id: str, queue_name: str, settings: Settings | None = None) -> Job:
    """Put one execution on its queue. In embedded mode this runs it to the end before returning."""
    settings = settings or get_settings()
    return get_queue(queue_name, settings).enqueue_call(TASK_FUNC, **_task_options(execution_id, settings))


def enqueue_executions(items: list[tuple[str, str]], settings: Settings | None = None) -> None:
    """Queue many (execution id, queue name) pairs now (see ``prepare_enqueue``)."""
    prepare_enqueue(items, settings)()


def prepare_enqueue(items: list[tuple[str, str]], settings: Settings | None = None) -> Callable[[], object]:
    """Build the queueing of many (execution id, queue name) pairs in one Redis round trip (one MULTI/EXEC pipeline).

    Every submission comes through here, one execution or a fan-out of thousands, so each pays one round
    trip. MULTI/EXEC is all or nothing: if it raises, no task of the batch is queued, and the caller
    marks the whole batch (a submission) or leaves it pending for reconcile (the fan-out). Building and
    sending are apart so that a submission builds the commands while PostgreSQL commits its rows; the
    returned call sends them.
    """
    settings = settings or get_settings()
    if settings.embedded:  # no Redis to pipeline to: each runs in-process
        return lambda: [enqueue_execution(execution_id, queue_name, settings) for execution_id, queue_name in items]
    by_queue: dict[str, list[str]] = {}
    for execution_id, queue_name in items:
        by_queue.setdefault(queue_name, []).append(execution_id)
    options_key = (settings.redis_url, settings.task_time_limit, settings.result_ttl, settings.failure_ttl,
                   settings.max_retries, tuple(settings.retry_intervals()))
    redis = get_redis(settings)
    queues = {name: get_queue(name, settings) for name in by_queue}
    shared = {name: task_hash.template(queue, TASK_FUNC, lambda i: _task_options(i, settings), options_key)
              for name, queue in queues.items()}
    if all(template is not None for template in shared.values()):
        groups = [(queues[name], template, by_queue[name]) for name, template in shared.items() if template]
        calls = task_hash.script_calls(groups, TASK_FUNC, DESCRIPTION, redis.get_encoder())
        return lambda: send_atomically(redis, calls)
    return lambda: _enqueue_by_rq(redis, queues, by_queue, settings)


def _enqueue_by_rq(redis: Redis, queues: dict[str, Queue], by_queue: dict[str, list[str]], settings: Settings) -> None:
    """An RQ whose task hash we do not know how to stamp: let RQ build each task, in one pipeline."""
    with redis.pipeline() as pipe:
        for name, ids in by_queue.items():
            queues[name].enqueue_many([Queue.prepare_data(TASK_FUNC, **_task_options(i, settings)) for i in ids],
                                      pipeline=pipe)
        pipe.execute()


_MULTI, _EXEC = task_hash.command(b"MULTI"), task_hash.command(b"EXEC")


def send_atomically(redis: Redis, commands: list[bytes]) -> list[Any]:
    """Send RESP-encoded commands in one write, all or nothing, and return their answers.

    One command (a script) is atomic by itself; more go in MULTI/EXEC, where a command Redis refuses while
    queueing (out of memory, read-only replica) aborts the EXEC, and a lost connection discards the MULTI.
    Unlike redis-py's pipeline this never re-sends on a connection error: the EXEC may have run, and
    sending it twice would queue every task twice. The connection is dropped on any error, so no stray
    answer is read later.
    """
    wrapped = len(commands) > 1
    pool = redis.connection_pool
    conn = pool.get_connection()
    try:
        conn.send_packed_command([_MULTI, *commands, _EXEC] if wrapped else commands, check_health=False)
        if wrapped:
            for _ in range(len(commands) + 1):  # +OK for MULTI, +QUEUED for each; a refused one raises here
                conn.read_response()
        replies = conn.read_response() if wrapped else [conn.read_response()]
    except BaseException:
        conn.disconnect()
        raise
    finally:
        pool.release(conn)
    for reply in replies:
        if isinstance(reply, Exception):  # a command that failed inside EXEC
            raise reply
    return list(replies)


def fetch_task(task_id: str, settings: Settings | None = None) -> Job | None:
    from rq.exceptions import NoSuchJobError

    try:
        return JSONJob.fetch(task_id, connection=get_redis(settings), serializer=JSONSerializer)
    except NoSuchJobError:
        return None


def task_status(task_id: str | None, settings: Settings | None = None) -> str | None:
    """The RQ state for display only; the workflow's truth is in the store."""
    if not task_id:
        return None
    try:
        job = fetch_task(task_id, settings)
    except Exception:  # Redis down must not break a status read from Postgres
        return "unknown"
    if job is None:
        return "expired"
    status = job.get_status(refresh=False)
    return str(status.value if hasattr(status, "value") else status)


def queue_stats(settings: Settings | None = None) -> dict[str, Any]:
    """Depths and worker counts without RQ's cleanup side effects (``cleanup=False``)."""
    settings = settings or get_settings()
    conn = get_redis(settings)
    queues = []
    for name in QUEUE_NAMES:
        q = get_queue(name, settings)
        queues.append({
            "queue": name,
            "queued": q.count,
            "started": q.started_job_registry.get_job_count(cleanup=False),
            "scheduled": q.scheduled_job_registry.get_job_count(cleanup=False),
            "failed": q.failed_job_registry.get_job_count(cleanup=False),
            "workers": Worker.count(queue=q),
        })
    return {"embedded": settings.embedded, "workers": Worker.count(connection=conn), "queues": queues}
