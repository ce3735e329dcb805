"""Issue 24 §5, "before a digest delivers": a posting that closed after the search matched it never goes out
in a digest. A real search on both stores, a webhook and a careers site on 127.0.0.1: the page that now
answers 404 and the one that now says it is filled are held back and closed in the store; the live one, the
one on a server answering 503 and the one on a server that is gone still go out (doubt keeps a posting in)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from sqlalchemy import select, update

from jobagent.api import ops, runs
from jobagent.postings.liveness_check import recheck_before_delivery
from jobagent.store.models import Posting, PostingCheck, utcnow
from jobagent.store.session import session_scope
from tests.board_data import make_profile, write_feed
from tests.liveness_server import CareersServer

FAST = {"JOBAGENT_ALLOW_PRIVATE_URLS": "true", "JOBAGENT_HOST_MIN_INTERVAL": "0", "JOBAGENT_HTTP_TIMEOUT": "1",
        "JOBAGENT_FETCH_DEADLINE": "2"}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _feed(tmp_path: Path, urls: dict[str, str]) -> Path:
    return write_feed(tmp_path / "feed.json", [
        {"id": name, "title": "Backend Engineer", "company": f"Company {name}", "location": "Berlin",
         "url": url, "description": "Go, PostgreSQL and payment APIs. Full time in Berlin."}
        for name, url in urls.items()])


@pytest.mark.parametrize("store_url", ["postgres", "sqlite"], indirect=True)
def test_digest_holds_back_what_closed_since_the_search(env, store_url: str, tmp_path: Path,
                                                        hook_server) -> None:
    hook, received = hook_server
    with CareersServer() as site:
        urls = {"live": site.url("/jobs/live"), "gone": site.url("/jobs/gone"),
                "filled": site.url("/jobs/filled"), "broken": site.url("/jobs/broken"),
                "refused": f"http://127.0.0.1:{_closed_port()}/jobs/9"}
        feed = _feed(tmp_path, urls)
        env(database_url=store_url, **FAST, JOBAGENT_SOURCES=f"feed:{feed}", JOBAGENT_WEBHOOK_URL=f"{hook}/hook")
        ops.ensure_schema()
        profile_id = make_profile(location="Berlin", suggested_titles=["Backend Engineer"])
        st = runs.get_status(runs.submit_job_search("Backend Engineer", location="Berlin", profile_id=profile_id,
                                                    num_results=10).run_id).model_dump()
        assert st["status"] == "completed", st["error_message"]
        result = st["result"]
        assert result["matches"] == 5 and result["closed_before_delivery"] == 2
        assert result["delivered"] == 3 and result["delivery_failures"] == {}
        sent = {m["company"] for m in received[0][1]["matches"]}
        assert sent == {"Company live", "Company broken", "Company refused"}
        with session_scope() as s:
            rows = {p.external_id: p.closed_reason for p in s.scalars(select(Posting))}
        assert rows == {"live": None, "broken": None, "refused": None,
                        "gone": "the page answered HTTP 404", "filled": 'the page says "stelle ist bereits besetzt"'}
        hits = sum(site.hits.values())

        # The next day's digest: nothing new to send, and no page is fetched twice in a day.
        again = runs.get_status(runs.submit_job_search("Backend Engineer", location="Berlin",
                                                       profile_id=profile_id).run_id).model_dump()["result"]
        assert again["delivered"] == 0 and again["matches"] == 3 and len(received) == 1
        assert sum(site.hits.values()) == hits


def test_store_closures_apply_without_a_request_and_the_off_switch(env, clean_pg: str, tmp_path: Path) -> None:
    with CareersServer() as site:
        env(database_url=clean_pg, **FAST)
        ops.ensure_schema()
        feed = _feed(tmp_path, {"a": site.url("/jobs/live"), "b": site.url("/jobs/gone"),
                                "c": site.url("/jobs/removed")})
        from jobagent.postings.harvest import harvest_source

        assert harvest_source(f"feed:{feed}").outcome == "ok"
        with session_scope() as s:
            ids = {p.external_id: p.id for p in s.scalars(select(Posting))}
            s.execute(update(Posting).where(Posting.id == ids["a"])
                      .values(closed_at=utcnow(), closed_reason="the source stopped listing it"))
        env(database_url=clean_pg, **FAST, JOBAGENT_LIVENESS_CHECK="off")
        assert recheck_before_delivery(list(ids.values())) == {ids["a"]: "the source stopped listing it"}
        assert sum(site.hits.values()) == 0  # off: the store's own closures only, no request

        env(database_url=clean_pg, **FAST, JOBAGENT_LIVENESS_CHECK="on")
        dropped = recheck_before_delivery([ids["b"], ids["c"], ids["b"], ids["a"]])
        assert dropped == {ids["a"]: "the source stopped listing it", ids["b"]: "the page answered HTTP 404",
                           ids["c"]: "the page answered HTTP 410"}
        assert site.hits["/jobs/live"] == 0 and site.hits["/jobs/gone"] == 1  # a closed posting is not fetched
        with session_scope() as s:
            assert {r.posting_id for r in s.scalars(select(PostingCheck))} == {ids["b"], ids["c"]}


def test_delivery_budget_lets_unchecked_postings_go_out(env, clean_pg: str, tmp_path: Path) -> None:
    with CareersServer(slow_seconds=3) as site:
        env(database_url=clean_pg, **FAST, JOBAGENT_LIVENESS_DELIVERY_BUDGET="1")
        ops.ensure_schema()
        feed = _feed(tmp_path, {f"s{i}": site.url(f"/jobs/slow?{i}") for i in range(3)})
        from jobagent.postings.harvest import harvest_source

        assert harvest_source(f"feed:{feed}").outcome == "ok"
        with session_scope() as s:
            ids = list(s.scalars(select(Posting.id)))
        assert recheck_before_delivery(ids) == {}  # out of time: doubt keeps them in
        assert sum(site.hits.values()) <= 2


def test_embedded_default_runs_the_recheck_on_request(env, tmp_path: Path) -> None:
    """No Redis, no scheduler: 'jobagent schedule run-now liveness' runs the same task in-process."""
    from jobagent.store.models import BoardEntry
    from tests.conftest import run_cli

    with CareersServer() as site:
        values = env(**FAST)  # the embedded default: a SQLite file under JOBAGENT_DATA_DIR
        ops.ensure_schema()
        feed = _feed(tmp_path, {"live": site.url("/jobs/live"), "gone": site.url("/jobs/gone")})
        from jobagent.postings.harvest import harvest_source

        assert harvest_source(f"feed:{feed}").outcome == "ok"
        profile_id = make_profile()
        with session_scope() as s:
            for pid in s.scalars(select(Posting.id)):
                s.add(BoardEntry(profile_id=profile_id, posting_id=pid, repost_key=pid[:40], state="saved",
                                 best_score=60.0))
        out = run_cli("schedule", "run-now", "liveness", "--json", environ=values)
        assert out.returncode == 0, out.stderr
        report = json.loads(out.stdout)["liveness"]
        assert (report["due"], report["checked"], report["closed"]) == (2, 2, 1)
        with session_scope() as s:
            assert {p.external_id: p.closed_reason for p in s.scalars(select(Posting))} == {
                "live": None, "gone": "the page answered HTTP 404"}
