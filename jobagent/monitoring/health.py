"""One health snapshot for ``jobagent monitor``: queues, workers, recent failures and lost executions.

Every read here is side-effect free on RQ: registry counts use ``get_job_count(cleanup=False)`` (``.count``
would move expired jobs around), and live workers are counted from their heartbeat keys directly rather
than through ``Worker.all``, which prunes the worker sets as it reads them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from jobagent.config import Settings, get_settings
from jobagent.monitoring.alerts import Alert, send_alerts
from jobagent.store.models import WorkflowExecution, utcnow
from jobagent.store.session import session_scope
from jobagent.workflows.engine import FAILED


def _live_workers(conn: Any, queue: Any | None) -> list[str]:
    """Names of workers listening on ``queue`` (any queue if None) whose heartbeat key has not expired."""
    from rq.worker_registration import get_keys

    raw = get_keys(queue=queue) if queue is not None else get_keys(connection=conn)
    keys = sorted(k.decode() if isinstance(k, bytes) else k for k in raw)
    if not keys:
        return []
    with conn.pipeline() as pipe:
        for key in keys:
            pipe.exists(key)
        alive = pipe.execute()
    return [k.rsplit(":", 1)[-1] for k, ok in zip(keys, alive, strict=True) if ok]


def _oldest_queued_age(queue: Any) -> float | None:
    from jobagent.queue import fetch_task

    ids = queue.get_job_ids(0, 1)
    if not ids:
        return None
    job = fetch_task(ids[0])
    if job is None or job.enqueued_at is None:
        return None
    enqueued = job.enqueued_at if job.enqueued_at.tzinfo else job.enqueued_at.replace(tzinfo=utcnow().tzinfo)
    return round((utcnow() - enqueued).total_seconds(), 1)


def _queues(settings: Settings) -> list[dict[str, Any]]:
    """``jobagent queues``' side-effect-free counts, plus what health needs: age, live workers, limits."""
    from jobagent.queue import get_queue, get_redis, queue_stats

    conn = get_redis(settings)
    rows = []
    for stats in queue_stats(settings)["queues"]:
        name = stats["queue"]
        q = get_queue(name, settings)
        rows.append({
            "queue": name,
            "depth": stats["queued"],
            "oldest_queued_age_seconds": _oldest_queued_age(q),
            "started": stats["started"],
            "scheduled": stats["scheduled"],
            "failed": stats["failed"],
            "workers": len(_live_workers(conn, q)),  # by heartbeat, unlike the registry count
            "expected_workers": settings.expected_workers.get(name, 0),
            "threshold": settings.queue_alert_thresholds.get(name),
        })
    return rows


def _failed_24h() -> int:
    since = utcnow() - timedelta(hours=24)
    with session_scope() as s:
        return int(s.scalar(select(func.count()).select_from(WorkflowExecution)
                            .where(WorkflowExecution.status == FAILED, WorkflowExecution.completed_at >= since))
                   or 0)


DAILY_SEARCH_GRACE = timedelta(hours=1)


def _daily_search(settings: Settings) -> dict[str, Any]:
    """Did the last due daily search create runs? Catches a scheduler that is down, which nothing else sees:
    no queue grows and no task fails when nobody enqueues the fan-out at all."""
    from crontab import CronTab
    from sqlalchemy import exists

    from jobagent.store.models import Run, UserProfile

    now = utcnow()
    due = now + timedelta(seconds=CronTab(settings.daily_search_cron).previous(
        now=now.replace(tzinfo=None), delta=True, default_utc=True))
    with session_scope() as s:
        ran = s.scalar(select(exists().where(Run.created_at >= due, Run.dedup_key.is_not(None))))
        titles = s.scalars(select(UserProfile.suggested_titles).where(UserProfile.location.is_not(None),
                                                                      UserProfile.location != "").limit(1000))
        eligible = any(titles)
    return {"last_due_utc": due.isoformat(), "ran": bool(ran), "eligible_profiles": eligible,
            "late": not ran and eligible and now - due > DAILY_SEARCH_GRACE}


