"""Queueing the liveness re-check (``postings.liveness_check``) after a harvest, apart from the check itself:
the harvest task queues it, and the check paces itself with the harvest's per-host gates, so keeping this
step in its own small module keeps the two from importing each other."""

from __future__ import annotations

from jobagent.config import Settings, get_settings

TASK_FUNC = "jobagent.postings.liveness_check.liveness_task"


def enqueue_liveness_check(settings: Settings | None = None) -> str | None:
    """Queue the re-check as its own task on the default queue (its id, or None when switched off or when
    there is no Redis: the embedded store has no worker to run it apart, and it must not run inline)."""
    settings = settings or get_settings()
    if not settings.liveness_check or not settings.redis_url:
        return None
    from jobagent.queue import get_queue

    task = get_queue("default", settings).enqueue_call(TASK_FUNC, timeout=int(settings.liveness_budget) + 120,
                                                       result_ttl=settings.result_ttl,
                                                       failure_ttl=settings.failure_ttl,
                                                       description="liveness re-check of shown postings")
    return str(task.id)
