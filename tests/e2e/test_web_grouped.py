"""``jobagent serve`` with threads (issue 16, aim 3): gunicorn's gthread worker, and concurrent HTTP
submissions that share batches while each client gets its own run.

One gunicorn worker with 16 threads, 50 clients at once: every 202 names a distinct run whose rows hold
that client's own e-mail, every run is queued, and batches formed (a batch stamps one ``created_at`` on all
its rows, so fewer distinct stamps than runs means submissions were grouped).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
from redis import Redis
from sqlalchemy import select

from jobagent.cli.web import APP_FACTORY, DEFAULT_THREADS, default_workers, gunicorn_argv
from tests.web_stack import TOKEN, WebStack

CLIENTS = 50


def test_argv_runs_gthread_only_when_asked_for_threads() -> None:
    threaded = gunicorn_argv("127.0.0.1", 8000, 3, threads=16)
    assert threaded[threaded.index("--worker-class") + 1] == "gthread"
    assert threaded[threaded.index("--threads") + 1] == "16" and threaded[-1] == APP_FACTORY
    assert "--worker-class" not in gunicorn_argv("127.0.0.1", 8000, 5, threads=1)
    assert default_workers(1) > default_workers(DEFAULT_THREADS) >= 2


def test_fifty_concurrent_http_submissions_each_get_their_own_run(live: dict[str, str], tmp_path: Path) -> None:
    from jobagent.store.models import Run, WorkflowExecution
    from jobagent.store.session import session_scope

    stack = WebStack({**live, "JOBAGENT_ALLOW_PRIVATE_URLS": "1"}, tmp_path)
    try:
        url = stack.start_shim(1, "--threads", "16", "--no-access-log")
        answers: list[httpx.Response | None] = [None] * CLIENTS
        start = threading.Barrier(CLIENTS)

        def post(i: int) -> None:
            body = {"name": f"Client {i}", "email": f"client{i}@example.com", "cv_urls": ["http://127.0.0.1:9/cv.md"]}
            start.wait()
            answers[i] = httpx.post(f"{url}/workflow/profiling", json=body, timeout=60,
                                    headers={"Authorization": f"Bearer {TOKEN}"})

        threads = [threading.Thread(target=post, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert "Using worker: gthread" in stack.logs()
    finally:
        stack.stop()
    assert all(a is not None and a.status_code == 202 for a in answers), [a and a.text for a in answers][:3]
    bodies = [a.json() for a in answers if a is not None]
    assert len({b["run_id"] for b in bodies}) == len({b["execution_id"] for b in bodies}) == CLIENTS
    with session_scope() as s:
        rows = {ex.id: ex for ex in s.scalars(select(WorkflowExecution))}
        stamps = set(s.scalars(select(Run.created_at)))
    assert len(rows) == CLIENTS
    for i, body in enumerate(bodies):  # each client's run holds that client's input, not a neighbour's
        ex = rows[body["execution_id"]]
        assert ex.run_id == body["run_id"] and ex.context_snapshot["email"] == f"client{i}@example.com"
        assert ex.status == "pending" and ex.enqueued_at is not None
    queued = Redis.from_url(live["REDIS_URL"], decode_responses=True).lrange("rq:queue:default", 0, -1)
    assert sorted(queued) == sorted(rows)
    assert len(stamps) < CLIENTS, "no two submissions shared a batch"


def test_serve_freezes_the_preloaded_app_before_forking() -> None:
    """``jobagent serve`` loads ``gunicorn_config``; its ``pre_fork`` hook moves the preloaded app's objects,
    the submit path's modules among them, out of the collector's reach (in a subprocess, as gunicorn's
    master: freezing the test process would pin everything it ever made)."""
    argv = gunicorn_argv("127.0.0.1", 8000, 2, threads=8)
    assert argv[argv.index("--config") + 1] == "python:jobagent.web.gunicorn_config"
    script = ("import gc, importlib\n"
              "from jobagent.web import create_app\n"
              "app = create_app()\n"
              "import sys\n"
              "assert {'jobagent.submission_pg', 'jobagent.queue', 'jobagent.cv.intake'} <= set(sys.modules)\n"
              "hooks = importlib.import_module('jobagent.web.gunicorn_config')\n"
              "tracked = len(gc.get_objects())\n"
              "hooks.pre_fork(None, None)\n"
              "print(tracked, gc.get_freeze_count(), len(gc.get_objects()))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120,
                         env={**os.environ, "API_TOKENS": "t"})
    tracked, frozen, left = map(int, out.stdout.split())
    assert tracked > 50_000 and frozen > 0.9 * tracked and left < 100  # all of it, less the garbage collected
