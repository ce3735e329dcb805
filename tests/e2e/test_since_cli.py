"""``--since`` reads one grammar on every command (issue 28 §4): ``retry --since 2w`` and ``board --since 90s``
once failed, each command knowing only its own units. Driven through the console script, as a user runs it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from tests.board_data import make_profile, seed_board
from tests.conftest import run_cli


def test_board_since_90s_keeps_only_postings_found_in_the_last_90_seconds(env, store_url: str) -> None:
    from jobagent.store.models import BoardEntry, utcnow
    from jobagent.store.session import session_scope

    environ = env(database_url=store_url)
    profile_id = make_profile()
    _, ids = seed_board(profile_id, 6)
    old, recent = ids[:4], ids[4:]
    with session_scope() as s:  # four found five minutes ago, two just now
        s.execute(update(BoardEntry).where(BoardEntry.posting_id.in_(old))
                  .values(first_found_at=utcnow() - timedelta(minutes=5)))
    done = run_cli("board", profile_id, "--since", "90s", "--json", environ=environ)
    assert done.returncode == 0, done.stderr
    assert sorted(r["posting_id"] for r in json.loads(done.stdout)) == sorted(recent)
    weeks = run_cli("board", profile_id, "--since", "2w", "--json", environ=environ)
    assert weeks.returncode == 0 and len(json.loads(weeks.stdout)) == 6, weeks.stderr


@pytest.mark.parametrize("command", [("board", "PROFILE"), ("retry", "--failed")])
def test_a_bad_since_is_a_usage_error_in_one_line(env, tmp_path: Path, command: tuple[str, ...]) -> None:
    from jobagent.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    upgrade(url)
    environ = env(database_url=url)
    profile_id = make_profile()
    args = [profile_id if a == "PROFILE" else a for a in command]
    for value, says in (("soon", "got 'soon'"), ("7", "got '7'"), ("0s", "positive"),
                        ("99999999999d", "at most 36500 days")):
        done = run_cli(*args, "--since", value, environ=environ)
        assert done.returncode == 2, (value, done.returncode, done.stderr)
        lines = [line for line in done.stderr.splitlines() if not line.startswith("jobagent: embedded mode")]
        assert len(lines) == 1 and lines[0].startswith("error: Invalid value for '--since': since must"), lines
        assert says in lines[0], lines
    as_json = run_cli(*args, "--since", "2y", "--json", environ=environ)
    assert as_json.returncode == 2 and json.loads(as_json.stderr.splitlines()[-1])["kind"] == "usage"


def test_retry_since_2w_requeues_what_failed_ten_days_ago_not_twenty(live, workers, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from jobagent.api import runs
    from jobagent.config import get_settings
    from jobagent.store.models import WorkflowExecution, utcnow
    from jobagent.store.session import session_scope

    monkeypatch.setenv("JOBAGENT_MAX_RETRIES", "0")
    get_settings.cache_clear()
    subs = [runs.submit_workflow("test_fail", {"fail_times": 1, "marker_dir": str(tmp_path)}) for _ in range(2)]
    workers.start("--burst", "--queues", "default").wait(timeout=60)
    assert {runs.get_status(s.run_id).model_dump()["status"] for s in subs} == {"failed"}
    recent, old = subs
    with session_scope() as s:
        for sub, days in ((recent, 10), (old, 20)):
            s.execute(update(WorkflowExecution).where(WorkflowExecution.id == sub.execution_id)
                      .values(completed_at=utcnow() - timedelta(days=days)))
    hours = run_cli("retry", "--failed", "--since", "90s", "--json", environ=live)
    assert hours.returncode == 0 and json.loads(hours.stdout) == [], hours.stderr
    out = run_cli("retry", "--failed", "--since", "2w", "--json", environ=live)
    assert out.returncode == 0, out.stderr
    assert [d["execution_id"] for d in json.loads(out.stdout)] == [recent.execution_id]
    workers.start("--burst", "--queues", "default").wait(timeout=60)
    assert runs.get_status(recent.run_id).model_dump()["status"] == "completed"
    assert runs.get_status(old.run_id).model_dump()["status"] == "failed"
