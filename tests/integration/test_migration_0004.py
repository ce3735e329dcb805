"""Migration 0004 on both backends: existing deliveries are split into one row per channel, and back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from jobagent.store.migrate import upgrade
from tests.migration_stores import insert, store_at


@pytest.fixture(params=["postgres", "sqlite"])
def old_store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store at revision 0003 with deliveries in the old shape (one row, a list of channels)."""
    url = store_at(request, tmp_path, "0003", "mig0004")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        insert(conn, "user_profiles", id="p1", name="Alex", email="a@example.org")
        insert(conn, "runs", id="r1")
        for pid in ("post-a", "post-b", "post-c"):
            insert(conn, "postings", id=pid, fingerprint=pid)
        for did, pid, channels in (("d1", "post-a", ["email", "webhook"]), ("d2", "post-b", ["webhook"]),
                                   ("d3", "post-c", ["email", "email"])):
            insert(conn, "deliveries", id=did, profile_id="p1", posting_id=pid, run_id="r1",
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
            insert(conn, "deliveries", id="dup", profile_id="p1", posting_id="post-a", run_id="r1",
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
