"""Per-task overhead of jobagent's workers against bare RQ, and worker memory over many tasks (issue 16).

Run: ``python benchmarks/bench_task_overhead.py`` (starts its own Redis and PostgreSQL unless REDIS_URL and
DATABASE_URL are set). One run prints four pairs measured back to back on the same servers:

- jobagent forking worker (diagnostic workflow: claim, lease, record in PostgreSQL) vs a stock ``rq worker``
  running a no-op task (fork per task, nothing else);
- ``jobagent worker --pool 1`` vs RQ's ``SimpleWorker`` no-op (no fork; the same process runs every task);
- the RSS of the pooled work-horse after 100 and after 1,000 tasks (``--max-jobs`` above 1,000, so the same
  process is measured twice).

Each pair is measured in ``BENCH_ROUNDS`` interleaved rounds (default 3) and the median reported, since the
machine is shared. Per-task time is the span from the first task's start to the last one's end, divided by
the number of gaps, both read from RQ's own job records, so worker start-up (imports, preload) is left out
on both sides.
Compare the ratios, not absolute times: this machine is shared and noisy. Each line also gives the CPU
time per task of the worker's whole process tree (main process and every work-horse, from the rusage of
reaped children), less that of a start-up on an empty queue: less sensitive to other load than wall time,
and it shows what the wall-clock span hides (a forking worker's exiting work-horse overlaps the next task
on a second core, but still costs CPU).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N_TASKS = int(os.environ.get("BENCH_TASKS", "200"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
RSS_EARLY, RSS_LATE = 100, 1000


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, **(extra or {}), "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}


def _submit(n: int) -> list[str]:
    """Diagnostic executions through the submission path (rows committed, then enqueued); their ids."""
    from jobagent.config import get_settings
    from jobagent.submission import SubmissionSpec, submit_specs

    ids: list[str] = []
    for start in range(0, n, 500):
        specs = [SubmissionSpec("diagnostic", "default", {"echo": str(i)}) for i in range(start, min(n, start + 500))]
        ids += [sub.execution_id for sub in submit_specs(specs, get_settings())]
    return ids


def _span_per_task(ids: list[str]) -> float:
    """Seconds per task between the first start and the last end, from the RQ job hashes."""
    from jobagent.queue import get_redis

    redis = get_redis()
    starts, ends = [], []
    for job_id in ids:
        started, ended = redis.hmget(f"rq:job:{job_id}", ["started_at", "ended_at"])
        assert started and ended, f"task {job_id} has no start/end record"
        starts.append(_ts(started))
        ends.append(_ts(ended))
    return (max(ends) - min(starts)) / max(len(ids) - 1, 1)


def _ts(raw: bytes | str) -> float:
    from datetime import UTC, datetime

    text = (raw.decode() if isinstance(raw, bytes) else raw).rstrip("Z")
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def _completed(ids: list[str]) -> int:
    from sqlalchemy import func, select

    from jobagent.store.models import WorkflowExecution
    from jobagent.store.session import session_scope

    with session_scope() as s:
        return int(s.scalar(select(func.count()).select_from(WorkflowExecution)
                            .where(WorkflowExecution.id.in_(ids), WorkflowExecution.status == "completed")) or 0)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_worker(argv: list[str]) -> float:
    """Run a burst worker to its end; the CPU seconds its process tree used."""
    before = _children_cpu()
    subprocess.run(argv, env=_env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return _children_cpu() - before


def _jobagent_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "jobagent.cli", "worker", "--burst", "--queues", "default", *args]


def _rq_argv(worker_class: str) -> list[str]:
    return ["rq", "worker", "--burst", "--url", os.environ["REDIS_URL"], "--serializer",
            "rq.serializers.JSONSerializer", "--worker-class", worker_class, "default"]


def _jobagent(ids: list[str], *args: str) -> tuple[float, float]:
    """(seconds per task from RQ's records, CPU seconds of the whole run)."""
    cpu = _run_worker(_jobagent_argv(*args))
    done = _completed(ids)
    assert done == len(ids), f"only {done} of {len(ids)} diagnostic executions completed"
    return _span_per_task(ids), cpu


def _bare_rq(worker_class: str) -> tuple[float, float]:
    from redis import Redis
    from rq import Queue
    from rq.serializers import JSONSerializer

    q = Queue("default", connection=Redis.from_url(os.environ["REDIS_URL"]), serializer=JSONSerializer)
    ids = [q.enqueue("benchmarks.noop_task.noop", i, result_ttl=3600).id for i in range(N_TASKS)]
    cpu = _run_worker(_rq_argv(worker_class))
    return _span_per_task(ids), cpu


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def _pooled_horse(master: int) -> int:
    """The one work-horse of ``--pool 1`` (the master's only child)."""
    [horse] = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(horse)


def _rss_run(*args: str, pooled: bool) -> tuple[int, int]:
    """RSS (kB) of the long-lived worker process after RSS_EARLY and after RSS_LATE diagnostic tasks.

    Forking: the main process (each work-horse dies with its task). Pooled: the one work-horse, kept
    alive through all the tasks by a ``--max-jobs`` above RSS_LATE.
    """
    proc = subprocess.Popen([sys.executable, "-m", "jobagent.cli", "worker", "--queues", "default", *args],
                            env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        early_ids = _submit(RSS_EARLY)
        _wait_completed(early_ids)
        pid = _pooled_horse(proc.pid) if pooled else proc.pid
        early = _rss_kb(pid)
        late_ids = early_ids + _submit(RSS_LATE - RSS_EARLY)
        _wait_completed(late_ids)
        assert not pooled or _pooled_horse(proc.pid) == pid, "the pooled work-horse was recycled mid-measure"
        late = _rss_kb(pid)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return early, late


def _wait_completed(ids: list[str], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while _completed(ids) < len(ids):
        if time.monotonic() > deadline:
            raise AssertionError(f"only {_completed(ids)} of {len(ids)} completed in {timeout} s")
        time.sleep(0.2)


def _report(ours_label: str, ours: list[tuple[float, float]], ours_idle: float, base_label: str,
            base: list[tuple[float, float]], base_idle: float, aim: str) -> None:
    ratios = [o / b for (o, _), (b, _) in zip(ours, base, strict=True)]
    cpu_ours = [(c - ours_idle) / N_TASKS for _, c in ours]
    cpu_base = [(c - base_idle) / N_TASKS for _, c in base]
    cpu_ratio = statistics.median(o / b for o, b in zip(cpu_ours, cpu_base, strict=True))
    print(f"  {ours_label} {statistics.median(o for o, _ in ours) * 1000:.1f} ms/task, {base_label} "
          f"{statistics.median(b for b, _ in base) * 1000:.1f} ms/task, ratio {statistics.median(ratios):.2f}x "
          f"[{', '.join(f'{r:.2f}' for r in ratios)}] ({aim}); CPU {statistics.median(cpu_ours) * 1000:.1f} vs "
          f"{statistics.median(cpu_base) * 1000:.1f} ms/task, ratio {cpu_ratio:.2f}x")


def main() -> None:
    from benchmarks.servers import start_local_servers

    servers = start_local_servers()
    try:
        from redis import Redis

        from jobagent.store.migrate import upgrade

        upgrade()
        Redis.from_url(os.environ["REDIS_URL"]).flushdb()
        # CPU of a start-up alone (an empty queue: the burst worker starts and stops), subtracted per side
        idle = {"fork": _run_worker(_jobagent_argv()), "bare": _run_worker(_rq_argv("rq.worker.Worker")),
                "pool": _run_worker(_jobagent_argv("--pool", "1")),
                "simple": _run_worker(_rq_argv("rq.worker.SimpleWorker"))}
        fork, bare_fork, pool, simple = [], [], [], []
        for _ in range(ROUNDS):  # interleaved, so a burst of load elsewhere hits both sides of a ratio
            fork.append(_jobagent(_submit(N_TASKS)))
            bare_fork.append(_bare_rq("rq.worker.Worker"))
            pool.append(_jobagent(_submit(N_TASKS), "--pool", "1", "--max-jobs", str(N_TASKS * 2)))
            simple.append(_bare_rq("rq.worker.SimpleWorker"))
        print(f"{N_TASKS} trivial tasks per side and round, {ROUNDS} interleaved rounds, same Redis and PostgreSQL "
              "(medians; per-round ratios in brackets):")
        _report("fork: jobagent", fork, idle["fork"], "bare RQ Worker no-op", bare_fork, idle["bare"], "aim <= 1.5x")
        _report("pool: jobagent --pool 1", pool, idle["pool"], "RQ SimpleWorker no-op", simple, idle["simple"],
                "compared")
        for label, args, pooled in (("forking worker (main process)", (), False),
                                     ("pooled work-horse", ("--pool", "1", "--max-jobs", str(RSS_LATE * 2)), True)):
            early, late = _rss_run(*args, pooled=pooled)
            print(f"  RSS of the {label}: {early / 1024:.1f} MiB after {RSS_EARLY} tasks, {late / 1024:.1f} MiB "
                  f"after {RSS_LATE}, growth {(late - early) / early * 100:+.1f} % (aim within 10 %)")
    finally:
        for srv in servers:
            srv.stop()


if __name__ == "__main__":
    main()
