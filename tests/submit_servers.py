"""Fixtures for the submission tests (``test_submit_batch``, ``test_submission_groups``): a Redis of the
test's own, which it may stop, and the settings pointed at it and a clean PostgreSQL with no cached ping.
Imported by those modules (``from tests.submit_servers import own_redis_fixture, setup_fixture``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from jobagent import submission
from tests.servers import RedisServer


@pytest.fixture(name="own_redis")
def own_redis_fixture() -> Iterator[RedisServer]:
    """A Redis this test may stop; the session's must stay up for the others."""
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture(name="setup")
def setup_fixture(env: Callable[..., dict[str, str]], clean_pg: str, own_redis: RedisServer) -> RedisServer:
    env(database_url=clean_pg, redis_url=own_redis.url)
    submission._pinged_at.clear()
    return own_redis
