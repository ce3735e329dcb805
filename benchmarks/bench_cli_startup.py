"""CLI start-up: ``jobagent runs --json`` in embedded mode, against the bare interpreter, in one run.

Run: ``python benchmarks/bench_cli_startup.py`` (a temporary HOME holds the embedded SQLite store, with
the demo's four runs in it). Each command runs BENCH_REPEAT times as a fresh process, like a user or a
script calling it; the best and the median wall time are printed. Baselines, measured in the same run:
``python -c pass`` (the interpreter alone) and ``jobagent --version`` (the CLI assembled, no store).
The top imports of one ``runs --json`` (``python -X importtime``) show where the rest goes.
Aim (issue 15): ``runs --json`` <= 0.5 s.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JOBAGENT_") and k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(HOME=str(home), PYTHONPATH=str(ROOT))
    env.pop("XDG_DATA_HOME", None)
    return env


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Best and median wall time, and the best CPU time (user + system) of the child: on a shared, loaded
    machine the CPU figure moves much less than the wall time."""
    subprocess.run(argv, env=env, capture_output=True, check=True)  # warm the page cache and .pyc files
    times, cpus = [], []
    for _ in range(REPEAT):
        start, cpu = time.perf_counter(), _cpu()
        subprocess.run(argv, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
    return min(times), statistics.median(times), min(cpus)


def _top_imports(argv: list[str], env: dict[str, str], n: int = 8) -> list[tuple[int, str]]:
    out = subprocess.run([sys.executable, "-X", "importtime", *argv[1:]], env=env, capture_output=True,
                         text=True, check=True)
    rows = []
    for line in out.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.split("|")
            if cumulative.strip().isdigit() and not name.startswith("   "):  # top-level imports only
                rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:n]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = _env(home)
        cli = [sys.executable, "-m", "jobagent.cli"]
        subprocess.run([*cli, "demo"], env=env, capture_output=True, check=True)
        figures = {
            "python -c pass": _timed([sys.executable, "-c", "pass"], env),
            "jobagent --version": _timed([*cli, "--version"], env),
            "jobagent runs --json": _timed([*cli, "runs", "--json"], env),
        }
        for label, (best, median, cpu) in figures.items():
            print(f"{label:24s} wall best {best * 1000:6.0f} ms  median {median * 1000:6.0f} ms   "
                  f"cpu best {cpu * 1000:6.0f} ms")
        runs_best, bare = figures["jobagent runs --json"][0], figures["python -c pass"][0]
        print(f"runs --json / bare interpreter: {runs_best / bare:.1f}x wall, "
              f"{figures['jobagent runs --json'][2] / figures['python -c pass'][2]:.1f}x cpu; "
              f"runs --json - --version: {(runs_best - figures['jobagent --version'][0]) * 1000:.0f} ms; "
              f"aim <= 500 ms wall: {'met' if runs_best <= 0.5 else 'NOT met'} (load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
        print("largest top-level imports of runs --json (cumulative ms):")
        for micros, name in _top_imports([*cli, "runs", "--json"], env):
            print(f"  {micros / 1000:7.1f}  {name}")


if __name__ == "__main__":
    main()
