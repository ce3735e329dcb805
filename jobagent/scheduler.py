"""rq-scheduler with jobagent's settings: JSON jobs, cron evaluated in UTC, and fixed ids.

Three verified pitfalls shape this module (see the engineering guide): rq-scheduler pickles unless it is
given a JSON job class; it evaluates cron strings in the host's local time, so the process switches itself
to UTC before computing anything; and a job registered without a fixed id is added again on every restart.
Two schedulers may run at once: rq-scheduler's Redis lock lets one move due jobs per pass, and the daily
fan-out's unique key makes even a duplicate trigger harmless.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from jobagent.config import Settings, get_settings
from jobagent.daily_search import DAILY_SEARCH_TASK
from jobagent.errors import InvalidInput, NotFound
from jobagent.queue import JSONJob, get_redis

log = logging.getLogger(__name__)

# The fan-out feeds `default`; it runs on `high` itself so that a `default` backlog cannot delay it.
SCHEDULE_QUEUE = "high"
SCHEDULED_JOBS_KEY = "rq:scheduler:scheduled_jobs"  # rq-scheduler's sorted set: job id -> next run (epoch)
RECONCILE_TASK = "jobagent.tasks.reconcile_task"


@dataclass(frozen=True)
class PeriodicTask:
    id: str
    func: str
    description: str
    cron: str | None = None
    interval: int | None = None
    retry: bool = False  # give each trigger RQ's Retry (see RetryingScheduler)

    @property
    def schedule(self) -> str:
        return f"cron {self.cron} (UTC)" if self.cron else f"every {self.interval} s"


def periodic_tasks(settings: Settings | None = None) -> list[PeriodicTask]:
    settings = settings or get_settings()
    return [
        PeriodicTask("daily-search", DAILY_SEARCH_TASK, "one job search per profile and title",
                     cron=settings.daily_search_cron, retry=True),
        PeriodicTask("reconcile", RECONCILE_TASK, "requeue work lost by Redis or dead workers",
                     interval=settings.reconcile_interval),
        # Postings index (issue 12): keep every configured source's postings current between daily searches.
        PeriodicTask("harvest", "jobagent.postings.harvest.harvest_task", "harvest due posting sources",
                     interval=settings.harvest_interval),
        # Liveness (issue 24 §5): besides the re-check each harvest queues, one a day before the daily search,
        # so the morning's digests meet postings checked that morning. On the embedded default, which has no
        # scheduler, 'jobagent schedule run-now liveness' runs the same task in-process.
        PeriodicTask("liveness", "jobagent.postings.liveness_check.liveness_task",
                     "re-check shown and saved postings, close the gone", cron=settings.liveness_cron),
    ]


def use_utc() -> None:
    """Make the process's local time UTC, so rq-scheduler's cron arithmetic means UTC on any host."""
    os.environ["TZ"] = "UTC"
    time.tzset()


def retry_meta(task: PeriodicTask, settings: Settings) -> dict[str, Any] | None:
    """The retry a scheduled task's every trigger starts with, stored in the job's meta (JSON)."""
    from jobagent.retry_policy import rq_retry

    retry = rq_retry(settings) if task.retry else None
    return None if retry is None else {"max": retry.max, "intervals": list(retry.intervals)}


def _scheduler_class() -> type:
    from rq_scheduler import Scheduler

    class RetryingScheduler(Scheduler):
        """rq-scheduler reuses one job hash for every trigger of a cron task, so retries used up on Monday
        would be gone on Tuesday; each trigger starts again from the retry stored in the job's meta."""

        def enqueue_job(self, job: Any) -> None:
            retry = job.meta.get("retry")
            if retry:
                job.retries_left, job.retry_intervals = int(retry["max"]), list(retry["intervals"])
            super().enqueue_job(job)

    return RetryingScheduler


