"""The Redis hash of an execution's queue task, built by RQ once per queue and then stamped per task.

Why not ``Queue.enqueue_many``: RQ builds a full ``Job`` object per task (callbacks resolved, retry
validated, every field serialized), which costs more Python than the rest of a submission together
(issue 16: jobagent's submit must beat Celery's ``delay``). Every execution's task is the same call
(``run_execution(<execution id>)``) with the same options, so the hash differs between two tasks only in
the fields that name the execution or the time. RQ itself builds a template for two probe ids; the
fields that differ between them must be exactly ``PER_TASK`` and our recomputed ``data`` must equal
RQ's, or the template is refused and the caller uses ``enqueue_many`` (a newer RQ that writes more per
task falls back to the slow, always-right path rather than writing a task a worker cannot read).
The commands are RQ's own for an enqueue without dependencies: SADD the queue to ``rq:queues``, HSET the
task, RPUSH its id (``tests/unit/test_task_hash.py`` compares the result with ``enqueue_many``'s).
"""

from __future__ import annotations

import zlib
from typing import Any

from redis.client import Pipeline
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


def stamp(pipe: Pipeline, queue: Queue, shared: Template, func: str, execution_ids: list[str],
          description: str) -> None:
    """Queue ``execution_ids`` on ``pipe`` exactly as RQ's enqueue would (``description`` has ``{id}``)."""
    moment = utcformat(now())
    pipe.sadd(queue.redis_queues_keys, queue.key)
    for execution_id in execution_ids:
        mapping: dict[Any, Any] = {**shared, "data": _data(func, execution_id),
                                   "description": description.format(id=execution_id),
                                   "created_at": moment, "enqueued_at": moment}
        pipe.hset(queue.job_class.key_for(execution_id), mapping=mapping)
        pipe.rpush(queue.key, execution_id)
