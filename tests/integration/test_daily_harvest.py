"""The daily cycle against three local boards: the fan-out harvests each board once (all its pages), then
150 searches run on real workers and send no request to any board."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from jobagent.daily_search import fan_out_daily_search
from jobagent.store.models import UserProfile, WorkflowExecution
from jobagent.store.session import session_scope
from tests.board_server import BoardServer
from tests.conftest import Workers, wait_until
from tests.posting_corpus import CITIES, PROFESSIONS, generate

DAY = date(2020, 1, 2)
SOURCES = ("greenhouse:acme", "lever:globex", "arbeitnow")


def _seed(n: int) -> None:
    rng = random.Random(11)
    roles = list(PROFESSIONS)
    with session_scope() as s:
        for i in range(n):
            picked = rng.sample(roles, 3)
            s.add(UserProfile(name=f"Person {i}", email=f"p{i}@example.org", location=rng.choice(CITIES),
                              skills=PROFESSIONS[picked[0]][:4], years_experience=rng.randint(1, 12),
                              suggested_titles=picked))


def _completed() -> int:
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(WorkflowExecution)
                        .where(WorkflowExecution.status.in_(("completed", "failed")))) or 0


def test_daily_cycle_sends_one_request_per_board_page(env, clean_pg: str, clean_redis: str, tmp_path: Path) -> None:
    with BoardServer(arbeitnow_page_size=50) as srv:
        srv.boards["greenhouse:acme"] = generate(60, prefix="gh", seed=1)
        srv.boards["lever:globex"] = generate(240, prefix="lv", seed=2)
        srv.boards["arbeitnow"] = generate(160, prefix="an", seed=3)
        pages = sum(srv.pages(spec) for spec in SOURCES)
        assert pages == 1 + 3 + 4
        values = env(database_url=clean_pg, redis_url=clean_redis, JOBAGENT_ALLOW_PRIVATE_URLS="true",
                     JOBAGENT_HOST_MIN_INTERVAL="0.01", JOBAGENT_SOURCES=",".join(SOURCES),
                     JOBAGENT_SOURCE_BASE_URLS=json.dumps(srv.base_urls()))
        _seed(50)
        summary = fan_out_daily_search(DAY)
        assert summary.runs_created == 150 and summary.failed_to_enqueue == 0
        assert [line.split(":")[0] for line in summary.harvests] == ["greenhouse", "lever", "arbeitnow"]
        assert all(": ok (" in line for line in summary.harvests), summary.harvests
        assert srv.count() == pages  # harvested before any search existed

        pool = Workers(values, tmp_path)
        try:
            pool.start("--burst")
            pool.start("--burst")
            wait_until(lambda: _completed() == 150, timeout=400, interval=1)
        finally:
            pool.stop_all()
        with session_scope() as s:
            rows = s.execute(select(WorkflowExecution.status, WorkflowExecution.result)).all()
        assert {status for status, _ in rows} == {"completed"}, pool.logs()[-3000:]
        assert srv.count() == pages  # 150 searches, zero requests to the boards
        results = [r for _, r in rows]
        assert all(r["source_failures"] == {} for r in results)
        assert sum(1 for r in results if r["matches"] > 0) >= 140
        assert all(r["search"].startswith("searched ") and " from 3 sources; " in r["search"] for r in results)

        again = fan_out_daily_search(DAY)  # a second trigger: nothing due, nothing created, nothing fetched
        assert (again.runs_created, again.harvests) == (0, [])
        assert srv.count() == pages
