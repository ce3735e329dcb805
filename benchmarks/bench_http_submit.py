"""The HTTP submit path against the machine's limit: ``POST /workflow/profiling`` vs a no-op WSGI app.

Run: ``python benchmarks/bench_http_submit.py`` (needs ``ab`` from apache2-utils; starts its own Redis and
PostgreSQL unless REDIS_URL / DATABASE_URL are set). Knobs: BENCH_REQUESTS (5000 per ab run), BENCH_THREADS
and BENCH_WORKERS (threads per gunicorn worker and workers; default: what ``jobagent serve`` uses, 32
gthread threads x one worker per CPU (at least 2); BENCH_THREADS=1 is the sync worker), BENCH_ACCESS_LOG (1: on, as in
production), BENCH_CONFIGS (e.g. ``1x5,16x3,8x2``: threads x workers, several configurations in one run),
BENCH_ROUNDS (3: ab runs per app and concurrency, alternating; the figures are medians, the ratio the median
of each round's submit/no-op pair, so a burst of load from elsewhere on the machine skews one round, not all).

Both servers run under the command line ``jobagent serve`` builds (``gunicorn_argv``, its hooks module
included), differing only in the app: jobagent's shim (``create_app()``: Flask, with the submit routes'
WSGI door in front), or ``benchmarks/noop_wsgi.py`` (reads the body, answers 202 with a fixed body).
The ab runs alternate between the two at concurrency 50, 10 and 20, in this one run. Afterwards it
checks that every 202 left its execution row (pending, marked enqueued) and its queued task.
Aim (issue 16, aim 3): submit route >= 0.5x the no-op's requests per second at concurrency 50.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "5000"))
WORKERS = os.environ.get("BENCH_WORKERS")
THREADS = os.environ.get("BENCH_THREADS")
ACCESS_LOG = os.environ.get("BENCH_ACCESS_LOG", "1") != "0"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
NOOP_APP = "benchmarks.noop_wsgi:app"


def _configs() -> list[tuple[int, int]]:
    """(threads, workers) pairs to measure: BENCH_CONFIGS, else one, ``jobagent serve``'s (or the knobs')."""
    from jobagent.cli.web import DEFAULT_THREADS, default_workers

    if os.environ.get("BENCH_CONFIGS"):
        pairs = [item.split("x") for item in os.environ["BENCH_CONFIGS"].split(",")]
        return [(int(t), int(w)) for t, w in pairs]
    threads = int(THREADS or DEFAULT_THREADS)
    return [(threads, int(WORKERS or default_workers(threads)))]


def _serve(app: str, env: dict[str, str], workdir: Path, name: str, threads: int,
           workers: int) -> tuple[subprocess.Popen[bytes], str, list[str]]:
    """gunicorn with ``jobagent serve``'s exact options, serving ``app``."""
    from jobagent.cli.web import APP_FACTORY, gunicorn_argv
    from tests.servers import free_port
    from tests.web_stack import wait_for_port

    port = free_port()
    argv = gunicorn_argv("127.0.0.1", port, workers, threads=threads, access_log=ACCESS_LOG)
    assert argv[-1] == APP_FACTORY
    argv = [*argv[:-1], app]
    log = workdir / f"{name}.log"
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    wait_for_port(port, proc, log)
    return proc, f"http://127.0.0.1:{port}", argv[:-1]


