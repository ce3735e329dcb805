"""Submit throughput from one process: jobagent's public submit function vs Celery ``delay`` vs bare RQ.

Run: ``python benchmarks/bench_submit.py`` (needs the ``bench`` extra: ``pip install -e '.[bench]'``; starts its
own Redis and PostgreSQL unless REDIS_URL and DATABASE_URL are set). Knobs: BENCH_SUBMITS (500 per round),
BENCH_ROUNDS (16).

The peers run in many short interleaved rounds on the same Redis, so a noisy neighbour on this shared
machine slows all of them alike; each rate is the median round, and each ratio the median of the ratios
within a round (two peers measured a second apart), which a burst of load on the machine moves least.
jobagent's figure is the whole promise: a Run and its WorkflowExecution committed to PostgreSQL (marked
enqueued), then the task queued on RQ, or the row marked failed.
Celery's ``delay`` and RQ's ``enqueue`` only write to Redis. Afterwards the benchmark checks that every
submission left one pending, enqueued row and one queued task. Aims: >= 1,000/s and >= 1.5x Celery.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUBMITS = int(os.environ.get("BENCH_SUBMITS", "500"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "16"))


def _rate(n: int, call: Callable[[int], object]) -> float:
    t0 = time.perf_counter()
    for i in range(n):
        call(i)
    return n / (time.perf_counter() - t0)


BATCH = int(os.environ.get("BENCH_BATCH", "100"))
BATCHED: list[int] = [0]  # submissions the batched peer made (its warm-up is a whole batch)


def _batched() -> Callable[[int], object]:
    """Every BATCH-th call submits BATCH diagnostics through ``submission.submit_specs`` (what the daily
    fan-out and any bulk producer call): the same guarantees, a fixed number of round trips per batch."""
    from jobagent.config import get_settings
    from jobagent.submission import SubmissionSpec, submit_specs

    def call(i: int) -> object:
        if i % BATCH:
            return None
        specs = [SubmissionSpec("diagnostic", "default", {"sleep_seconds": 0.0, "echo": f"{i}-{k}"})
                 for k in range(BATCH)]
        BATCHED[0] += BATCH
        return submit_specs(specs, get_settings())

    return call


def _peers(redis_url: str) -> dict[str, Callable[[int], object]]:
    """The three submit calls, each warmed up so no round pays for imports or first connections."""
    from celery import Celery  # type: ignore[import-untyped]
    from redis import Redis
    from rq import Queue
    from rq.serializers import JSONSerializer

    from jobagent.api import runs

    celery = Celery("bench", broker=redis_url)
    celery.conf.update(task_ignore_result=True, broker_connection_retry_on_startup=False)

    @celery.task(name="bench.noop")
    def noop(i: int) -> int:
        return i

    rq_queue = Queue("bench-rq", connection=Redis.from_url(redis_url), serializer=JSONSerializer)
    peers: dict[str, Callable[[int], object]] = {
        "jobagent submit_diagnostic": lambda i: runs.submit_diagnostic(echo=str(i)),
        f"jobagent submit_specs x{BATCH}": _batched(),
        "Celery delay": lambda i: noop.delay(i),
        "bare RQ enqueue": lambda i: rq_queue.enqueue("benchmarks.noop_task.noop", i),
    }
    for call in peers.values():
        _rate(50, call)
    return peers


def main() -> None:
    from benchmarks.servers import start_local_servers, submitted_state

    servers = start_local_servers()
    redis_url = os.environ["REDIS_URL"]
    try:
        from redis import Redis

        from jobagent.store.migrate import upgrade

        upgrade(os.environ["DATABASE_URL"])
        Redis.from_url(redis_url).flushdb()
        peers = _peers(redis_url)
        rates: dict[str, list[float]] = {name: [] for name in peers}
        for _ in range(ROUNDS):
            for name, call in peers.items():
                rates[name].append(_rate(SUBMITS, call))
        median = {name: statistics.median(r) for name, r in rates.items()}
        ours_r, batched_r, celery_r, rq_r = rates.values()

        def ratio(a: list[float], b: list[float]) -> float:
            return statistics.median(x / y for x, y in zip(a, b, strict=True))

        ours = median["jobagent submit_diagnostic"]
        batched = median[f"jobagent submit_specs x{BATCH}"]
        print(f"submit throughput, one process, {ROUNDS} interleaved rounds of {SUBMITS}, same Redis, "
              f"{os.cpu_count()} CPUs (median round; all rounds in brackets)")
        for name, rate in median.items():
            print(f"  {name:28s} {rate:8,.0f}/s  [{', '.join(f'{r:,.0f}' for r in rates[name])}]")
        print(f"  ratio jobagent / Celery delay: {ratio(ours_r, celery_r):.2f}x (aim >= 1.5x; median of the "
              f"per-round ratios); jobagent / bare RQ: {ratio(ours_r, rq_r):.2f}x; "
              f"jobagent >= 1,000/s: {'yes' if ours >= 1000 else 'NO'}")
        print(f"  ratio jobagent batched x{BATCH} / Celery delay: {ratio(batched_r, celery_r):.2f}x; "
              f">= 1,000/s: {'yes' if batched >= 1000 else 'NO'}")
        submitted = 50 + ROUNDS * SUBMITS + BATCHED[0]
        rows, ready, queued = submitted_state(redis_url)
        ok = rows == ready == queued == submitted
        print(f"  consistent: {'yes' if ok else 'NO'} ({submitted} submitted; {rows} execution rows, "
              f"{ready} pending + enqueued, {queued} queued tasks)")
        if not ok:
            raise SystemExit(1)
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
