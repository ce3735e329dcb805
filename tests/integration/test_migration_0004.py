"""Migration 0004 on both backends: existing deliveries are split into one row per channel, and back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from jobagent.store.migrate import upgrade


def _filler(column: sa.Column[Any]) -> Any:
    """A value for a NOT NULL column of the 0003 schema, so the test does not repeat the whole schema."""
    kind = column.type
    if isinstance(kind, sa.JSON) or "JSON" in type(kind).__name__.upper():
        return json.dumps([])
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 1, 1, tzinfo=UTC)
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer | sa.Float):
        return 0
    return "x"


def _insert(conn: sa.Connection, table: str, **values: Any) -> None:
    meta = sa.MetaData()
    t = sa.Table(table, meta, autoload_with=conn)
    row = {c.name: _filler(c) for c in t.columns if not c.nullable and c.server_default is None}
    row.update(values)
    conn.execute(sa.text(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})"),
                 row)


@pytest.fixture(params=["postgres", "sqlite"])
def old_store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store at revision 0003 with deliveries in the old shape (one row, a list of channels)."""
    if request.param == "postgres":
        server = request.getfixturevalue("pg_server")
        url = server.url.rsplit("/", 1)[0] + "/postgres"
        name = "mig0004"
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        engine.dispose()
        url = server.url.rsplit("/", 1)[0] + f"/{name}"
    else:
        url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0003")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        _insert(conn, "user_profiles", id="p1", name="Alex", email="a@example.org")
        _insert(conn, "runs", id="r1")
        for pid in ("post-a", "post-b", "post-c"):
            _insert(conn, "postings", id=pid, fingerprint=pid)
        for did, pid, channels in (("d1", "post-a", ["email", "webhook"]), ("d2", "post-b", ["webhook"]),
                                   ("d3", "post-c", ["email", "email"])):
            _insert(conn, "deliveries", id=did, profile_id="p1", posting_id=pid, run_id="r1",
                    channels=json.dumps(channels))
    engine.dispose()
    return url


def _pairs(url: str) -> list[tuple[str, str]]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT posting_id, channel FROM deliveries ORDER BY 1, 2")).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_0004_splits_deliveries_per_channel_and_back(old_store: str) -> None:
    upgrade(old_store, "0004")
    assert _pairs(old_store) == [("post-a", "email"), ("post-a", "webhook"), ("post-b", "webhook"),
                                 ("post-c", "email")]
    engine = sa.create_engine(old_store)
    with engine.connect() as conn:  # the new unique key holds: the same channel twice is refused
        with pytest.raises(sa.exc.IntegrityError):
            _insert(conn, "deliveries", id="dup", profile_id="p1", posting_id="post-a", run_id="r1",
                    channel="email")
        conn.rollback()
        cols = {c["name"] for c in sa.inspect(conn).get_columns("workflow_executions")}
        assert {"lease_owner", "lease_expires_at"} <= cols
        assert "cv_documents" in sa.inspect(conn).get_table_names()
    engine.dispose()

    from alembic import command

    from jobagent.store.migrate import alembic_config

    command.downgrade(alembic_config(old_store), "0003")
    engine = sa.create_engine(old_store)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT posting_id, channels FROM deliveries ORDER BY 1")).all()
    engine.dispose()
    decoded = [(p, sorted(c if isinstance(c, list) else json.loads(c))) for p, c in rows]
    assert decoded == [("post-a", ["email", "webhook"]), ("post-b", ["webhook"]), ("post-c", ["email"])]
