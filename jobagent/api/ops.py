"""Operations: queues, health, the monitor, reconcile, retry, the schema, and telemetry start-up.

The faces' one door to ``jobagent.queue``, ``jobagent.store`` and ``jobagent.monitoring`` for operator
commands: the CLI and the HTTP shim import none of those themselves (tests/unit/test_import_layers.py).
Backups and the scheduler have their own module (``jobagent.api.maintenance``). Views are pydantic models;
messages name fields, never CLI flags.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from jobagent.api.telemetry import init_telemetry
from jobagent.config import Settings, get_settings

__all__ = ["HealthReport", "MonitorReport", "QueueOverview", "ReconcileReport", "Requeued", "SchemaState",
           "current_revision", "ensure_schema", "health", "init_telemetry", "monitor", "parse_since", "ping_queue",
           "queue_overview", "reconcile", "retry", "retry_failed", "upgrade_schema"]


# --- queues ---------------------------------------------------------------------------------------------

class QueueCounts(BaseModel):
    queue: str
    queued: int
    started: int
    scheduled: int
    failed: int
    workers: int


class QueueOverview(BaseModel):
    embedded: bool
    workers: int
    queues: list[QueueCounts]


def queue_overview(*, settings: Settings | None = None) -> QueueOverview:
    """Depths and worker counts per queue (read without RQ's cleanup side effects).

    Example::

        overview = queue_overview()
        print(overview.queues, overview.workers)
    """
    from jobagent.queue import queue_stats

    return QueueOverview.model_validate(queue_stats(settings))


def ping_queue(settings: Settings | None = None) -> None:
    """Raise (the Redis client's own error) when a configured Redis does not answer; embedded has none.

    Example::

        ping_queue()  # raises when the configured Redis does not answer
    """
    settings = settings or get_settings()
    if settings.redis_url:
        from jobagent.queue import get_redis

        get_redis(settings).ping()


# --- health (the load balancer's check) and the monitor -------------------------------------------------

class HealthReport(BaseModel):
    """``ok`` or ``down: <error class>`` per backing service."""

    status: str  # ok | unavailable
    embedded: bool
    redis: str
    database: str

    @property
    def healthy(self) -> bool:
        return self.status == "ok"


def health(*, settings: Settings | None = None) -> HealthReport:
    """Ping Redis and the database; never raises (the reason is for the operator).

    Example::

        report = health()
        print(report.status, report.redis, report.database)
    """
    from sqlalchemy import text

    from jobagent.queue import get_redis
    from jobagent.store.session import session_scope

    settings = settings or get_settings()
    checks: dict[str, str] = {}
    try:
        get_redis(settings).ping()
        checks["redis"] = "ok"
    except Exception as exc:  # any failure means "not healthy"
        checks["redis"] = f"down: {exc.__class__.__name__}"
    try:
        with session_scope() as s:
            s.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"down: {exc.__class__.__name__}"
    ok = all(v == "ok" for v in checks.values())
    return HealthReport(status="ok" if ok else "unavailable", embedded=settings.embedded, **checks)


class QueueHealth(BaseModel):
    queue: str
    depth: int
    oldest_queued_age_seconds: float | None
    started: int
    scheduled: int
    failed: int
    workers: int
    expected_workers: int
    threshold: int | None


class _ExecutionNote(BaseModel):
    """An execution an operator has to hear about, and why: what the stuck list and reconcile both name."""

    execution_id: str
    run_id: str
    status: str
    workflow_type: str
    queue: str
    reason: str


class StuckExecution(_ExecutionNote):
    age_seconds: int


class Problem(BaseModel):
    key: str
    message: str
    level: str
    context: dict[str, Any]


class ServiceError(BaseModel):
    service: str
    error: str


class MonitorReport(BaseModel):
    """One monitor pass: queues, live workers, failures in 24 h, stuck executions and the problems found."""

    embedded: bool
    healthy: bool
    queues: list[QueueHealth]
    workers: int
    failed_24h: int | None
    stuck: list[StuckExecution]
    daily_search: dict[str, Any] | None  # last_due_utc, ran, eligible_profiles, late
    errors: list[ServiceError]
    problems: list[Problem]
    alerts_sent: list[str]  # keys of the problems alerted now (the others are rate-limited)
    checked_at: str


def monitor(*, alert: bool = True, settings: Settings | None = None) -> MonitorReport:
    """Check once and send rate-limited alerts for the problems (unless ``alert`` is false).

    :param alert: send the rate-limited alerts for the problems found (False only checks).

    Example::

        report = monitor(alert=False)
        print(report.healthy)
    """
    from jobagent.monitoring.health import check

    settings = settings or get_settings()
    ensure_schema(settings)  # the embedded default migrates its SQLite file itself
    return MonitorReport.model_validate(check(settings, alert=alert))


# --- recovering lost and failed work --------------------------------------------------------------------

class ReconcileItem(_ExecutionNote):
    action: str  # requeue | fail
    requeues: int


class ReconcileReport(BaseModel):
    dry_run: bool
    scanned: int
    requeued: int
    failed: int
    skipped: int
    items: list[ReconcileItem]
    problems: list[str]  # one line per row that could not be handled


def reconcile(*, dry_run: bool = False, page: int = 1000, settings: Settings | None = None) -> ReconcileReport:
    """Requeue executions whose queue job was lost (or fail them after too many requeues).

    :param dry_run: report what would be done without changing anything.
    :param page: how many executions to read per query.

    Example::

        report = reconcile(dry_run=True)
        print(report.scanned, report.requeued, report.failed)
    """
    from jobagent.monitoring.reconcile import reconcile as run_reconcile

    settings = settings or get_settings()
    ensure_schema(settings)
    return ReconcileReport.model_validate(run_reconcile(settings, dry_run=dry_run, page=page).as_dict())


class Requeued(BaseModel):
    execution_id: str
    run_id: str
    queue: str


def parse_since(text: str) -> timedelta:
    """How far back ``text`` reaches: an age (``90s``, ``15m``, ``1h``, ``2d``, ``2w``) or a date, read by the
    one grammar every command shares (``jobagent.text.parse_since``); refused as field ``since``.

    :param text: an age (``90s``, ``15m``, ``1h``, ``2d``, ``2w``) or a date (``2026-11-30``).

    Example::

        assert parse_since("2w") >= timedelta(days=13)
    """
    from jobagent.text import parse_since as moment

    now = datetime.now(UTC)
    return now - moment(text, now)


def retry(run_or_execution_id: str, *, settings: Settings | None = None) -> Requeued:
    """Requeue one failed execution (or a run's latest); it resumes at the node that failed.

    :param run_or_execution_id: a failed execution, or a run whose latest execution failed.

    Example::

        requeued = retry(run_id)
        print(requeued.execution_id, requeued.queue)
    """
    from jobagent.monitoring.manual_retry import retry_execution

    settings = settings or get_settings()
    ensure_schema(settings)
    return Requeued.model_validate(retry_execution(run_or_execution_id, settings))


def retry_failed(since: str | timedelta, *, settings: Settings | None = None) -> list[Requeued]:
    """Requeue every execution that failed within ``since`` (``90s``, ``2w``, a date, or a timedelta).

    :param since: how far back, by completion time: an age (``90s``, ``2w``), a date, or a timedelta.

    Example::

        for requeued in retry_failed("2d"):
            print(requeued.run_id)
    """
    from jobagent.monitoring.manual_retry import retry_failed as retry_all

    settings = settings or get_settings()
    ensure_schema(settings)
    window = parse_since(since) if isinstance(since, str) else since
    return [Requeued.model_validate(d) for d in retry_all(window, settings)]


# --- schema and telemetry -------------------------------------------------------------------------------

def ensure_schema(settings: Settings | None = None) -> None:
    """The embedded default migrates its SQLite file itself; servers run ``jobagent db upgrade``.

    Example::

        ensure_schema()  # embedded mode: the SQLite file is migrated on first use
    """
    from jobagent.submission import ensure_schema as ensure

    ensure(settings)


def upgrade_schema(revision: str = "head", *, settings: Settings | None = None) -> str | None:
    """Apply the migrations up to ``revision``; returns the database's revision afterwards.

    :param revision: the revision to migrate to (``head`` for the newest).

    Example::

        assert upgrade_schema() == current_revision().head
    """
    from jobagent.store.migrate import current_revision as current
    from jobagent.store.migrate import upgrade

    settings = settings or get_settings()
    upgrade(settings.effective_database_url, revision=revision)
    return current(settings.effective_database_url)


class SchemaState(BaseModel):
    database: str  # host/port/name (or the SQLite path), never the password
    current: str | None  # None: an empty database
    head: str  # the newest migration this release ships

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def current_revision(*, settings: Settings | None = None) -> SchemaState:
    """The database's schema revision and the newest one this release ships.

    Example::

        state = current_revision()
        print(state.current, state.head)
    """
    from jobagent.store.migrate import current_revision as current
    from jobagent.store.migrate import head_revision

    url = (settings or get_settings()).effective_database_url
    return SchemaState(database=url.split("@")[-1], current=current(url), head=head_revision())
