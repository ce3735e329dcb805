"""Servers for the benchmarks: the loopback Redis and PostgreSQL of :mod:`jobagent.local_servers` (the
launcher the tests and ``jobagent dev`` use), unless the environment already names them (``REDIS_URL``,
``DATABASE_URL``), so a benchmark can also run against real servers."""

from __future__ import annotations

import os

from jobagent.local_servers import PostgresServer, RedisServer


def start_local_servers(*, redis: bool = True) -> list[RedisServer | PostgresServer]:
    """Start what the environment lacks and point it there; the caller stops the returned servers."""
    started: list[RedisServer | PostgresServer] = []
    if redis and not os.environ.get("REDIS_URL"):
        started.append(RedisServer().start())
        os.environ["REDIS_URL"] = started[-1].url
    if not os.environ.get("DATABASE_URL"):
        started.append(PostgresServer().start())
        os.environ["DATABASE_URL"] = started[-1].url
    return started


def submitted_state(redis_url: str) -> tuple[int, int, int]:
    """(execution rows, rows pending and marked enqueued, tasks on jobagent's queues) after a submit
    benchmark: every submission must have left one of each, or the figure measured a broken path."""
    from redis import Redis
    from sqlalchemy import func, select

    from jobagent.store.models import WorkflowExecution
    from jobagent.store.session import session_scope

    with session_scope() as s:
        rows = s.scalar(select(func.count()).select_from(WorkflowExecution))
        ready = s.scalar(select(func.count()).select_from(WorkflowExecution).where(
            WorkflowExecution.status == "pending", WorkflowExecution.enqueued_at.is_not(None)))
    conn = Redis.from_url(redis_url)
    queued = sum(int(conn.llen(f"rq:queue:{q}")) for q in ("high", "default"))
    return int(rows or 0), int(ready or 0), queued
