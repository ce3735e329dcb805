"""Host pacing shared by every process (issue 27 §5), on a real Redis and a real board on 127.0.0.1.

Two separate ``python`` processes harvest two sources of one host at once: the board, which records the
arrival time of every request, must see the minimum interval between any two of them, and a 429 with
Retry-After answered to one process must hold the other. The per-host interval setting, Redis away (one
warning, in-process pacing, the harvest still completes) and the embedded mode are covered too.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from jobagent.postings.harvest import harvest_source, harvest_sources
from jobagent.store.migrate import upgrade
from jobagent.submission import ensure_schema
from tests.board_server import BoardServer
from tests.posting_corpus import generate

ROOT = Path(__file__).resolve().parents[2]
TOLERANCE = 0.03  # the board's clock reads arrival after the request's bytes came in; pacing admits earlier

HARVEST = """
import json, sys, time
from jobagent.postings.harvest import harvest_source
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
print(json.dumps(harvest_source(sys.argv[2]).as_dict()))
"""

GH, LEVER, ARBEITNOW = "/v1/boards/", "/v0/postings/", "/api/job-board-api"


@pytest.fixture
def board() -> Iterator[BoardServer]:
    with BoardServer(arbeitnow_page_size=20) as srv:
        srv.boards["greenhouse:acme"] = generate(10, prefix="gh", seed=1)
        srv.boards["lever:globex"] = generate(550, prefix="lv", seed=2)  # 6 pages of 100
        srv.boards["arbeitnow"] = generate(120, prefix="an", seed=3)  # 6 pages of 20
        yield srv


def _gaps(srv: BoardServer) -> list[float]:
    with srv.lock:
        times = sorted(srv.times)
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def _processes(specs_and_delays: list[tuple[str, float]]) -> list[dict[str, object]]:
    """Each spec harvested by its own ``python`` process, all starting at one moment (plus its delay), so
    their requests overlap instead of running one process after the other."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.time() + 4.0  # every interpreter has imported jobagent by then (2 shared cores)
    procs = [subprocess.Popen([sys.executable, "-c", HARVEST, str(start + delay), spec], env=environ,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for spec, delay in specs_and_delays]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


def _shared_env(env, pg_url: str, redis_url: str, srv: BoardServer, **extra: str) -> None:
    env(database_url=pg_url, redis_url=redis_url, JOBAGENT_ALLOW_PRIVATE_URLS="true",
        JOBAGENT_SOURCE_BASE_URLS=json.dumps(srv.base_urls()), **extra)
    ensure_schema()


def test_two_processes_on_one_host_keep_the_interval_between_them(env, clean_pg: str, clean_redis: str,
                                                                   board: BoardServer) -> None:
    _shared_env(env, clean_pg, clean_redis, board, JOBAGENT_HOST_MIN_INTERVAL="0.3")
    reports = _processes([("lever:globex", 0.0), ("arbeitnow", 0.0)])
    assert [r["outcome"] for r in reports] == ["ok", "ok"]
    assert [r["requests"] for r in reports] == [6, 6]
    with board.lock:
        order = [path.split("?")[0] for _, path in sorted(zip(board.times, board.requests, strict=True))]
    # The two processes really ran at once: their requests interleave, not one harvest after the other.
    switches = sum(1 for a, b in zip(order, order[1:], strict=False) if a != b)
    assert switches >= 3, order
    gaps = _gaps(board)
    assert len(gaps) == 11 and min(gaps) >= 0.3 - TOLERANCE, gaps


def test_a_retry_after_seen_by_one_process_holds_the_other(env, clean_pg: str, clean_redis: str,
                                                           board: BoardServer) -> None:
    _shared_env(env, clean_pg, clean_redis, board, JOBAGENT_HOST_MIN_INTERVAL="0.2")
    board.faults["greenhouse:acme"], board.retry_after = "429", "2"
    # lever starts first and is mid-way through its 6 pages when greenhouse's first answer is the 429.
    reports = _processes([("lever:globex", 0.0), ("greenhouse:acme", 0.5)])
    assert [r["outcome"] for r in reports] == ["ok", "ok"]
    assert reports[1]["requests"] == 2  # the 429, then the page once the hold was over
    with board.lock:
        arrivals = sorted(zip(board.times, board.requests, strict=True))
    at_429 = next(t for t, path in arrivals if path.startswith(GH))
    after = [(t, path) for t, path in arrivals if t > at_429]
    assert any(path.startswith(LEVER) for _, path in after), "lever had finished before the 429"
    # Nothing at all reached the host while it was held, from either process.
    assert after[0][0] - at_429 >= 2.0 - TOLERANCE, [(round(t - at_429, 3), p) for t, p in after]


def test_the_per_host_interval_setting_wins_over_the_default(env, clean_pg: str, clean_redis: str,
                                                              board: BoardServer) -> None:
    _shared_env(env, clean_pg, clean_redis, board, JOBAGENT_HOST_MIN_INTERVAL="0.01",
                JOBAGENT_HOST_MIN_INTERVALS="elsewhere.example=0.01, 127.0.0.1=0.4")
    before = _script_calls(clean_redis)
    report = harvest_source("arbeitnow")
    assert (report.outcome, report.requests) == ("ok", 6)
    gaps = _gaps(board)
    assert min(gaps) >= 0.4 - TOLERANCE, gaps
    # Pacing went through Redis: each request took the limiter's permit (a Lua call) and the host's lock.
    assert _script_calls(clean_redis) - before >= 6


def _script_calls(url: str) -> int:
    stats = Redis.from_url(url).info("commandstats")
    return sum(int(v["calls"]) for k, v in stats.items() if k in ("cmdstat_evalsha", "cmdstat_eval"))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_redis_down_paces_in_process_with_one_warning(env, tmp_path: Path, board: BoardServer,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    store = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    env(database_url=store, redis_url=f"redis://127.0.0.1:{_closed_port()}/0",
        JOBAGENT_ALLOW_PRIVATE_URLS="true", JOBAGENT_HOST_MIN_INTERVAL="0.2",
        JOBAGENT_SOURCE_BASE_URLS=json.dumps(board.base_urls()))
    upgrade(store)  # with REDIS_URL set, the schema is the migrations' job, as in production
    with caplog.at_level(logging.WARNING, logger="jobagent.pacing"):
        reports = harvest_sources(["lever:globex", "arbeitnow"])
    assert [(r.outcome, r.requests, r.error) for r in reports] == [("ok", 6, None), ("ok", 6, None)]
    warnings = [r for r in caplog.records if r.name == "jobagent.pacing" and r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "Redis unavailable" in warnings[0].getMessage()
    gaps = _gaps(board)
    assert len(gaps) == 11 and min(gaps) >= 0.2 - TOLERANCE, gaps


def test_embedded_mode_paces_in_process(env, tmp_path: Path, board: BoardServer) -> None:
    env(JOBAGENT_ALLOW_PRIVATE_URLS="true", JOBAGENT_HOST_MIN_INTERVAL="0.2",
        JOBAGENT_SOURCE_BASE_URLS=json.dumps(board.base_urls()))
    ensure_schema()
    reports = harvest_sources(["lever:globex", "arbeitnow"])  # two threads, one host
    assert [(r.outcome, r.requests) for r in reports] == [("ok", 6), ("ok", 6)]
    gaps = _gaps(board)
    assert len(gaps) == 11 and min(gaps) >= 0.2 - TOLERANCE, gaps