def problems(health: dict[str, Any], settings: Settings) -> list[Alert]:
    """The alerts a snapshot calls for; an empty list means healthy."""
    found: list[Alert] = []
    for err in health["errors"]:
        found.append(Alert(f"unreachable:{err['service']}", f"{err['service']} unreachable: {err['error']}", "error"))
    for q in health["queues"]:
        name = q["queue"]
        if q["threshold"] is not None and q["depth"] > q["threshold"]:
            found.append(Alert(f"queue_depth:{name}", f"queue {name} holds {q['depth']} tasks (threshold "
                               f"{q['threshold']})", "warning", {"queue": name, "depth": q["depth"],
                                                                  "oldest_queued_age_seconds":
                                                                      q["oldest_queued_age_seconds"]}))
        if q["workers"] < q["expected_workers"]:
            found.append(Alert(f"workers:{name}", f"queue {name} has {q['workers']} live worker(s), expected "
                               f"{q['expected_workers']}", "error", {"queue": name, "live": q["workers"],
                                                                      "expected": q["expected_workers"]}))
    stuck = health["stuck"]
    if stuck:
        found.append(Alert("stuck_executions", f"{len(stuck)} execution(s) stuck or lost by the queue "
                           "(run `jobagent reconcile`)", "error",
                           {"execution_ids": [x["execution_id"] for x in stuck[:20]],
                            "reasons": sorted({x["reason"] for x in stuck})[:10]}))
    daily = health.get("daily_search") or {}
    if daily.get("late"):
        found.append(Alert("daily_search_late", f"the daily search due at {daily['last_due_utc']} created no runs "
                           "(is `jobagent scheduler` running? `jobagent schedule run-now daily-search` catches up)",
                           "error", daily))
    return found


def collect_health(settings: Settings | None = None) -> dict[str, Any]:
    """Snapshot of queues, workers, failures in the last 24 h and stuck executions, with the problems.

    An unreachable Redis or database is itself a problem, reported rather than raised, so the monitor
    can still alert about it.
    """
    from jobagent.monitoring.reconcile import find_lost

    settings = settings or get_settings()
    health: dict[str, Any] = {"embedded": settings.embedded, "queues": [], "workers": 0, "failed_24h": None,
                              "stuck": [], "daily_search": None, "errors": [], "checked_at": utcnow().isoformat()}
    if not settings.embedded:
        try:
            health["queues"] = _queues(settings)
            from jobagent.queue import get_redis

            health["workers"] = len(_live_workers(get_redis(settings), None))
        except Exception as exc:  # noqa: BLE001 - Redis down is what the monitor must report
            health["errors"].append({"service": "redis", "error": f"{exc.__class__.__name__}: {exc}"})
    try:
        health["failed_24h"] = _failed_24h()
        if not health["errors"]:
            health["stuck"] = find_lost(settings)
        if not settings.embedded:  # the embedded default has no scheduler to watch
            health["daily_search"] = _daily_search(settings)
    except Exception as exc:  # noqa: BLE001
        health["errors"].append({"service": "database", "error": f"{exc.__class__.__name__}: {exc}"})
    found = problems(health, settings)
    health["problems"] = [a.as_dict() for a in found]
    health["healthy"] = not found
    return health


def check(settings: Settings | None = None, *, alert: bool = True) -> dict[str, Any]:
    """Collect health and send its alerts (rate-limited); ``alerts_sent`` names the keys that went out."""
    settings = settings or get_settings()
    health = collect_health(settings)
    sent: list[str] = []
    if alert and health["problems"]:
        alerts = [Alert(p["key"], p["message"], p["level"], p["context"]) for p in health["problems"]]
        sent = send_alerts(alerts, settings)
    health["alerts_sent"] = sent
    return health
