"""What deleting a profile erases besides its row (issue 23 §3 and §4).

A profile's runs copy the person into many places: the run's parameters and each execution's context
snapshot and result (name, e-mail, CV paths, extracted facts), the matches' cover letters (CV facts), the
Markdown and HTML reports (the name) and the tailored CVs (Markdown and DOCX: name, e-mail, every bullet)
under ``reports_dir``, and the queue tasks in Redis (a failed task keeps its exception text for a year).
Deletion erases all of them; the runs themselves stay, detached (``profile_id`` NULL) and empty, so run
history and queue statistics remain consistent.

A search that is running while the profile is deleted is fenced first: its executions are marked failed
("profile deleted") and their lease is revoked in the deleting transaction. The engine records only while
it holds the lease, and the nodes write personal data only inside ``Lease.fenced`` (which takes the same
row), so the worker stops at its next step without writing the person back, and a write it is in the
middle of finishes before the deletion collects what to erase. Deliveries are claimed in such a fenced
transaction too; an e-mail already being sent when the deletion commits still goes out (its claim row is
deleted with the others), as it would have a moment earlier.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Select, delete, select, update
from sqlalchemy.orm import Session

from jobagent.config import Settings
from jobagent.store.models import Match, Run, UserProfile, WorkflowExecution, utcnow
from jobagent.store.session import rows_affected
from jobagent.workflows.engine import FAILED, FINAL_STATES

# The steps of profiles.delete_profile, which calls them in its own transaction: nothing here is for a face.
__all__: list[str] = []

log = logging.getLogger(__name__)

PROFILE_DELETED = "profile deleted: the run was stopped and its personal data erased"
_ERASED_RESULT = {"profile_deleted": True}


@dataclass
class Erased:
    """What the transaction erased, and what is left to remove once it has committed."""

    runs: int = 0
    matches: int = 0
    stopped: int = 0  # executions that were pending or running
    cv_documents: int = 0
    execution_ids: list[str] = field(default_factory=list)
    paths: set[Path] = field(default_factory=set)


def _stop(s: Session, runs: Select[Any] | list[str]) -> int:
    """Fail every open execution of ``runs`` and revoke its lease; waits for a fenced write in progress."""
    t = WorkflowExecution
    return rows_affected(s.execute(
        update(t).where(t.run_id.in_(runs), t.status.not_in(FINAL_STATES))
        .values(status=FAILED, error_message=PROFILE_DELETED, completed_at=utcnow(), lease_owner=None,
                lease_expires_at=None)))


def erase_runs(s: Session, profile: UserProfile, reports_dir: Path) -> Erased:
    """Stop, detach and empty the profile's runs in the caller's transaction (which then deletes the profile)."""
    from jobagent.cv.stored import named_documents, release_documents

    out = Erased()
    out.stopped = _stop(s, select(Run.id).where(Run.profile_id == profile.id))
    # Locked after the executions (the order a fenced worker takes them in), so no run can name it from now on.
    s.execute(select(UserProfile.id).where(UserProfile.id == profile.id).with_for_update())
    runs = list(s.execute(select(Run.id, Run.params).where(Run.profile_id == profile.id)))
    run_ids = [run_id for run_id, _ in runs]
    out.runs = len(run_ids)
    if not run_ids:
        return out
    out.stopped += _stop(s, run_ids)  # a run submitted before the lock
    rows = s.execute(select(WorkflowExecution.id, WorkflowExecution.run_id, WorkflowExecution.result,
                            WorkflowExecution.context_snapshot, WorkflowExecution.error_message)
                     .where(WorkflowExecution.run_id.in_(run_ids))).all()
    for execution_id, run_id, result, snapshot, error in rows:
        out.execution_ids.append(execution_id)
        out.paths |= _recorded_paths(run_id, result, snapshot)
        if error and (profile.name in error or profile.email in error):
            s.execute(update(WorkflowExecution).where(WorkflowExecution.id == execution_id).values(
                error_message=error.replace(profile.name, "[deleted]").replace(profile.email, "[deleted]")))
    for run_id in run_ids:
        out.paths |= {reports_dir / run_id, *(reports_dir / f"{run_id}{end}" for end in
                                              (".md", ".html", ".md.partial", ".html.partial"))}
    s.execute(update(WorkflowExecution).where(WorkflowExecution.run_id.in_(run_ids))
              .values(context_snapshot={}, result=_ERASED_RESULT))
    out.matches = rows_affected(s.execute(delete(Match).where(Match.run_id.in_(run_ids))))
    s.execute(update(Run).where(Run.id.in_(run_ids)).values(profile_id=None, params={}, location=None))
    s.flush()
    out.cv_documents = release_documents(s, named_documents([params or {} for _, params in runs]))
    return out


def _recorded_paths(run_id: str, *records: dict[str, Any] | None) -> set[Path]:
    """The report and tailored-CV paths a result or snapshot names, when they are this run's own files (a
    worker with another data directory wrote them there); anything else a record names is left alone."""
    found: set[Path] = set()
    for record in records:
        record = record or {}
        names = [record.get("report_path"), record.get("html_report_path")]
        for cv in record.get("tailored_cvs") or []:
            if isinstance(cv, dict):
                names += [cv.get("markdown"), cv.get("docx")]
        for name in names:
            if not isinstance(name, str) or not name:
                continue
            path = Path(name)
            if run_id in path.parts[:-1]:
                found.add(Path(*path.parts[:path.parts.index(run_id) + 1]))
            elif path.name.startswith(f"{run_id}."):
                found.add(path)
    return found


def remove_files(paths: set[Path]) -> int:
    """Files removed (a run's directory counts its files); what is already gone is no error."""
    removed = 0
    for path in sorted(paths):
        if path.is_dir() and not path.is_symlink():
            removed += sum(1 for p in path.rglob("*") if not p.is_dir())
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
            removed += 1
    return removed


def remove_tasks(execution_ids: list[str], settings: Settings) -> int:
    """Delete the runs' queue tasks (the task id is the execution id) from Redis, results and exception
    text included; a task still running is left to finish (its fenced worker writes nothing more)."""
    if not execution_ids or settings.redis_url is None:
        return 0
    from jobagent.queue import fetch_task

    removed = 0
    try:
        for execution_id in execution_ids:
            job = fetch_task(execution_id, settings)
            if job is None or job.get_status(refresh=False) == "started":
                continue
            try:
                job.delete()
            except ValueError:  # rq 3.0: the execution record of a killed task expired; the hash is gone
                pass
            removed += 1
    except Exception:  # noqa: BLE001 - the store is erased; Redis keys expire on their own
        log.exception("profile deletion: could not delete the queue tasks of %d executions", len(execution_ids))
    return removed
