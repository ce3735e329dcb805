"""Scratch stores at an old revision, for the migration tests: one empty database per test on the loopback
PostgreSQL server, or a SQLite file, upgraded to ``revision`` and ready for rows in the old shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from jobagent.store.migrate import upgrade


def _filler(column: sa.Column[Any]) -> Any:
    """A value for a NOT NULL column of an old schema, so a test does not repeat the whole schema."""
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


def insert(conn: sa.Connection, table: str, **values: Any) -> None:
    """A row with ``values`` and a placeholder in every other required column of the table as it is now."""
    t = sa.Table(table, sa.MetaData(), autoload_with=conn)
    row = {c.name: _filler(c) for c in t.columns if not c.nullable and c.server_default is None}
    row.update(values)
    conn.execute(sa.text(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})"),
                 row)


def store_at(request: pytest.FixtureRequest, tmp_path: Path, revision: str, name: str,
             backend: str | None = None) -> str:
    """The URL of a fresh store at ``revision``, on ``backend`` or the fixture's (``request.param``)."""
    if (backend or request.param) == "postgres":
        server = request.getfixturevalue("pg_server")
        base = server.url.rsplit("/", 1)[0]
        admin = sa.create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        admin.dispose()
        url = f"{base}/{name}"
    else:
        url = f"sqlite:///{tmp_path / (name + '.sqlite3')}"
    upgrade(url, revision)
    return url
