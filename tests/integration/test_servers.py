"""The test-server helpers really start, serve and stop Redis and PostgreSQL."""

from __future__ import annotations

import uuid

import redis
import sqlalchemy

from tests.servers import PostgresServer, RedisServer, free_port, port_is_open


def test_free_port_is_bindable() -> None:
    port = free_port()
    assert 0 < port < 65536
    assert not port_is_open(port)


def test_redis_server_set_get_and_stop() -> None:
    server = RedisServer().start()
    try:
        client = redis.Redis.from_url(server.url)
        client.set("greeting", "hello")
        assert client.get("greeting") == b"hello"
        if not server.external:
            server.restart()
            client = redis.Redis.from_url(server.url)
            assert client.ping()
            assert client.get("greeting") is None  # nothing is persisted
        client.close()
    finally:
        server.stop()
    if not server.external:
        assert not port_is_open(server.port)


def test_postgres_server_select_and_extra_database() -> None:
    server = PostgresServer().start()
    try:
        engine = sqlalchemy.create_engine(server.url)
        with engine.connect() as conn:
            assert conn.execute(sqlalchemy.text("select 1")).scalar_one() == 1
        engine.dispose()

        name = f"jobagent_extra_{uuid.uuid4().hex[:8]}"
        extra_url = server.create_database(name)
        assert extra_url.endswith("/" + name)
        engine = sqlalchemy.create_engine(extra_url)
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text("create table t (x text)"))
            conn.execute(sqlalchemy.text("insert into t values ('é')"))
        with engine.connect() as conn:
            assert conn.execute(sqlalchemy.text("select x from t")).scalar_one() == "é"
            assert conn.execute(sqlalchemy.text("select current_database()")).scalar_one() == name
        engine.dispose()
        server.drop_database(name)
    finally:
        server.stop()
    if not server.external:
        assert not port_is_open(server.port)
