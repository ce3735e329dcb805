"""The test suite's servers and its one rule for missing system tools.

The servers are :mod:`jobagent.local_servers` (the launcher ``jobagent dev`` and the benchmarks use), in
temporary directories with durability off. ``JOBAGENT_TEST_REDIS_URL`` / ``JOBAGENT_TEST_DATABASE_URL``
name external servers to use instead (their data is then shared between tests); ``JOBAGENT_TEST_PG_OS_USER``
names the OS user PostgreSQL runs as when the tests run as root (default ``postgres``).

A test that needs a system program calls :func:`require_tool` first: outside CI a missing program is a skip
whose reason names the apt package; in CI (``CI`` set) a skip is a failure (tests/skip_policy.py).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from jobagent import local_servers
from jobagent.local_servers import ServerError, free_port, port_is_open

__all__ = ["PostgresServer", "RedisServer", "ServerError", "free_port", "port_is_open", "require_tool"]

REDIS_URL_ENV = "JOBAGENT_TEST_REDIS_URL"
DATABASE_URL_ENV = "JOBAGENT_TEST_DATABASE_URL"
PG_OS_USER_ENV = "JOBAGENT_TEST_PG_OS_USER"


def require_tool(name: str, package: str) -> str:
    """The path of program ``name``, or skip the test saying which package provides it.

    Found on PATH, beside this Python (pip-installed tools such as ansible-playbook in a venv), or, for
    PostgreSQL's server programs, wherever :func:`jobagent.local_servers.find_pg_bin` finds them.
    """
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None and name in ("initdb", "postgres", "pg_dump", "pg_restore", "psql"):
        found = local_servers.find_pg_bin(name, allow_wrapper=False)
    if found is None:
        pytest.skip(f"{name} not found: install {package}")
    return found


class RedisServer(local_servers.RedisServer):
    """A throwaway loopback redis-server, or the one ``JOBAGENT_TEST_REDIS_URL`` names."""

    def __init__(self, port: int = 0) -> None:
        super().__init__(port=port, external_url=os.environ.get(REDIS_URL_ENV))


class PostgresServer(local_servers.PostgresServer):
    """A throwaway loopback PostgreSQL (fsync off) with database ``jobagent_test``, or the server
    ``JOBAGENT_TEST_DATABASE_URL`` names (``create_database`` then needs CREATEDB)."""

    def __init__(self, port: int = 0, database: str = "jobagent_test") -> None:
        super().__init__(port=port, database=database, external_url=os.environ.get(DATABASE_URL_ENV),
                         os_user=os.environ.get(PG_OS_USER_ENV, "postgres"))
