"""Issue 24 §5: the liveness re-check against a careers site on 127.0.0.1 (real PostgreSQL): 404, 410, a
redirect to the listing and a closed page close a posting; 200, 5xx, a timeout and a refused connection never
do; each posting is checked at most once a day, within the time budget, as its own RQ task. And at harvest: a
posting closed by its text or date stays closed however often the source lists it, and shows so on the board."""

from __future__ import annotations

import socket
import time
from datetime import timedelta
from pathlib import Path

import pytest
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import select

from jobagent.api import board as board_api
from jobagent.api import ops
from jobagent.cli.board import format_table
from jobagent.postings.harvest import harvest_source, harvest_task
from jobagent.postings.liveness_check import liveness_task, run_liveness_check
from jobagent.postings.liveness_queue import TASK_FUNC, enqueue_liveness_check
from jobagent.postings.schema import PostingData
from jobagent.postings.search import find_candidates
from jobagent.queue import get_queue
from jobagent.store.models import BoardEntry, Posting, PostingCheck, utcnow
from jobagent.store.session import session_scope
from tests.board_data import make_profile, write_feed
from tests.liveness_server import CareersServer
from tests.stored_postings import store_postings

FAST = {"JOBAGENT_ALLOW_PRIVATE_URLS": "true", "JOBAGENT_HOST_MIN_INTERVAL": "0", "JOBAGENT_HTTP_TIMEOUT": "1",
        "JOBAGENT_FETCH_DEADLINE": "2"}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed(urls: dict[str, str], *, shown_days_ago: float = 0.5) -> tuple[str, dict[str, str]]:
    """Postings at ``urls`` on a profile's board, found ``shown_days_ago``; returns (profile, name -> id)."""
    profile_id = make_profile()
    with session_scope() as s:
        ids, _ = store_postings(s, [PostingData(source="test", external_id=name, url=url, title=f"Role {name}",
                                               company="Acme", description="A live advert.")
                                   for name, url in urls.items()])
        when = utcnow() - timedelta(days=shown_days_ago)
        for pid in ids:
            s.add(BoardEntry(profile_id=profile_id, posting_id=pid, repost_key=pid[:40], state="new",
                             best_score=50.0, first_found_at=when, last_found_at=when, changed_at=when))
    return profile_id, dict(zip(urls, ids, strict=True))


def _states(ids: dict[str, str]) -> dict[str, tuple[bool, str | None]]:
    with session_scope() as s:
        rows = {r.id: (r.closed_at is not None, r.closed_reason)
                for r in s.scalars(select(Posting).where(Posting.id.in_(list(ids.values()))))}
    return {name: rows[pid] for name, pid in ids.items()}


def test_recheck_closes_only_what_is_really_gone(env, clean_pg: str) -> None:
    env(database_url=clean_pg, **FAST)
    ops.ensure_schema()
    with CareersServer(slow_seconds=3) as site:
        urls = {name: site.url(f"/jobs/{name}") for name in ("live", "filled", "expired", "moved", "gone",
                                                               "removed", "broken", "slow")}
        urls["refused"] = f"http://127.0.0.1:{_closed_port()}/jobs/1"
        _, ids = _seed(urls)
        _, old = _seed({"stale": site.url("/jobs/gone?stale")}, shown_days_ago=30)  # not shown lately

        report = run_liveness_check()
        assert report.due == len(urls) and report.checked == len(urls)
        states = _states(ids)
        assert states["gone"] == (True, "the page answered HTTP 404")
        assert states["removed"] == (True, "the page answered HTTP 410")
        assert states["moved"][0] and states["moved"][1].startswith("redirected to a listing page")
        assert states["filled"] == (True, 'the page says "stelle ist bereits besetzt"')
        assert states["expired"] == (True, "valid through 2026-10-31T23:59+00:00, which has passed")
        for name in ("live", "broken", "slow", "refused"):  # a similar-jobs block, a 5xx, a timeout, no server
            assert states[name] == (False, None), name
        assert report.closed == 5 and report.unreachable == 3
        assert _states(old) == {"stale": (False, None)}
        assert site.hits["/jobs/gone?stale"] == 0

        with session_scope() as s:
            checks = {r.posting_id: r.outcome for r in s.scalars(select(PostingCheck))}
        assert checks[ids["broken"]] == checks[ids["slow"]] == checks[ids["refused"]] == "unreachable"
        assert checks[ids["live"]] == "open" and checks[ids["gone"]] == "closed"

        hits = sum(site.hits.values())
        again = run_liveness_check()  # at most once a day per posting
        assert again.due == 0 and sum(site.hits.values()) == hits


