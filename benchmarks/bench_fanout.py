"""The daily-search fan-out: 10,000 profiles × 3 titles = 30,000 executions on real PostgreSQL and Redis.

Run: ``python benchmarks/bench_fanout.py`` (starts its own PostgreSQL and Redis unless DATABASE_URL and
REDIS_URL are set). The baseline is the original plan's naive loop, one commit and one enqueue per item,
measured in the same run on the same profiles. By default the naive loop runs on a 3,000-item sample and
its full time is extrapolated linearly (it is linear: a constant cost per item); set BENCH_NAIVE_ITEMS=30000
to time all of it. Aims: batched ≤ 15 s for 30,000, and ≥ 10× faster than the naive loop.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROFILES = int(os.environ.get("BENCH_PROFILES", "10000"))
NAIVE_ITEMS = int(os.environ.get("BENCH_NAIVE_ITEMS", "3000"))
TITLES = ["Data Engineer", "Backend Engineer", "Platform Engineer"]


def _seed() -> None:
    from sqlalchemy import insert

    from jobagent.store.models import UserProfile, new_id, utcnow
    from jobagent.store.session import session_scope

    now = utcnow()
    rows = [{"id": new_id(), "name": f"P{i}", "email": f"p{i}@example.org", "location": "Berlin",
             "premium": i % 10 == 0, "skills": ["python"], "titles_held": [], "suggested_titles": TITLES,
             "cv_sources": [], "filters": {}, "created_at": now, "updated_at": now} for i in range(PROFILES)]
    with session_scope() as s:
        s.execute(insert(UserProfile), rows)


def _reset(redis_url: str) -> None:
    from redis import Redis
    from sqlalchemy import text

    from jobagent.store.session import get_engine

    with get_engine().begin() as conn:
        conn.execute(text("TRUNCATE workflow_executions, runs CASCADE"))
    Redis.from_url(redis_url).flushdb()


def _naive(day: date, limit: int) -> int:
    """One transaction and one enqueue per search, as the first plan had it."""
    from sqlalchemy import select

    from jobagent.daily_search import dedup_key
    from jobagent.queue import enqueue_execution
    from jobagent.search_specs import search_spec
    from jobagent.store.models import Run, UserProfile, WorkflowExecution, new_id
    from jobagent.store.session import session_scope

    with session_scope() as s:
        profiles = list(s.scalars(select(UserProfile).order_by(UserProfile.id)))
    done = 0
    for profile in profiles:
        for title in profile.suggested_titles:
            if done >= limit:
                return done
            spec = search_spec(title, None, profile, 10, 5, None, None)
            with session_scope() as s:
                run = Run(id=new_id(), workflow_type=spec.workflow_type, profile_id=profile.id, query=spec.query,
                          location=spec.location, params=spec.context, dedup_key=dedup_key(profile.id, title, day))
                ex_id = new_id()
                s.add(run)
                s.flush()
                s.add(WorkflowExecution(id=ex_id, task_id=ex_id, run_id=run.id, workflow_type=spec.workflow_type,
                                        queue=spec.queue, context_snapshot=spec.context))
            enqueue_execution(ex_id, spec.queue)
            done += 1
    return done


def main() -> None:
    from benchmarks.servers import start_local_servers

    servers = start_local_servers()
    try:
        from redis import Redis
        from rq import Queue

        from jobagent.daily_search import fan_out_daily_search
        from jobagent.store.migrate import upgrade

        upgrade()
        _reset(os.environ["REDIS_URL"])
        _seed()
        conn = Redis.from_url(os.environ["REDIS_URL"])
        day = date(2026, 1, 1)

        began = time.perf_counter()
        summary = fan_out_daily_search(day)
        batched = time.perf_counter() - began
        queued = sum(Queue(n, connection=conn).count for n in ("high", "default"))
        assert summary.runs_created == queued == PROFILES * len(TITLES), (summary, queued)
        again = fan_out_daily_search(day)
        assert again.runs_created == 0 and again.skipped_already_done == summary.runs_created
        items = summary.runs_created
        print(f"batched fan-out: {items} executions in {batched:.2f} s ({items / batched:,.0f}/s), "
              f"{summary.batches} batches; second trigger created 0, skipped {again.skipped_already_done} "
              f"in {again.seconds:.2f} s")

        _reset(os.environ["REDIS_URL"])
        began = time.perf_counter()
        sample = _naive(day, min(NAIVE_ITEMS, items))
        naive_sample = time.perf_counter() - began
        naive = naive_sample * items / sample
        how = "measured" if sample == items else f"extrapolated from {sample} items ({naive_sample:.2f} s)"
        print(f"naive loop:      {items} executions in {naive:.2f} s ({sample / naive_sample:,.0f}/s), {how}")
        print(f"ratio naive/batched: {naive / batched:.1f}x (aim >= 10x); batched aim <= 15 s: "
              f"{'met' if batched <= 15 else 'missed'}")
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
