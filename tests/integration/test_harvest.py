"""Harvesting real HTTP boards on 127.0.0.1 into PostgreSQL and SQLite: pages, 304, host pacing, Retry-After,
closing what vanished, failures that leave the store alone, and two harvests of one source at once."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select

from jobagent.postings.harvest import harvest_source
from jobagent.postings.search import find_candidates
from jobagent.store.models import Posting, PostingSource, SourceState
from jobagent.store.session import session_scope
from jobagent.submission import ensure_schema
from tests.board_server import BoardServer
from tests.posting_corpus import generate


@pytest.fixture
def boards() -> Iterator[BoardServer]:
    with BoardServer(arbeitnow_page_size=50) as srv:
        srv.boards["greenhouse:acme"] = generate(40, prefix="gh", seed=1)
        srv.boards["lever:globex"] = generate(230, prefix="lv", seed=2)
        srv.boards["arbeitnow"] = generate(140, prefix="an", seed=3)
        yield srv


@pytest.fixture
def harvest_env(env, store_url: str, boards: BoardServer) -> BoardServer:
    env(database_url=store_url, JOBAGENT_ALLOW_PRIVATE_URLS="true", JOBAGENT_HOST_MIN_INTERVAL="0.01",
        JOBAGENT_SOURCE_BASE_URLS=json.dumps(boards.base_urls()))
    ensure_schema()
    return boards


def _open(spec: str) -> int:
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(Posting).join(PostingSource)
                        .where(PostingSource.source == spec, Posting.closed_at.is_(None))) or 0


def _total() -> int:
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(Posting)) or 0


@contextmanager
def _statements() -> Iterator[list[tuple[str, int]]]:
    """The SQL statements run meanwhile on the test's store, lower-cased, with the rows each changed."""
    from sqlalchemy import event

    from jobagent.store.session import get_engine

    engine, seen = get_engine(), []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append((" ".join(statement.lower().split()), cursor.rowcount))

    event.listen(engine, "after_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "after_cursor_execute", record)


def test_every_page_once_then_304_writes_no_posting(harvest_env: BoardServer) -> None:
    srv = harvest_env
    first = {spec: harvest_source(spec) for spec in ("greenhouse:acme", "lever:globex", "arbeitnow")}
    assert {spec: r.outcome for spec, r in first.items()} == dict.fromkeys(first, "ok")
    assert {spec: r.requests for spec, r in first.items()} == {spec: srv.pages(spec) for spec in first}
    assert srv.count() == 1 + 3 + 3
    assert first["arbeitnow"].new == first["arbeitnow"].seen == _open("arbeitnow") == 140
    stored = _total()

    with _statements() as written:
        again = harvest_source("greenhouse:acme")
    assert (again.outcome, again.requests, again.new, again.updated) == ("unchanged", 1, 0, 0)
    assert again.seen == first["greenhouse:acme"].seen  # it still lists what it listed
    assert srv.not_modified == 1 and srv.count() == 8  # one conditional request, answered 304
    assert _total() == stored
    # A 304 writes the source's own row and nothing of its postings (issue 29: no UPDATE of every posting).
    rows = {}
    for statement, count in written:
        table = statement.split()[1] if statement.startswith(("update", "delete")) else \
            statement.split()[2] if statement.startswith("insert") else None
        if table:
            rows[table] = rows.get(table, 0) + max(count, 0)
    assert rows.get("postings", 0) == rows.get("posting_sources", 0) == 0, rows
    assert rows.get("sources", 0) >= 1, rows  # the outcome is recorded
    with session_scope() as s:
        assert s.get(SourceState, "greenhouse:acme").outcome == "unchanged"
    # A paged board: each of its pages is asked with its own validators, and three 304s mean unchanged.
    paged = harvest_source("arbeitnow")
    assert (paged.outcome, paged.requests, paged.new, paged.updated, paged.closed) == ("unchanged", 3, 0, 0, 0)
    assert srv.not_modified == 1 + 3 and _total() == stored


def test_changed_posting_is_updated_and_vanished_one_closed_after_two_complete_harvests(
        harvest_env: BoardServer) -> None:
    srv = harvest_env
    harvest_source("arbeitnow")
    gone = srv.boards["arbeitnow"].pop(75)  # from page 2
    srv.boards["arbeitnow"][0]["description"] += " Salary: 90,000 EUR."
    changed = harvest_source("arbeitnow")
    assert (changed.outcome, changed.updated, changed.closed) == ("ok", 1, 0)
    with session_scope() as s:
        row = s.scalar(select(Posting).where(Posting.url == srv.boards["arbeitnow"][0]["url"]))
        assert row.description.endswith("Salary: 90,000 EUR.")
    second = harvest_source("arbeitnow")  # still missing: the second complete miss (every page answers 304)
    assert (second.outcome, second.closed) == ("unchanged", 1)
    with session_scope() as s:
        closed = s.scalar(select(Posting).where(Posting.url == gone["url"]))
        assert closed is not None and closed.closed_at is not None  # closed, never deleted
        ids = find_candidates(s, gone["title"], None, limit=1000).posting_ids
    assert closed.id not in ids and len(ids) > 0  # a closed posting is no longer matched

    srv.boards["arbeitnow"].append(gone)  # back on the board: open again
    assert harvest_source("arbeitnow").outcome == "ok"
    with session_scope() as s:
        assert s.get(Posting, closed.id).closed_at is None


@pytest.mark.parametrize("fault", ["500", "garbage@2", "garbage"])
def test_failed_or_broken_harvest_leaves_the_store_untouched(harvest_env: BoardServer, fault: str) -> None:
    srv = harvest_env
    harvest_source("arbeitnow")
    srv.boards["arbeitnow"] = srv.boards["arbeitnow"][:60]  # 80 postings gone ...
    srv.faults["arbeitnow"] = fault  # ... but the harvest that would notice fails (mid-way for garbage@2)
    for _ in range(2):  # twice: more than enough misses to close, had they been counted
        report = harvest_source("arbeitnow")
        assert report.outcome == "failed" and report.closed == 0 and report.error
    assert _open("arbeitnow") == 140
    with session_scope() as s:
        state = s.get(SourceState, "arbeitnow")
        assert state.outcome == "failed" and not state.complete and state.error == report.error
        assert set(s.scalars(select(PostingSource.misses).where(PostingSource.source == "arbeitnow"))) == {0}
    if fault == "500":
        assert "HTTP 500" in report.error
    else:
        assert "not JSON" in report.error


def test_hosts_are_paced_and_retry_after_is_honoured(env, store_url: str, boards: BoardServer) -> None:
    env(database_url=store_url, JOBAGENT_ALLOW_PRIVATE_URLS="true", JOBAGENT_HOST_MIN_INTERVAL="0.25",
        JOBAGENT_SOURCE_BASE_URLS=json.dumps(boards.base_urls()))
    ensure_schema()
    assert harvest_source("lever:globex").requests == 3
    gaps = [b - a for a, b in zip(boards.times, boards.times[1:], strict=False)]
    assert min(gaps) >= 0.24, gaps

    boards.faults["greenhouse:acme"], boards.retry_after = "429", "1"
    began = time.monotonic()
    report = harvest_source("greenhouse:acme")
    assert report.outcome == "ok" and report.requests == 2 and report.seen > 0
    assert time.monotonic() - began >= 1.0  # waited what Retry-After asked


def test_two_harvests_of_one_source_at_once(harvest_env: BoardServer) -> None:
    srv = harvest_env
    srv.faults["lever:globex"] = "slow"  # each page takes 1 s: the second harvest arrives mid-way
    reports = []

    def run() -> None:
        reports.append(harvest_source("lever:globex"))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
        time.sleep(0.3)
    for t in threads:
        t.join(60)
    assert sorted(r.outcome for r in reports) == ["ok", "skipped"]
    assert srv.count() == srv.pages("lever:globex")  # fetched once
    with session_scope() as s:
        members = s.scalars(select(PostingSource.posting_id).where(PostingSource.source == "lever:globex")).all()
        fingerprints = s.scalars(select(Posting.fingerprint)).all()
    assert len(members) == len(set(members)) == _open("lever:globex")
    assert len(fingerprints) == len(set(fingerprints))


def test_timeout_mid_harvest_leaves_the_store_untouched(env, store_url: str, boards: BoardServer) -> None:
    env(database_url=store_url, JOBAGENT_ALLOW_PRIVATE_URLS="true", JOBAGENT_HOST_MIN_INTERVAL="0.01",
        JOBAGENT_HTTP_TIMEOUT="0.4", JOBAGENT_SOURCE_BASE_URLS=json.dumps(boards.base_urls()))
    ensure_schema()
    assert harvest_source("arbeitnow").outcome == "ok"
    boards.boards["arbeitnow"] = boards.boards["arbeitnow"][:60]  # two pages now
    boards.faults["arbeitnow"] = "slow@2"  # page 1 answers, page 2 never does in time
    report = harvest_source("arbeitnow")
    assert report.outcome == "failed" and "timed out" in (report.error or "") and report.closed == 0
    assert _open("arbeitnow") == 140
