"""HTTP shim under load: 10,000 ``POST /workflow/profiling`` at concurrency 50 with ApacheBench.

Run: ``python benchmarks/bench_http.py`` (needs ``ab`` from apache2-utils; starts its own Redis and
PostgreSQL unless REDIS_URL / DATABASE_URL are set, and ``jobagent serve`` on a free port).
Knobs: BENCH_REQUESTS (10000), BENCH_CONCURRENCY (50), BENCH_WORKERS (gunicorn workers, 2 x CPUs + 1).

Afterwards it checks the promise the API makes: every 202 has its execution row in Postgres (pending,
marked enqueued) and a task on the queue, so the queue depth equals the number of accepted requests.
Aim on a 2-core machine: >= 300 req/s, p99 < 100 ms, 0 non-2xx.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "10000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "50"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
ACCESS_LOG = os.environ.get("BENCH_ACCESS_LOG", "1") != "0"  # production logs every request; 0 to compare


def _warm_up(url: str, body: bytes, token: str) -> int:
    """Enough concurrent requests that every gunicorn worker has run the request path once (lazy imports)."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    count = 10 * WORKERS
    with ThreadPoolExecutor(WORKERS * 2) as pool:
        codes = list(pool.map(lambda _: httpx.post(url, content=body, headers=headers).status_code, range(count)))
    assert codes == [202] * count, codes
    return count


def main() -> None:
    if not shutil.which("ab"):
        raise SystemExit("ab not found: apt-get install apache2-utils")
    from benchmarks.apache_bench import run_ab
    from benchmarks.servers import start_local_servers, submitted_state
    from tests.web_stack import TOKEN, WebStack

    servers = start_local_servers()
    workdir = Path(tempfile.mkdtemp(prefix="jobagent-bench-http-"))
    stack = WebStack({"REDIS_URL": os.environ["REDIS_URL"], "DATABASE_URL": os.environ["DATABASE_URL"],
                      "API_TOKENS": TOKEN, "JOBAGENT_ALLOW_PRIVATE_URLS": "1"}, workdir)
    try:
        from jobagent.store.migrate import upgrade

        upgrade(os.environ["DATABASE_URL"])
        base = stack.start_shim(WORKERS, *([] if ACCESS_LOG else ["--no-access-log"]))
        body = workdir / "profiling.json"
        # Not fetched during the benchmark (no worker runs); the submit path only validates the URL.
        body.write_text(json.dumps({"name": "Bench User", "email": "bench@example.com",
                                    "cv_urls": ["http://127.0.0.1:9/cv.md"], "location": "Berlin"}))
        warmed = _warm_up(f"{base}/workflow/profiling", body.read_bytes(), TOKEN)
        stats = run_ab(f"{base}/workflow/profiling", body, TOKEN, requests=REQUESTS,
                       concurrency=CONCURRENCY, workdir=workdir)
        rows, ready, queued = submitted_state(os.environ["REDIS_URL"])
        accepted = int(stats["complete"] - stats["non_2xx"] - stats["failed"]) + warmed
        print(f"POST /workflow/profiling x {REQUESTS} at concurrency {CONCURRENCY}, gunicorn {WORKERS} workers, "
              f"access log {'on' if ACCESS_LOG else 'off'}, "
              f"{os.cpu_count()} CPUs")
        print(f"  {stats['rps']:.0f} req/s, p50 {stats['p50']:.0f} ms, p99 {stats['p99']:.0f} ms, "
              f"max {stats['max']:.0f} ms; failed {stats['failed']:.0f}, non-2xx {stats['non_2xx']:.0f}")
        print(f"  accepted {accepted}; execution rows {rows} ({ready} pending + enqueued); queued tasks {queued}")
        ok = (stats["non_2xx"] == 0 and stats["failed"] == 0 and rows == ready == queued == accepted)
        aim = stats["rps"] >= 300 and stats["p99"] < 100
        print(f"  consistent: {'yes' if ok else 'NO'}; aim (>= 300 req/s, p99 < 100 ms): {'yes' if aim else 'NO'}")
        if not ok:
            raise SystemExit(f"inconsistent; logs kept in {workdir}")
        shutil.rmtree(workdir, ignore_errors=True)
    finally:
        stack.stop()
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