def make_scheduler(settings: Settings | None = None, interval: int = 60) -> Any:
    settings = settings or get_settings()
    if settings.embedded:
        raise InvalidInput("the scheduler needs REDIS_URL; on the embedded default use "
                           "'jobagent schedule run-now daily-search'")
    return _scheduler_class()(queue_name=SCHEDULE_QUEUE, connection=get_redis(settings), job_class=JSONJob,
                              interval=interval)


def _unchanged(scheduler: Any, task: PeriodicTask, settings: Settings) -> bool:
    if task.id not in scheduler:
        return False
    job = JSONJob.fetch(task.id, connection=scheduler.connection)
    return (job.func_name == task.func and job.origin == SCHEDULE_QUEUE
            and job.meta.get("cron_string") == task.cron and job.meta.get("interval") == task.interval
            and job.meta.get("retry") == retry_meta(task, settings))


def register(scheduler: Any, settings: Settings | None = None) -> dict[str, str]:
    """Idempotent: an unchanged task keeps its next run time (a restart at 09:00:30 must not skip today)."""
    settings = settings or get_settings()
    outcome = {}
    for task in periodic_tasks(settings):
        if _unchanged(scheduler, task, settings):
            outcome[task.id] = "unchanged"
            continue
        outcome[task.id] = "updated" if task.id in scheduler else "registered"
        scheduler.cancel(task.id)
        retry = retry_meta(task, settings)
        common = dict(id=task.id, queue_name=SCHEDULE_QUEUE, timeout=settings.task_time_limit,
                      result_ttl=24 * 3600, description=task.description, meta={"retry": retry} if retry else None)
        if task.cron:
            scheduler.cron(task.cron, task.func, **common)
        else:
            scheduler.schedule(datetime.now(UTC).replace(tzinfo=None), task.func,
                               interval=task.interval, **common)
    return outcome


def run_scheduler(*, interval: int = 60, burst: bool = False) -> None:
    from jobagent.monitoring.sentry import init_sentry

    use_utc()
    init_sentry("scheduler")
    scheduler = make_scheduler(interval=interval)
    for task_id, state in register(scheduler).items():
        log.info("scheduled task %s: %s", task_id, state)
    scheduler.run(burst=burst)


def list_scheduled(settings: Settings | None = None) -> list[dict[str, Any]]:
    """What is registered in Redis and when it next runs, in UTC (from the stored epoch, not local time)."""
    settings = settings or get_settings()
    if settings.embedded:
        return []
    conn = get_redis(settings)
    rows = []
    # withscores=True gives (member, score) pairs; redis-py's annotation is the union of every form zrange returns
    scheduled = cast("list[tuple[bytes | str, float]]", conn.zrange(SCHEDULED_JOBS_KEY, 0, -1, withscores=True))
    for raw_id, score in scheduled:
        task_id = raw_id.decode() if isinstance(raw_id, bytes) else str(raw_id)
        try:
            job = JSONJob.fetch(task_id, connection=conn)
            func, meta, queue = job.func_name, job.meta, job.origin
        except Exception:  # a job hash that expired or was pickled by a foreign scheduler: still show it
            func, meta, queue = "?", {}, "?"
        schedule = (f"cron {meta['cron_string']} (UTC)" if meta.get("cron_string")
                    else f"every {meta['interval']} s" if meta.get("interval") else "once")
        rows.append({"id": task_id, "task": func, "schedule": schedule, "queue": queue,
                     "next_run_utc": datetime.fromtimestamp(float(score), UTC).isoformat()})
    return rows


def run_now(task_id: str) -> dict[str, Any]:
    """Run a periodic task in this process at once (the scheduler's copy keeps its own time)."""
    for task in periodic_tasks():
        if task.id == task_id:
            from rq.utils import import_attribute

            return dict(import_attribute(task.func)())
    raise NotFound(f"no scheduled task {task_id!r}; known: {', '.join(t.id for t in periodic_tasks())}")