def test_budget_bounds_the_whole_task_and_off_switch(env, clean_pg: str) -> None:
    env(database_url=clean_pg, **FAST, JOBAGENT_LIVENESS_BUDGET="1.5")
    ops.ensure_schema()
    with CareersServer(slow_seconds=3) as site:
        _seed({f"s{i}": site.url(f"/jobs/slow?{i}") for i in range(4)})
        started = time.monotonic()
        report = run_liveness_check()
        assert time.monotonic() - started < 3.5
        assert report.checked < 4 and report.out_of_budget == 4 - report.checked
    env(database_url=clean_pg, **FAST, JOBAGENT_LIVENESS_CHECK="off")
    assert liveness_task() == {"liveness": "off"}
    assert enqueue_liveness_check() is None


def test_harvest_queues_the_recheck_as_its_own_task(env, clean_pg: str, clean_redis: str, tmp_path: Path) -> None:
    env(database_url=clean_pg, redis_url=clean_redis)
    ops.ensure_schema()
    feed = write_feed(tmp_path / "feed.json", [{"id": "1", "title": "Nurse", "company": "NHS"}])
    result = harvest_task([f"feed:{feed}"])
    queue = get_queue("default")
    assert queue.job_ids == [result["liveness_task"]]
    task = queue.fetch_job(result["liveness_task"])
    assert task is not None and task.func_name == TASK_FUNC
    SimpleWorker([queue], connection=queue.connection, serializer=JSONSerializer).work(burst=True)
    task.refresh()
    assert task.get_status() == "finished"
    assert task.return_value() == {"liveness": {"due": 0, "checked": 0, "closed": 0, "unreachable": 0,
                                                "out_of_budget": 0, "reasons": {}}}


@pytest.mark.parametrize("store_url", ["postgres", "sqlite"], indirect=True)
def test_closed_at_harvest_stays_closed_and_shows_on_the_board(env, store_url: str, tmp_path: Path) -> None:
    env(database_url=store_url)
    ops.ensure_schema()
    items = [
        {"id": "open", "title": "Backend Engineer", "company": "Acme", "location": "Berlin",
         "description": "Go and PostgreSQL. Bewerbungsfrist: 31.01.2099."},
        {"id": "said", "title": "Backend Engineer [VACANCY CLOSED]", "company": "Globex", "location": "Berlin",
         "description": "Go and PostgreSQL."},
        {"id": "dated", "title": "Backend Engineer", "company": "Initech", "location": "Berlin",
         "description": "Go and PostgreSQL.", "validThrough": "2026-01-31"},
    ]
    feed = write_feed(tmp_path / "feed.json", items)
    spec = f"feed:{feed}"
    assert harvest_source(spec).outcome == "ok"
    with session_scope() as s:
        rows = {p.external_id: (p.closed_at is not None, p.closed_reason) for p in s.scalars(select(Posting))}
    assert rows == {"open": (False, None), "said": (True, 'the advert says "vacancy closed"'),
                    "dated": (True, "valid through 2026-01-31, which has passed")}

    items[0]["description"] = "Update: this position has been filled. Go and PostgreSQL."
    for i in range(2):  # seen again and again (the file changes, so each harvest reads it): never reopened
        items.append({"id": f"other-{i}", "title": f"Gardener {i}", "company": "Parks", "location": "Berlin"})
        write_feed(feed, items)
        assert harvest_source(spec).outcome == "ok"
    with session_scope() as s:
        rows = {p.external_id: (p.closed_at is not None, p.closed_reason) for p in s.scalars(select(Posting))}
        found = find_candidates(s, "Backend Engineer", None, limit=50)
        ids = {p.external_id: p.id for p in s.scalars(select(Posting))}
    assert rows["open"] == (True, 'the advert says "this position has been filled"')
    assert rows["other-0"] == rows["other-1"] == (False, None)
    assert rows["said"][0] and rows["dated"][0]
    assert found.posting_ids == []  # never matched again

    profile_id = make_profile()
    with session_scope() as s:
        s.add(BoardEntry(profile_id=profile_id, posting_id=ids["said"], repost_key="k", state="saved",
                         best_score=70.0))
    row = board_api.board(profile_id).rows[0]
    assert row.closed_at is not None and row.closed_reason == 'the advert says "vacancy closed"'
    assert format_table([row])[1].split()[-2] == "closed"
