"""The Redis hash of an execution's queue task, built by RQ once per queue and then stamped per task.

Why not ``Queue.enqueue_many``: RQ builds a full ``Job`` object per task (callbacks resolved, retry
validated, every field serialized), which costs more Python than the rest of a submission together
(issue 16: jobagent's submit must beat Celery's ``delay``). Every execution's task is the same call
(``run_execution(<execution id>)``) with the same options, so the hash differs between two tasks only in
the fields that name the execution or the time. RQ itself builds a template for two probe ids; the
fields that differ between them must be exactly ``PER_TASK`` and our recomputed ``data`` must equal
RQ's, or the template is refused and the caller uses ``enqueue_many`` (a newer RQ that writes more per
task falls back to the slow, always-right path rather than writing a task a worker cannot read).
The writes are RQ's own for an enqueue without dependencies: SADD the queue to ``rq:queues``, HSET the
task, RPUSH its id (``tests/integration/test_submit_batch.py`` compares the result with RQ's own).

They go to Redis as one small Lua script (``ENQUEUE_SCRIPT``, sent with EVAL) per chunk of tasks, written
in Redis's wire format (RESP) here: the shared fields are encoded once per template, so a task costs a
few byte joins, and Redis answers once, where a redis-py MULTI/EXEC pipeline packed and parsed every field
of every task and read five answers for one task (together a third of a submission's Python). A script
runs atomically, and a Redis that refuses writes (out of memory, a read-only replica) refuses its first
write, the SADD, so nothing of the chunk is written. Job keys travel as arguments, not KEYS: RQ does not
run on Redis Cluster either.
"""

from __future__ import annotations

import zlib
from typing import Any

from redis.connection import Encoder
from rq import Queue
from rq.job import JobStatus
from rq.serializers import JSONSerializer
from rq.utils import now, utcformat

PER_TASK = frozenset({"data", "description", "created_at", "enqueued_at"})

Template = dict[str, Any]
_templates: dict[tuple[Any, ...], Template | None] = {}


def _probe(queue: Queue, func: str, options: dict[str, Any]) -> dict[str, Any]:
    job = queue.create_job(func, status=JobStatus.QUEUED, **options)
    job.origin = queue.name  # what Queue._prepare_for_queue sets before saving
    job.enqueued_at = now()
    return job.to_dict()


def _data(func: str, execution_id: str) -> bytes:
    """RQ's ``data`` field: the zlib-compressed JSON of (function, instance, args, kwargs)."""
    return zlib.compress(JSONSerializer.dumps((func, None, [execution_id], {})))


def template(queue: Queue, func: str, options_for: Any, key: tuple[Any, ...]) -> Template | None:
    """The shared fields of ``queue``'s tasks, or None if RQ's hash does not have the shape we stamp."""
    cache_key = (queue.name, func, *key)
    if cache_key not in _templates:
        first, second = (_probe(queue, func, options_for(probe)) for probe in ("probe-a", "probe-b"))
        varying = {k for k in first.keys() | second.keys() if first.get(k) != second.get(k)}
        ok = varying <= PER_TASK and first["data"] == _data(func, "probe-a") and "status" in first
        _templates[cache_key] = {k: v for k, v in first.items() if k not in PER_TASK} if ok else None
    return _templates[cache_key]


def _bulk(value: bytes) -> bytes:
    return b"$%d\r\n%s\r\n" % (len(value), value)


def command(*args: bytes) -> bytes:
    """One Redis command in RESP: an array of bulk strings."""
    return b"*%d\r\n" % len(args) + b"".join(map(_bulk, args))


_encoded: dict[int, tuple[Template, bytes]] = {}


def _shared_fields(shared: Template, encoder: Encoder) -> bytes:
    """The template's field/value pairs in RESP, encoded once (keyed by the template, which is cached)."""
    cached = _encoded.get(id(shared))
    if cached is None or cached[0] is not shared:
        pairs = b"".join(_bulk(encoder.encode(k)) + _bulk(encoder.encode(v)) for k, v in shared.items())
        cached = _encoded[id(shared)] = (shared, pairs)
    return cached[1]


_DATA, _DESCRIPTION, _CREATED, _ENQUEUED = (_bulk(name) for name in (b"data", b"description", b"created_at",
                                                                     b"enqueued_at"))

# KEYS: rq:queues, then the queues. ARGV, per task: its queue's index in KEYS (from 2), the number of
# hash arguments n, the task's hash key, its id, then n field/value arguments.
ENQUEUE_SCRIPT = b"""for k = 2, #KEYS do redis.call('SADD', KEYS[1], KEYS[k]) end
local i = 1
while i <= #ARGV do
  local n = tonumber(ARGV[i + 1])
  redis.call('HSET', ARGV[i + 2], unpack(ARGV, i + 4, i + 3 + n))
  redis.call('RPUSH', KEYS[tonumber(ARGV[i])], ARGV[i + 3])
  i = i + 4 + n
end
return #KEYS - 1"""
CHUNK = 500  # tasks per script call: a fan-out of thousands must not hold Redis for long, nor send 1M arguments

Group = tuple[Queue, Template, list[str]]


def _task_args(queue_index: bytes, shared: Template, fields: bytes, key_prefix: str, func: str,
               execution_id: str, description: str, times: bytes) -> bytes:
    count = b"%d" % (2 * (len(shared) + len(PER_TASK)))
    return (_bulk(queue_index) + _bulk(count) + _bulk(f"{key_prefix}{execution_id}".encode())
            + _bulk(execution_id.encode()) + fields + _DATA + _bulk(_data(func, execution_id))
            + _DESCRIPTION + _bulk(description.format(id=execution_id).encode()) + times)


def script_calls(groups: list[Group], func: str, description: str, encoder: Encoder) -> list[bytes]:
    """RQ's enqueue of every group's tasks as RESP-encoded EVAL commands, one per ``CHUNK`` tasks
    (``description`` has ``{id}``). The caller wraps more than one in MULTI/EXEC."""
    moment = _bulk(utcformat(now()).encode())
    times = _CREATED + moment + _ENQUEUED + moment
    queue_keys = [queue.key.encode() for queue, _, _ in groups]
    tasks = [(b"%d" % (2 + index), queue, shared, execution_id)
             for index, (queue, shared, ids) in enumerate(groups) for execution_id in ids]
    head_keys = [ENQUEUE_SCRIPT, b"%d" % (1 + len(queue_keys)), groups[0][0].redis_queues_keys.encode(), *queue_keys]
    calls = []
    for start in range(0, len(tasks), CHUNK):
        chunk = tasks[start:start + CHUNK]
        args = [_task_args(index, shared, _shared_fields(shared, encoder), queue.job_class.redis_job_namespace_prefix,
                           func, execution_id, description, times) for index, queue, shared, execution_id in chunk]
        count = 1 + len(head_keys) + sum(4 + 2 * (len(shared) + len(PER_TASK)) for _, _, shared, _ in chunk)
        calls.append(b"*%d\r\n" % count + _bulk(b"EVAL") + b"".join(map(_bulk, head_keys)) + b"".join(args))
    return calls
