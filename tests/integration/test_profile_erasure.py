"""A deleted person leaves no trace (issue 23 §3, §4): not in any table, file under the data directory, or
Redis key, whether the profile is deleted after a full search or while a worker is running one.

Real parts: PostgreSQL, Redis, ``jobagent worker`` subprocesses, an SMTP server on 127.0.0.1 (so the search
delivers and records deliveries), the ``jobagent profile delete`` command. Each test invents a name and an
e-mail no other row or file can hold, and greps for both (tests/residue.py).
"""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jobagent.api import runs
from jobagent.store.models import Match, WorkflowExecution
from jobagent.store.session import session_scope
from tests.conftest import Workers, run_cli, wait_until
from tests.documents import CV_LINES, make_pdf
from tests.residue import in_files, in_redis, in_tables


def _configure(environ: dict[str, str], monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    """The same settings for this process and for every worker started afterwards."""
    from jobagent.config import get_settings

    for key, value in values.items():
        monkeypatch.setenv(key, value)
        environ[key] = value
    get_settings.cache_clear()


def _final(run_id: str, timeout: float = 120) -> dict:
    return wait_until(lambda: (s := runs.get_status(run_id).model_dump())["status"] in ("completed", "failed") and s,
                      timeout=timeout)


def _person(tmp_path: Path) -> tuple[str, str, Path]:
    """A name and an e-mail found nowhere else, and a CV (outside the data directory) that holds both."""
    tag = "".join(random.choices(string.ascii_lowercase, k=8))
    name, email = f"Quorra {tag.capitalize()}vandt", f"quorra.{tag}@example.org"
    lines = [name, *(f"{email} | +49 170 1234567" if "@" in line else line for line in CV_LINES[1:])]
    (tmp_path / "cv").mkdir()
    return name, email, make_pdf(tmp_path / "cv" / "cv.pdf", lines)


def _profile(name: str, email: str, cv: Path, workers: Workers | None) -> tuple[str, str]:
    sub = runs.submit_profiling(name, email, [str(cv)])
    if workers is not None:
        assert workers.start("--burst", "--queues", "high,default").wait(timeout=120) == 0
    st = _final(sub.run_id)
    assert st["status"] == "completed", st
    return st["result"]["profile_id"], st["result"]["location"] or "Berlin"


def _residue(environ: dict[str, str], needles: list[str]) -> dict[str, dict[str, list[str]]]:
    return {"tables": in_tables(environ["DATABASE_URL"], needles),
            "files": in_files(Path(environ["JOBAGENT_DATA_DIR"]), needles),
            "redis": in_redis(environ["REDIS_URL"], needles)}


def test_a_profile_deleted_after_a_full_search_leaves_no_trace(live, workers, smtp_server, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    handler, port = smtp_server
    _configure(live, monkeypatch, SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_STARTTLS="false")
    name, email, cv = _person(tmp_path)
    profile_id, _ = _profile(name, email, cv, workers)
    sub = runs.submit_job_search("data engineer", profile_id=profile_id)
    assert workers.start("--burst", "--queues", "high,default").wait(timeout=180) == 0
    st = _final(sub.run_id)
    assert st["status"] == "completed", st
    result = st["result"]
    assert result["tailored_cvs"] and Path(result["tailored_cvs"][0]["docx"]).exists()
    assert Path(result["report_path"]).exists() and Path(result["html_report_path"]).exists()
    with session_scope() as s:
        assert s.scalars(select(Match.cover_letter).where(Match.run_id == sub.run_id)).first(), "no letter written"
    assert handler.recipients == [email]
    before = _residue(live, [name, email])
    # The copies the deletion must find: the profile, snapshots, tailored CVs (DOCX too) and reports.
    assert {"user_profiles", "workflow_executions"} <= set(before["tables"]), before
    assert any(f.endswith(".docx") for f in before["files"]) and any(f.endswith(".html") for f in before["files"])

    done = run_cli("profile", "delete", profile_id, "--json", environ=live)
    assert done.returncode == 0, done.stderr

    assert _residue(live, [name, email]) == {"tables": {}, "files": {}, "redis": {}}
    with session_scope() as s:  # the letters held CV facts beyond the name: the matches are gone with them
        assert s.scalar(select(func.count()).select_from(Match)) == 0
    assert not Path(result["report_path"]).exists() and not Path(result["tailored_cvs"][0]["markdown"]).exists()
    assert runs.get_status(sub.run_id).model_dump()["status"] == "completed"  # the run's history stays


def test_a_profile_deleted_while_its_search_runs_is_not_written_back(live, workers, tmp_path: Path) -> None:
    """The worker pauses before FabricationNode (tailored CVs, letters), the profile is deleted meanwhile;
    the run then ends failed with "profile deleted", and nothing of the person is written again."""
    from jobagent.api.profiles import delete_profile
    from jobagent.queue import fetch_task

    name, email, cv = _person(tmp_path)
    workers.start("--queues", "high,default")
    profile_id, location = _profile(name, email, cv, None)
    sub = runs.submit_workflow("test_pause_before_fabrication", {
        "query": "data engineer", "location": location, "profile_id": profile_id, "sleep_seconds": 4,
        "marker_dir": str(tmp_path)})
    wait_until(lambda: list(tmp_path.glob(f"{sub.execution_id}.pause.*")), timeout=90)
    with session_scope() as s:  # the running search holds the person in its snapshot now
        ex = s.get(WorkflowExecution, sub.execution_id)
        assert ex is not None and ex.status == "processing" and email in str(ex.context_snapshot)

    gone = delete_profile(profile_id)
    assert gone.runs_stopped == 1

    st = _final(sub.run_id)
    assert st["status"] == "failed" and st["error_message"].startswith("profile deleted"), st
    wait_until(lambda: (task := fetch_task(sub.execution_id)) is not None
               and task.get_status(refresh=True) == "finished", timeout=60)  # the worker has stopped
    assert runs.get_status(sub.run_id).model_dump()["status"] == "failed"  # and did not overwrite the outcome
    assert _residue(live, [name, email]) == {"tables": {}, "files": {}, "redis": {}}
    assert not (Path(live["JOBAGENT_DATA_DIR"]) / "reports" / sub.run_id).exists()  # no tailored CV written
    logs = workers.logs()
    assert "IntegrityError" not in logs and "revoked" in logs


def test_a_deletion_waits_for_a_fenced_write_in_progress_and_then_fences_the_worker(
        env, clean_pg: str, tmp_path: Path) -> None:
    """The serialization itself, with a worker's lease held by a thread: a tailored CV being written inside
    ``Lease.fenced`` holds the deletion back until it is written (so the deletion finds and removes it), and
    after the deletion the same lease can fence nothing more."""
    import threading

    from sqlalchemy import insert, update

    from jobagent.api.profiles import ProfileDeleted, delete_profile
    from jobagent.config import get_settings
    from jobagent.errors import LeaseLost
    from jobagent.store.models import Run, UserProfile, utcnow
    from jobagent.submission_rows import SubmissionSpec, execution_row, run_row
    from jobagent.workflows.lease import Lease

    env(database_url=clean_pg)
    name, email, _ = _person(tmp_path)
    with session_scope() as s:
        profile = UserProfile(name=name, email=email)
        s.add(profile)
        s.flush()
        spec = SubmissionSpec("job_search", "default", {"query": "data engineer", "profile_id": profile.id},
                              profile_id=profile.id)
        run, now = run_row(spec, utcnow()), utcnow()
        execution = execution_row(run["id"], spec, now)
        s.execute(insert(Run), [run])
        s.execute(insert(WorkflowExecution), [execution])
        profile_id, run_id, execution_id = profile.id, run["id"], execution["id"]
    lease = Lease(execution_id, 60)
    with session_scope() as s:
        s.execute(update(WorkflowExecution).where(WorkflowExecution.id == execution_id).values(
            status="processing", lease_owner=lease.owner, lease_expires_at=lease.expiry()))
    cv = get_settings().reports_dir / run_id / "tailored" / "01-acme-data-engineer.md"
    writing, finish = threading.Event(), threading.Event()

    def worker() -> None:
        with lease.fenced():
            cv.parent.mkdir(parents=True)
            cv.write_text(f"# {name}\n{email}\n")
            writing.set()
            finish.wait(30)

    outcome: list[ProfileDeleted] = []
    writer = threading.Thread(target=worker)
    writer.start()
    assert writing.wait(30)
    deleter = threading.Thread(target=lambda: outcome.append(delete_profile(profile_id)))
    deleter.start()
    deleter.join(1.5)
    assert deleter.is_alive() and not outcome  # held back by the write in progress
    finish.set()
    writer.join(30)
    deleter.join(30)
    [gone] = outcome
    assert gone.runs_stopped == 1 and gone.files_deleted == 1 and not cv.exists()
    with pytest.raises(LeaseLost):
        with lease.fenced():
            pass
    with session_scope() as s:
        ex = s.get(WorkflowExecution, execution_id)
        assert ex is not None and ex.status == "failed" and ex.lease_owner is None
        assert ex.error_message is not None and ex.error_message.startswith("profile deleted")
