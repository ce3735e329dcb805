"""Deliveries are claimed before the send (issue 23 §5, migration 0017).

Two searches of one profile running at once (as the daily fan-out runs one per title) used to both read
"not sent before" and both e-mail every posting. Real parts: two ``jobagent worker`` subprocesses,
PostgreSQL, Redis and an SMTP server on 127.0.0.1 that takes two seconds to accept a message, so the two
sends overlap; the searches meet at a rendezvous before DeliveryNode. Then, on both stores: a claim left by
a crashed process is re-claimed only once stale, and a migration from 0015 merges duplicate rows.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import select

from jobagent.api import runs
from jobagent.store.models import Delivery
from jobagent.store.session import session_scope
from tests.conftest import wait_until
from tests.documents import make_pdf
from tests.local_services import Collector, serve_smtp
from tests.migration_stores import insert, store_at


class SlowCollector(Collector):
    """Accepts each message two seconds after it arrived, as a busy relay does."""

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        await asyncio.sleep(2)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp() -> Iterator[tuple[SlowCollector, int]]:
    yield from serve_smtp(SlowCollector())


def _configure(environ: dict[str, str], monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    from jobagent.config import get_settings

    for key, value in values.items():
        monkeypatch.setenv(key, value)
        environ[key] = value
    get_settings.cache_clear()


def _final(run_id: str, timeout: float = 180) -> dict:
    return wait_until(lambda: (s := runs.get_status(run_id).model_dump())["status"] in ("completed", "failed") and s,
                      timeout=timeout)


def test_two_concurrent_searches_of_one_profile_email_each_posting_once(
        live, workers, slow_smtp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    handler, port = slow_smtp
    _configure(live, monkeypatch, SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_STARTTLS="false")
    workers.start("--queues", "high,default")
    workers.start("--queues", "high,default")
    sub = runs.submit_profiling("Alex Morgan", "alex@example.org", [str(make_pdf(tmp_path / "cv.pdf"))])
    profiled = _final(sub.run_id)
    assert profiled["status"] == "completed", profiled
    profile_id, location = profiled["result"]["profile_id"], profiled["result"]["location"] or "Berlin"
    searches = [runs.submit_workflow("test_slow_search", {
        "query": "data engineer", "location": location, "profile_id": profile_id, "marker_dir": str(tmp_path),
        "rendezvous": 2}) for _ in range(2)]
    done = [_final(s.run_id) for s in searches]
    assert [d["status"] for d in done] == ["completed", "completed"], done
    matches = done[0]["result"]["matches"]
    assert matches >= 2 and done[1]["result"]["matches"] == matches
    lines = Counter(line for m in handler.messages for line in m.get_content().splitlines()
                    if re.match(r"\d+\. \[", line))
    sent = Counter(re.sub(r"^\d+\. ", "", line) for line in lines.elements())  # rank differs per digest
    assert len(sent) == matches and set(sent.values()) == {1}, sent  # every posting e-mailed, and once
    assert sum(d["result"]["delivered"] for d in done) == matches
    assert sum(d["result"]["already_delivered"] for d in done) == matches  # the other run's share
    with session_scope() as s:
        rows = s.scalars(select(Delivery)).all()
        assert len(rows) == matches and all(r.delivered_at is not None for r in rows)


def _seed(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        insert(conn, "user_profiles", id="p1", name="Alex", email="a@example.org")
        for posting in ("x1", "x2"):
            insert(conn, "postings", id=posting, fingerprint=posting, source="feed:x", external_id=posting,
                    title="Data Engineer", company="Acme", description="")
        for run in ("crashed", "next", "later"):
            insert(conn, "runs", id=run, workflow_type="job_search", profile_id="p1")
    engine.dispose()


def test_a_crashed_claim_is_taken_over_only_once_stale(env, store_url: str) -> None:
    from jobagent.postings import channels

    env(database_url=store_url)
    _seed(store_url)
    assert channels.claim("p1", "crashed", ["x1", "x2"], "email") == {"x1", "x2"}  # then the process died
    assert channels.claim("p1", "next", ["x1", "x2"], "email") == set()  # in flight elsewhere: not sent twice
    assert channels.claim("p1", "crashed", ["x1"], "email") == {"x1"}  # the run's own retry resends it
    with session_scope() as s:
        for row in s.scalars(select(Delivery)):
            row.claimed_at = row.claimed_at - channels.STALE_CLAIM - timedelta(seconds=1)
    assert channels.claim("p1", "next", ["x1", "x2"], "email") == {"x1", "x2"}  # stale: a crash, re-claimed
    channels.mark_delivered("p1", "next", ["x1"], "email")
    channels.release("p1", "next", ["x2"], "email")  # the send of x2 failed
    assert channels.claim("p1", "later", ["x1", "x2"], "email") == {"x2"}  # retried; x1 is delivered


def test_migration_0017_merges_duplicate_deliveries(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """A PostgreSQL store at 0015 whose unique key was lost holds the same delivery twice; 0017 keeps the
    earliest, re-creates the key, and marks existing rows as delivered claims."""
    from jobagent.store.migrate import upgrade

    url = store_at(request, tmp_path, "0015", "mig0017", backend="postgres")
    _seed(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE deliveries DROP CONSTRAINT uq_deliveries_profile_posting_channel"))
        for n, (run, at) in enumerate([("crashed", "2026-01-02"), ("next", "2026-01-01"), ("later", "2026-01-03")]):
            insert(conn, "deliveries", id=f"d{n}", profile_id="p1", posting_id="x1", run_id=run, channel="email",
                    delivered_at=at)
    upgrade(url)
    with engine.begin() as conn:
        rows = conn.execute(sa.text("SELECT run_id, claimed_at = delivered_at FROM deliveries")).all()
        assert [tuple(r) for r in rows] == [("next", True)]
        with pytest.raises(sa.exc.IntegrityError):
            insert(conn, "deliveries", id="again", profile_id="p1", posting_id="x1", run_id="later",
                    channel="email", delivered_at="2026-01-04")
    engine.dispose()
