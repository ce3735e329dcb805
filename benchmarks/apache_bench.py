"""One ApacheBench (``ab``) run and the figures the HTTP benchmarks judge by, shared by ``bench_http`` and
``bench_http_submit`` so both read ab's output the same way (a missing figure is an error, not a zero)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


def run_ab(url: str, body: Path, token: str, *, requests: int, concurrency: int, workdir: Path) -> dict[str, float]:
    """POST ``body`` as JSON ``requests`` times at ``concurrency``.

    Returns completed, failed and non-2xx counts, requests per second, and p50/p99/max latency in ms."""
    percentiles = workdir / "percentiles.csv"
    cmd = ["ab", "-q", "-n", str(requests), "-c", str(concurrency), "-p", str(body), "-T", "application/json",
           "-H", f"Authorization: Bearer {token}", "-e", str(percentiles), "-s", "30", url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        raise SystemExit(f"ab failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")

    def number(label: str, default: float | None = None) -> float:
        match = re.search(rf"^{label}:\s+([\d.]+)", out.stdout, re.MULTILINE)
        if match is None:
            if default is None:
                raise SystemExit(f"no {label!r} in ab output:\n{out.stdout}")
            return default
        return float(match.group(1))

    by_percent = {int(float(p)): float(ms) for p, ms in
                  (line.split(",") for line in percentiles.read_text().splitlines()[1:])}
    return {"complete": number("Complete requests"), "failed": number("Failed requests"),
            "non_2xx": number("Non-2xx responses", 0.0), "rps": number("Requests per second"),
            "p50": by_percent[50], "p99": by_percent[99], "max": by_percent[100]}
