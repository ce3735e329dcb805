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
