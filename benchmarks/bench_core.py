"""Core benchmark: enqueue throughput, engine overhead against bare RQ, and CLI start-up.

Run: ``python benchmarks/bench_core.py`` (starts its own Redis and PostgreSQL unless REDIS_URL and
DATABASE_URL are set). Compare the ratios, not the absolute times: this machine is shared and noisy.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N_ENQUEUE = int(os.environ.get("BENCH_ENQUEUE", "1000"))
N_TASKS = int(os.environ.get("BENCH_TASKS", "300"))


def _env(extra: dict[str, str]) -> dict[str, str]:
    return {**os.environ, **extra, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}


def _wall(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - t0


def main() -> None:
    from benchmarks.servers import start_local_servers

    servers = start_local_servers()
    urls = {"REDIS_URL": os.environ["REDIS_URL"], "DATABASE_URL": os.environ["DATABASE_URL"]}
    try:
        from redis import Redis
        from rq import Queue
        from rq.serializers import JSONSerializer

        from jobagent.api import runs
        from jobagent.store.migrate import upgrade

        upgrade()
        Redis.from_url(urls["REDIS_URL"]).flushdb()

        t0 = time.perf_counter()
        for i in range(N_ENQUEUE):
            runs.submit_diagnostic(echo=str(i))
        enqueue = time.perf_counter() - t0
        print(f"enqueue through the core API: {N_ENQUEUE} in {enqueue:.2f} s = {N_ENQUEUE / enqueue:,.0f}/s "
              "(each: Run + execution committed to Postgres, then enqueued)")
        Redis.from_url(urls["REDIS_URL"]).flushdb()

        for i in range(N_TASKS):
            runs.submit_diagnostic(echo=str(i))
        ours = _wall([sys.executable, "-m", "jobagent.cli", "worker", "--burst", "--queues", "default"], _env(urls))
        done = len(runs.list_runs(status="completed", limit=N_ENQUEUE + N_TASKS))
        assert done == N_TASKS, f"only {done} of {N_TASKS} diagnostic runs completed"

        q = Queue("default", connection=Redis.from_url(urls["REDIS_URL"]), serializer=JSONSerializer)
        for i in range(N_TASKS):
            q.enqueue("benchmarks.noop_task.noop", i)
        bare = _wall(["rq", "worker", "--burst", "--url", urls["REDIS_URL"], "--serializer",
                      "rq.serializers.JSONSerializer", "default"], _env({}))
        print(f"worker, {N_TASKS} tasks: jobagent engine {ours:.2f} s ({ours / N_TASKS * 1000:.1f} ms/task), "
              f"bare RQ no-op {bare:.2f} s ({bare / N_TASKS * 1000:.1f} ms/task), ratio {ours / bare:.2f}x "
              "(aim <= 2x)")

        ja = [_wall([sys.executable, "-m", "jobagent.cli", "--help"], _env({})) for _ in range(10)]
        rq_ = [_wall(["rq", "--help"], _env({})) for _ in range(10)]
        jm, rm = statistics.median(ja), statistics.median(rq_)
        print(f"CLI start-up (median of 10): jobagent --help {jm * 1000:.0f} ms, rq --help {rm * 1000:.0f} ms, "
              f"ratio {jm / rm:.2f}x (aim <= 1x)")
    finally:
        for srv in servers:
            srv.stop()


if __name__ == "__main__":
    main()
