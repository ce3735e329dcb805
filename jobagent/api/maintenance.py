"""Backups and the periodic tasks, as views for the faces (``jobagent backup ...``, ``jobagent schedule ...``).

Kept apart from ``api/ops.py`` (queues, health, recovery) so each module stays one subject; like it, this is
the faces' door to the domain modules (``jobagent.backup``, ``jobagent.scheduler``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from jobagent.config import Settings

__all__ = ["BackupReport", "RestoreReport", "ScheduledTask", "list_scheduled", "run_backup", "run_now",
           "verify_backup"]


class BackupReport(BaseModel):
    path: str
    size_bytes: int
    sha256: str
    tables: int
    rows: int
    pruned: list[str]
    seconds: float
    rsync_target: str | None


class TableCount(BaseModel):
    table: str
    restored: int | None
    live: int | None
    in_dump: int | None  # from the dump's manifest, when it has one


class RestoreReport(BaseModel):
    dump: str
    scratch_database: str
    dropped: bool
    tables: list[TableCount]
    rows: int
    seconds: float


def run_backup(*, settings: Settings | None = None) -> BackupReport:
    """pg_dump -Fc, check it, record its sha256, prune old dumps, rsync if configured.

    Example::

        report = run_backup()
        print(report.path, report.sha256)
    """
    from jobagent.backup import run_backup as run

    return BackupReport.model_validate(run(settings))


def verify_backup(*, dump: Path | None = None, settings: Settings | None = None) -> RestoreReport:
    """Restore a dump (default: the newest) into a scratch database and compare row counts.

    :param dump: the dump to restore; None takes the newest in the backup directory.

    Example::

        report = verify_backup()
        print(report.tables, report.rows, report.seconds)
    """
    from jobagent.backup import verify_backup as verify

    return RestoreReport.model_validate(verify(settings, dump=dump))


class ScheduledTask(BaseModel):
    id: str
    task: str
    schedule: str
    queue: str
    next_run_utc: str  # ISO 8601


def list_scheduled(*, settings: Settings | None = None) -> list[ScheduledTask]:
    """The periodic tasks registered in Redis and their next run, in UTC (none in embedded mode).

    Example::

        for task in list_scheduled():
            print(task.id, task.schedule, task.next_run_utc)
    """
    from jobagent.scheduler import list_scheduled as listed

    return [ScheduledTask.model_validate(row) for row in listed(settings)]


def run_now(task_id: str) -> dict[str, Any]:
    """Run a periodic task in this process now; its summary (counts, ``errors``, ``failed_to_enqueue``).

    :param task_id: the id of a registered periodic task (``daily-search``, ``harvest``, ...).

    Example::

        summary = run_now("harvest")
        assert not summary.get("errors")
    """
    from jobagent.scheduler import run_now as run

    return run(task_id)