def _warm_up(url: str, body: bytes, token: str, workers: int) -> int:
    """Every gunicorn worker runs the request path once (lazy imports, first connections) before timing."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    count = 10 * workers
    with ThreadPoolExecutor(workers * 2) as pool:
        codes = list(pool.map(lambda _: httpx.post(url, content=body, headers=headers, timeout=60).status_code,
                              range(count)))
    assert codes == [202] * count, codes
    return count


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    proc.wait(timeout=30)


def _measure(threads: int, workers: int, env: dict[str, str], workdir: Path, body: Path) -> tuple[int, int]:
    """One configuration: both apps under it, ab alternating between them; returns (accepted, bad)."""
    from benchmarks.apache_bench import run_ab
    from tests.web_stack import TOKEN

    shim, shim_url, shim_argv = _serve("jobagent.web:create_app()", env, workdir, "shim", threads, workers)
    try:
        noop, noop_url, noop_argv = _serve(NOOP_APP, env, workdir, "noop", threads, workers)
    except BaseException:
        _stop(shim)
        raise
    try:
        def unbound(argv: list[str]) -> list[str]:
            return [a for a in argv if not a.startswith("127.0.0.1:")]

        assert unbound(shim_argv) == unbound(noop_argv)  # all but the port: the same gunicorn configuration
        accepted = _warm_up(f"{shim_url}/workflow/profiling", body.read_bytes(), TOKEN, workers)
        _warm_up(f"{noop_url}/workflow/profiling", body.read_bytes(), TOKEN, workers)
        kind = f"gthread {workers} workers x {threads} threads" if threads > 1 else f"sync {workers} workers"
        print(f"gunicorn {kind} (jobagent serve's options), access log {'on' if ACCESS_LOG else 'off'}", flush=True)
        bad = 0
        for concurrency in (50, 10, 20):
            pairs = []
            for _ in range(ROUNDS):
                ours = run_ab(f"{shim_url}/workflow/profiling", body, TOKEN, requests=REQUESTS,
                              concurrency=concurrency, workdir=workdir)
                base = run_ab(f"{noop_url}/workflow/profiling", body, TOKEN, requests=REQUESTS,
                              concurrency=concurrency, workdir=workdir)
                accepted += int(ours["complete"] - ours["non_2xx"] - ours["failed"])
                bad += int(ours["non_2xx"] + ours["failed"] + base["non_2xx"] + base["failed"])
                pairs.append((ours, base))
            ratio = median(o["rps"] / b["rps"] for o, b in pairs)
            ours, base = ({k: median(p[i][k] for p in pairs) for k in ("rps", "p50", "p99")} for i in (0, 1))
            aim = f"; aim >= 0.5x: {'yes' if ratio >= 0.5 else 'NO'}" if concurrency == 50 else ""
            spread = ", ".join(f"{o['rps'] / b['rps']:.2f}" for o, b in pairs)
            print(f"  c={concurrency:2d}  submit {ours['rps']:6.0f} req/s p50 {ours['p50']:4.0f} ms p99 "
                  f"{ours['p99']:4.0f} ms | no-op {base['rps']:6.0f} req/s p50 {base['p50']:4.0f} ms p99 "
                  f"{base['p99']:4.0f} ms | ratio {ratio:.2f}x (rounds {spread}){aim}", flush=True)
        return accepted, bad
    finally:
        _stop(shim)
        _stop(noop)


def main() -> None:
    if not shutil.which("ab"):
        raise SystemExit("ab not found: apt-get install apache2-utils")
    from benchmarks.servers import start_local_servers, submitted_state
    from tests.web_stack import TOKEN

    servers = start_local_servers()
    workdir = Path(tempfile.mkdtemp(prefix="jobagent-bench-http-submit-"))
    env = {**os.environ, "API_TOKENS": TOKEN, "JOBAGENT_ALLOW_PRIVATE_URLS": "1",
           "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    try:
        from jobagent.store.migrate import upgrade

        upgrade(os.environ["DATABASE_URL"])
        body = workdir / "profiling.json"
        body.write_text(json.dumps({"name": "Bench User", "email": "bench@example.com",
                                    "cv_urls": ["http://127.0.0.1:9/cv.md"], "location": "Berlin"}))
        print(f"POST /workflow/profiling vs no-op 202, {REQUESTS} requests per ab run, {os.cpu_count()} CPUs")
        accepted = bad = 0
        for threads, workers in _configs():
            more, worse = _measure(threads, workers, env, workdir, body)
            accepted, bad = accepted + more, bad + worse
        rows, ready, queued = submitted_state(os.environ["REDIS_URL"])
        ok = bad == 0 and rows == ready == queued == accepted
        print(f"  consistent: {'yes' if ok else 'NO'} ({accepted} accepted; {rows} execution rows, {ready} pending "
              f"+ enqueued, {queued} queued tasks; {bad} failed or non-2xx)")
        if not ok:
            raise SystemExit(f"inconsistent; logs kept in {workdir}")
        shutil.rmtree(workdir, ignore_errors=True)
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
