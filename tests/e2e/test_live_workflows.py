"""End to end on real Redis, real PostgreSQL and real ``jobagent worker`` subprocesses."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jobagent.api import postings, profiles, runs
from jobagent.store.models import Match, UserProfile
from jobagent.store.session import session_scope
from tests.conftest import Workers, wait_until
from tests.documents import make_docx, make_pdf


def _observe(run_id: str, timeout: float = 120) -> tuple[list[str], dict]:
    """Poll the store, collecting every status seen, until the run ends."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st = runs.get_status(run_id).model_dump()
        if not seen or seen[-1] != st["status"]:
            seen.append(st["status"])
        if st["status"] in ("completed", "failed"):
            return seen, st
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not finish; saw {seen}")


@pytest.mark.parametrize("maker", [make_pdf, make_docx], ids=["pdf", "docx"])
def test_profiling_end_to_end(workers: Workers, tmp_path: Path, maker) -> None:
    cv = maker(tmp_path / f"cv.{maker.__name__[5:]}")
    sub = runs.submit_profiling("Alex Morgan", "alex.morgan@example.org", [str(cv)])
    assert runs.get_status(sub.run_id).model_dump()["status"] == "pending"  # in the store before any worker runs
    assert sub.task_id == sub.execution_id and sub.queue == "default"
    workers.start("--burst")
    seen, st = _observe(sub.run_id)
    assert st["status"] == "completed", (st, workers.logs())
    assert seen[0] == "pending" and seen[-1] == "completed"
    assert st["progress_percent"] == 100 and st["attempts"] == 1 and not st["has_errors"]
    assert st["current_node"] == "CVProcessingNode"
    assert st["created_at"] <= st["started_at"] <= st["completed_at"]
    profile = profiles.get_profile(st["result"]["profile_id"]).model_dump()
    assert profile["location"] == "Munich, Germany"
    assert {"Python", "PostgreSQL", "Docker", "Kubernetes"} <= set(profile["skills"])
    assert "Data Engineer" in profile["suggested_titles"]
    assert profile["years_experience"] in (6, 7, 8)


def test_job_search_and_fan_out(workers: Workers, tmp_path: Path) -> None:
    cv = make_pdf(tmp_path / "cv.pdf")
    prof = runs.submit_profiling("Alex Morgan", "alex.morgan@example.org", [str(cv)], premium=True)
    assert prof.queue == "high"
    workers.start()
    st = runs.wait_for(prof.run_id, timeout=120).model_dump()
    assert st["status"] == "completed", workers.logs()
    profile_id = st["result"]["profile_id"]
    titles = profiles.get_profile(profile_id).model_dump()["suggested_titles"]

    subs = runs.submit_searches_from_profile(profile_id, priority="default")
    assert len(subs) == len(titles) >= 1
    assert {s.queue for s in subs} == {"default"}
    finals = [runs.wait_for(s.run_id, timeout=120).model_dump() for s in subs]
    assert all(f["status"] == "completed" for f in finals), finals
    assert finals[0]["result"]["postings_found"] >= 1
    assert Path(finals[0]["result"]["report_path"]).is_file()
    matches = [x.model_dump() for x in postings.list_matches(subs[0].run_id)]
    assert matches and matches[0]["rank"] == 1
    assert matches == sorted(matches, key=lambda m: -m["score"])
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(Match)) == sum(f["result"]["matches"] for f in finals)


def test_from_profile_errors_create_no_runs(live: dict[str, str]) -> None:
    from jobagent.errors import InvalidInput, NotFound

    with session_scope() as s:
        s.add(UserProfile(id="p-notitles", name="B", email="b@example.org", location="Berlin",
                          suggested_titles=[]))
    with pytest.raises(NotFound):
        runs.submit_searches_from_profile("no-such-profile")
    with pytest.raises(InvalidInput, match="no suggested job titles"):
        runs.submit_searches_from_profile("p-notitles")
    assert runs.list_runs(limit=100) == []


def test_failing_node_retries_then_fails(workers: Workers, tmp_path: Path) -> None:
    sub = runs.submit_workflow("test_fail", {"fail_times": 99, "marker_dir": str(tmp_path), "message": "boom"})
    workers.start()
    st = runs.wait_for(sub.run_id, timeout=120).model_dump()
    assert st["status"] == "failed"
    assert st["attempts"] == 4  # the first try and 3 retries
    assert st["error_message"].startswith("FailNode: RuntimeError: boom")
    assert st["has_errors"] and st["completed_at"]


def test_flaky_node_recovers_on_retry(workers: Workers, tmp_path: Path) -> None:
    sub = runs.submit_workflow("test_fail", {"fail_times": 1, "marker_dir": str(tmp_path)})
    workers.start()
    st = runs.wait_for(sub.run_id, timeout=120).model_dump()
    assert st["status"] == "completed", workers.logs()
    assert st["attempts"] == 2 and st["progress_percent"] == 100 and st["error_message"] is None
    assert st["result"] == {"visits": 1}  # the retry resumed at FailNode; DoneNode ran once


def test_enqueue_with_redis_down_leaves_nothing_pending(env, clean_pg: str) -> None:
    from jobagent.errors import EnqueueFailed
    from tests.servers import free_port

    env(database_url=clean_pg, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(EnqueueFailed, match="cannot reach Redis at 127.0.0.1:[0-9]+: .*nothing was submitted"):
        runs.submit_diagnostic()
    # Redis is checked before anything is written: no pending row, and no failed row either (issue 11).
    assert runs.list_runs() == []


def test_worker_killed_mid_task_is_run_again(workers: Workers, tmp_path: Path) -> None:
    sub = runs.submit_workflow("test_stall", {"sleep_seconds": 3, "marker_dir": str(tmp_path)})
    first = workers.start("--job-monitoring-interval", "1")
    marker = wait_until(lambda: list(tmp_path.glob(f"{sub.execution_id}.*")), 60)[0]
    mid = runs.get_status(sub.run_id).model_dump()
    assert (mid["status"], mid["current_node"], mid["progress_percent"]) == ("processing", "StallNode", 0)
    horse_pid = int(marker.name.rsplit(".", 1)[1])  # RQ puts the work-horse in its own process group
    os.kill(horse_pid, signal.SIGKILL)
    workers.kill(first)  # SIGKILL the worker too: nothing is left to report the task's end
    assert runs.get_status(sub.run_id).model_dump()["status"] == "processing"
    workers.start("--maintenance-interval", "2", "--worker-ttl", "20")
    st = runs.wait_for(sub.run_id, timeout=150).model_dump()
    assert st["status"] == "completed", workers.logs()
    assert st["attempts"] == 2
    assert len(list(tmp_path.glob(f"{sub.execution_id}.*"))) == 2  # the node really ran twice


def test_hard_time_limit_kills_the_task(env, clean_pg: str, clean_redis: str, tmp_path: Path) -> None:
    environ = env(database_url=clean_pg, redis_url=clean_redis, JOBAGENT_TASK_TIME_LIMIT="2",
                  JOBAGENT_MAX_RETRIES="0")
    pool = Workers(environ, tmp_path)
    try:
        sub = runs.submit_workflow("test_stall", {"sleep_seconds": 30})
        pool.start("--burst")
        st = runs.wait_for(sub.run_id, timeout=60).model_dump()
    finally:
        pool.stop_all()
    assert st["status"] == "failed" and st["attempts"] == 1
    assert st["error_message"].startswith("StallNode: JobTimeoutException"), st["error_message"]
