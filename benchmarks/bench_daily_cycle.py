"""The daily cycle (issue 12): 1,000 profiles × 3 titles against three local job boards, "harvest once,
search many" (today's code) side by side with "a live fetch per search" (the old design), in the same run.

Run: ``python3 benchmarks/bench_daily_cycle.py`` (starts a loopback PostgreSQL and Redis unless
DATABASE_URL / REDIS_URL are set). ``BENCH_PROFILES`` sets the profiles (3 titles each) and
``BENCH_LIVE_SAMPLE`` how many searches path B runs (default 100). The issue asks for 1,000 profiles; the
default is 250 (750 searches, ~5 min in all), because every search runs the whole workflow (0.2-0.4 s of
worker time on a loaded 2-core machine), so 3,000 of them alone take 9-20 minutes. ``BENCH_PROFILES=1000``
runs the issue's size; at the default the last line projects the measured per-search figures to 1,000 × 3
(labelled so).

- The boards (Greenhouse, Lever and Arbeitnow shapes of ``tests/board_server.py``, several pages each)
  run in a child process, so rendering their pages does not compete with the searches for this GIL; they
  count every request.
- Path A: ``fan_out_daily_search`` harvests the three due sources once (inside the fan-out task, as in
  production) and creates and enqueues every search; each execution is then run in-process through the
  engine's ``run_workflow``, as an RQ worker's ``run_execution`` does (no worker subprocesses: the time
  per search is the worker's time for that task, without RQ's fork and dequeue).
- Path B: the same job-search workflow with a discovery node that first harvests the search's sources
  with no freshness window and no conditional request (every page fetched again, as the old design's
  live fetch did) and upserts what it fetched, then searches. It runs after path A, on a sample of the
  same profiles' searches (another day's runs), so both see warm caches (company research, PostgreSQL);
  the totals for all searches are extrapolated from the sample (labelled so).
- ``JOBAGENT_HOST_MIN_INTERVAL`` is 0 for both paths. The real default (2 s between requests to a host)
  would stretch path B's wall time further; that figure is printed too.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROFILES = int(os.environ.get("BENCH_PROFILES", "250"))
LIVE_SAMPLE = int(os.environ.get("BENCH_LIVE_SAMPLE", "100"))
TITLES = 3
ISSUE_PROFILES = 1000
DAY_A, DAY_B = date(2026, 12, 1), date(2026, 12, 2)
# Three boards, a few thousand postings, several pages each (Lever: 100 a page; Arbeitnow: page size below).
BOARDS = {"greenhouse:acme": 1000, "lever:globex": 1200, "arbeitnow": 1300}
ARBEITNOW_PAGE = 100
SOURCES = tuple(BOARDS)
REAL_MIN_INTERVAL = 2.0  # JOBAGENT_HOST_MIN_INTERVAL's default


# --- the boards, in their own process --------------------------------------------------------------------


def _board_process(conn: Any) -> None:
    """Serve the boards until told to stop; answer ``base``, ``pages`` and ``count`` over the pipe."""
    sys.path.insert(0, str(ROOT))
    from tests.board_server import BoardServer
    from tests.posting_corpus import generate

    with BoardServer(arbeitnow_page_size=ARBEITNOW_PAGE) as srv:
        for i, (key, n) in enumerate(BOARDS.items()):
            srv.boards[key] = generate(n, prefix=key.split(":")[0][:2], seed=i + 1)
        conn.send({"base_urls": srv.base_urls(), "pages": {k: srv.pages(k) for k in BOARDS}})
        while True:
            ask = conn.recv()
            if ask == "stop":
                return
            conn.send(srv.count())


class Boards:
    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_board_process, args=(child,), daemon=True)
        self.proc.start()
        hello = self.conn.recv()
        self.base_urls: dict[str, str] = hello["base_urls"]
        self.pages: dict[str, int] = hello["pages"]

    def count(self) -> int:
        self.conn.send("count")
        return int(self.conn.recv())

    def stop(self) -> None:
        self.conn.send("stop")
        self.proc.join(10)


# --- profiles, the live-fetch workflow, timing -----------------------------------------------------------


def _seed(n: int) -> None:
    from jobagent.store.models import UserProfile
    from jobagent.store.session import session_scope
    from tests.posting_corpus import CITIES, PROFESSIONS

    rng = random.Random(11)
    roles = list(PROFESSIONS)
    with session_scope() as s:
        for i in range(n):
            picked = rng.sample(roles, TITLES)
            s.add(UserProfile(name=f"Person {i}", email=f"p{i}@example.org", location=rng.choice(CITIES),
                              skills=PROFESSIONS[picked[0]][:4], years_experience=rng.randint(1, 12),
                              suggested_titles=picked))


def _live_workflow() -> Any:
    """The job-search workflow whose discovery fetches every source live first (the old design)."""
    from dataclasses import replace

    from sqlalchemy import update

    from jobagent.postings.harvest import harvest_sources
    from jobagent.store.models import SourceState
    from jobagent.store.session import session_scope
    from jobagent.workflows.job_search import WORKFLOW, DiscoveryNode

    class LiveFetchDiscoveryNode(DiscoveryNode):
        def run(self, ctx: Any, env: Any) -> None:
            specs = list(ctx.sources or env.settings.default_sources())
            with session_scope() as s:  # the old live fetch sent no conditional request
                s.execute(update(SourceState).where(SourceState.spec.in_(specs)).values(etag=None,
                                                                                        last_modified=None))
            reports = harvest_sources(specs, env.settings, fresh_within=None)
            bad = [r.line() for r in reports if r.outcome != "ok"]
            assert not bad, bad
            super().run(ctx, env)

    nodes = [LiveFetchDiscoveryNode() if isinstance(n, DiscoveryNode) else n for n in WORKFLOW.nodes]
    return replace(WORKFLOW, nodes=nodes)


def _executions(day: date) -> list[str]:
    from sqlalchemy import select

    from jobagent.store.models import Run, WorkflowExecution
    from jobagent.store.session import session_scope

    with session_scope() as s:
        return list(s.scalars(select(WorkflowExecution.id).join(Run, Run.id == WorkflowExecution.run_id)
                              .where(Run.dedup_key.like(f"daily:%:{day.isoformat()}"))
                              .order_by(WorkflowExecution.id)))


def _run_all(ids: list[str], workflow: Any, settings: Any, label: str) -> list[float]:
    from jobagent.workflows.engine import run_workflow

    times: list[float] = []
    began = last = time.perf_counter()
    for i, execution_id in enumerate(ids, start=1):
        t0 = time.perf_counter()
        out = run_workflow(lambda _type: workflow, execution_id, settings=settings)
        times.append(time.perf_counter() - t0)
        assert out["status"] == "completed", out
        if time.perf_counter() - last > 30:
            last = time.perf_counter()
            print(f"  ... {label}: {i:,}/{len(ids):,} searches in {last - began:.0f} s", flush=True)
    return times


def _outcomes(ids: list[str]) -> tuple[int, int, set[str]]:
    from sqlalchemy import select

    from jobagent.store.models import WorkflowExecution
    from jobagent.store.session import session_scope

    with session_scope() as s:
        rows = s.execute(select(WorkflowExecution.status, WorkflowExecution.result)
                         .where(WorkflowExecution.id.in_(ids))).all()
    done = sum(1 for status, _ in rows if status == "completed")
    with_matches = sum(1 for _, r in rows if r and r.get("matches"))
    return done, with_matches, {r["search"].split(";")[0] for _, r in rows if r}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _duration(seconds: float) -> str:
    return f"{seconds / 3600:,.1f} h" if seconds >= 3600 else f"{seconds / 60:,.1f} min" if seconds >= 60 \
        else f"{seconds:,.1f} s"


def main() -> None:
    from benchmarks.servers import start_local_servers

    began = time.perf_counter()
    boards = Boards()  # before any thread or server exists in this process
    started = start_local_servers(redis=True)
    tmp = tempfile.TemporaryDirectory()
    try:
        os.environ.update(JOBAGENT_DATA_DIR=tmp.name, JOBAGENT_ALLOW_PRIVATE_URLS="true",
                          JOBAGENT_HOST_MIN_INTERVAL="0", JOBAGENT_SOURCES=",".join(SOURCES),
                          JOBAGENT_SOURCE_BASE_URLS=json.dumps(boards.base_urls))
        _bench(boards, began)
    finally:
        boards.stop()
        for server in started:
            server.stop()
        tmp.cleanup()


def _bench(boards: Boards, began: float) -> None:
    from sqlalchemy import text

    from jobagent import submission
    from jobagent.config import get_settings
    from jobagent.daily_search import _insert_batch, _specs_for, fan_out_daily_search
    from jobagent.store.migrate import upgrade
    from jobagent.store.models import UserProfile
    from jobagent.store.session import get_engine, session_scope
    from jobagent.workflows.job_search import WORKFLOW

    get_settings.cache_clear()
    submission._schema_ready.clear()
    settings = get_settings()
    url = settings.effective_database_url
    upgrade(url)
    with get_engine(url).begin() as conn:
        conn.execute(text("TRUNCATE postings, posting_sources, sources, workflow_executions, runs, "
                          "user_profiles CASCADE"))
    _seed(PROFILES)
    pages = sum(boards.pages.values())
    print(f"boards: {', '.join(f'{k} {n:,} postings / {boards.pages[k]} pages' for k, n in BOARDS.items())} "
          f"= {sum(BOARDS.values()):,} postings, {pages} pages (one child process, 127.0.0.1)")
    print(f"profiles: {PROFILES:,} x {TITLES} titles; PostgreSQL {get_engine(url).dialect.server_version_info}; "
          f"JOBAGENT_HOST_MIN_INTERVAL=0 for both paths")

    # --- path A: the fan-out harvests the due sources once, then every search reads the store ------------
    before = boards.count()
    summary = fan_out_daily_search(DAY_A, settings=settings)
    assert summary.failed_to_enqueue == 0 and summary.errors == [], summary
    assert all(": ok (" in line for line in summary.harvests), summary.harvests
    harvest_requests = boards.count() - before
    ids_a = _executions(DAY_A)
    assert len(ids_a) == summary.runs_created == PROFILES * TITLES, (len(ids_a), summary.runs_created)
    print(f"path A fan-out: harvested {len(summary.harvests)} sources ({harvest_requests} requests), created and "
          f"enqueued {summary.runs_created:,} searches in {summary.seconds:.1f} s")
    a_began = time.perf_counter()
    times_a = _run_all(ids_a, WORKFLOW, settings, "path A")
    a_wall = time.perf_counter() - a_began
    requests_a = boards.count() - before
    search_requests_a = requests_a - harvest_requests
    done_a, matched_a, searched_a = _outcomes(ids_a)
    assert done_a == len(ids_a)

    # --- path B: a live fetch of every source per search, on a sample --------------------------------------
    with session_scope() as s:
        specs = [item for p in s.query(UserProfile).order_by(UserProfile.id) for item in _specs_for(p, DAY_B)]
    rng = random.Random(5)
    sample = rng.sample(specs, min(LIVE_SAMPLE, len(specs)))
    _insert_batch(sample)  # rows only: this path is run in-process, nothing is enqueued
    ids_b = _executions(DAY_B)
    before_b = boards.count()
    b_began = time.perf_counter()
    times_b = _run_all(ids_b, _live_workflow(), settings, "path B")
    b_wall = time.perf_counter() - b_began
    requests_b_sample = boards.count() - before_b
    done_b, matched_b, _ = _outcomes(ids_b)
    assert done_b == len(ids_b)

    n = len(ids_a)
    per_search_b = requests_b_sample / len(ids_b)
    requests_b = per_search_b * n
    mean_a, mean_b = statistics.fmean(times_a), statistics.fmean(times_b)
    p50_a, p95_a, p50_b, p95_b = (statistics.median(times_a), _pct(times_a, 0.95), statistics.median(times_b),
                                  _pct(times_b, 0.95))
    total_a = summary.seconds + sum(times_a)  # the fan-out (harvest included) plus every search
    total_b = mean_b * n
    hosts = len(SOURCES)
    print()
    print("Worker time per search is run_workflow's wall time for one execution, in this process (what an RQ")
    print("worker's run_execution spends on it; no worker subprocesses, no fork or dequeue time).")
    print(f"searches                        A: {n:,}    B: {len(ids_b):,} sampled of the same {n:,} "
          f"(totals extrapolated x{n / len(ids_b):,.0f})")
    print(f"completed / with matches        A: {done_a:,} / {matched_a:,}    B: {done_b:,} / {matched_b:,}")
    print(f"A searched                      {'; '.join(sorted(searched_a))}")
    print(f"board requests                  A: {requests_a:,} (harvest {harvest_requests}, searches "
          f"{search_requests_a})    B: {requests_b:,.0f} extrapolated ({requests_b_sample:,} measured for "
          f"{len(ids_b)})    B/A {requests_b / max(requests_a, 1):,.0f}x")
    print(f"requests per search             A: {requests_a / n:.4f} (harvest amortised; {search_requests_a / n:.0f} "
          f"sent by a search)    B: {per_search_b:.0f} (every page of {hosts} boards)")
    print(f"worker time per search p50      A: {_ms(p50_a)}    B: {_ms(p50_b)}    B/A {p50_b / p50_a:.1f}x")
    print(f"worker time per search p95      A: {_ms(p95_a)}    B: {_ms(p95_b)}    B/A {p95_b / p95_a:.1f}x")
    print(f"worker time per search mean     A: {_ms(mean_a)} (+ {_ms(summary.seconds / n)} fan-out and harvest "
          f"amortised)    B: {_ms(mean_b)}")
    print(f"total worker time               A: {_duration(total_a)} measured (fan-out {summary.seconds:.1f} s + "
          f"searches {_duration(sum(times_a))}; wall {_duration(a_wall)})    B: {_duration(total_b)} extrapolated "
          f"({_duration(b_wall)} measured for {len(ids_b)})    B/A {total_b / total_a:.1f}x")
    a_limited = max(boards.pages.values()) * REAL_MIN_INTERVAL
    b_limited = requests_b * REAL_MIN_INTERVAL / hosts
    print(f"at the real {REAL_MIN_INTERVAL:.0f} s/request/host     A: harvest >= {_duration(a_limited)} (the "
          f"largest board's {max(boards.pages.values())} pages; searches unaffected)    B: >= "
          f"{_duration(b_limited)} of board waiting alone ({requests_b:,.0f} requests x {REAL_MIN_INTERVAL:.0f} s "
          f"/ {hosts} hosts), on top of the worker time above")
    if PROFILES != ISSUE_PROFILES:
        m = ISSUE_PROFILES * TITLES
        print(f"projected to {ISSUE_PROFILES:,} x {TITLES} = {m:,} searches (from the per-search figures above): "
              f"board requests A {harvest_requests} vs B {per_search_b * m:,.0f}; worker time A ~"
              f"{_duration(summary.seconds + mean_a * m)} vs B ~{_duration(mean_b * m)}; at 2 s/request/host B "
              f">= {_duration(per_search_b * m * REAL_MIN_INTERVAL / hosts)} of board waiting")
    print(f"whole benchmark: {_duration(time.perf_counter() - began)}")


if __name__ == "__main__":
    main()
