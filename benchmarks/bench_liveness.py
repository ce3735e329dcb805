"""Liveness re-check benchmark (issue 24 §5): 100 shown postings on 5 careers hosts, paced per host, and a
search's latency while the re-check fights hosts that never answer.

Run: ``python benchmarks/bench_liveness.py`` (starts a loopback PostgreSQL unless DATABASE_URL is set).

- **Pacing.** Five careers sites on 127.0.0.1 … 127.0.0.5 (five hosts to the per-host gate), 20 postings
  each, a fifth of them gone (404). The re-check runs with ``JOBAGENT_HOST_MIN_INTERVAL`` (0.25 s here) and,
  as the baseline in the same run, with no pacing; each site records its request times, so the figures are
  what the hosts saw: requests per host per minute and the smallest gap between two requests to one host.
- **Unreachable hosts.** The sites then stop answering (they accept and hang). A separate process (as a
  worker would) re-checks the postings against them, and this process times searches over the 20,000-posting
  store meanwhile; the ratio to the same searches with no re-check running is the figure (aim: ~1.0, since
  a search never waits on the network).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.servers import start_local_servers  # noqa: E402
from tests.posting_corpus import CITIES, PROFESSIONS, generate  # noqa: E402

if TYPE_CHECKING:
    from jobagent.postings.liveness_check import LivenessReport

HOSTS = [f"127.0.0.{i}" for i in range(1, 6)]
PER_HOST = 20
INTERVAL = float(os.environ.get("BENCH_INTERVAL", "0.25"))
STORE = 20_000
SEARCHES = 30


class Site(ThreadingHTTPServer):
    """One careers host: /jobs/N is live, /gone/N answers 404; ``hang`` makes it accept and never answer."""

    daemon_threads = True

    def __init__(self, host: str) -> None:
        super().__init__((host, 0), _Handler)
        self.host = host
        self.times: list[float] = []
        self.hang = threading.Event()
        self.lock = threading.Lock()
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.server_address[1]}{path}"


class _Handler(BaseHTTPRequestHandler):
    server: Site

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        with self.server.lock:
            self.server.times.append(time.monotonic())
        if self.server.hang.is_set():
            time.sleep(30)
            return
        gone = self.path.startswith("/gone/")
        body = (b"not found" if gone else
                b"<html><head><title>Nurse - careers</title></head><body><h1>Nurse</h1><p>Apply now.</p></body></html>")
        self.send_response(404 if gone else 200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _configure(pg_url: str, data_dir: str, interval: float, timeout: float = 2.0) -> dict[str, str]:
    from jobagent import submission
    from jobagent.config import get_settings

    values = {"DATABASE_URL": pg_url, "JOBAGENT_DATA_DIR": data_dir, "JOBAGENT_ALLOW_PRIVATE_URLS": "true",
              "JOBAGENT_HOST_MIN_INTERVAL": str(interval), "JOBAGENT_HTTP_TIMEOUT": str(timeout),
              "JOBAGENT_FETCH_DEADLINE": str(timeout), "JOBAGENT_LIVENESS_BUDGET": "600"}
    os.environ.update(values)
    get_settings.cache_clear()
    submission._schema_ready.clear()
    return values


def _seed(sites: list[Site]) -> list[str]:
    """20,000 postings in the store; 100 of them on the five sites, on a profile's board."""
    from jobagent.postings.harvest_store import store_harvest
    from jobagent.postings.schema import PostingData
    from jobagent.store.models import BoardEntry, Posting, UserProfile, utcnow
    from jobagent.store.session import session_scope

    raw = generate(STORE, seed=31)
    for i, site in enumerate(sites):
        for j in range(PER_HOST):
            n = i * PER_HOST + j
            raw[n] = {**raw[n], "url": site.url(f"/gone/{n}" if j % 5 == 0 else f"/jobs/{n}")}
    postings = [PostingData.model_validate({**p, "source": "feed:bench", "external_id": p["id"]}) for p in raw]
    with session_scope() as s:
        store_harvest(s, "feed:bench", postings, utcnow(), complete=True, close_after=2)
    with session_scope() as s:
        profile = UserProfile(name="Bench", email="bench@example.org", location="Leeds")
        s.add(profile)
        s.flush()
        ids = [pid for (pid,) in s.query(Posting.id).filter(Posting.url.like("http://127.0.0.%"))]
        when = utcnow() - timedelta(hours=2)
        for pid in ids:
            s.add(BoardEntry(profile_id=profile.id, posting_id=pid, repost_key=pid[:40], state="new",
                             best_score=50.0, first_found_at=when, last_found_at=when, changed_at=when))
    return ids


def _reset(ids: list[str]) -> None:
    """Forget the checks and reopen the postings, so the next pass re-checks all 100 again."""
    from sqlalchemy import delete, update

    from jobagent.store.models import Posting, PostingCheck
    from jobagent.store.session import session_scope

    with session_scope() as s:
        s.execute(delete(PostingCheck))
        s.execute(update(Posting).where(Posting.id.in_(ids)).values(closed_at=None, closed_reason=None))


def _pass(sites: list[Site]) -> tuple[float, LivenessReport, list[float], float]:
    from jobagent.postings.liveness_check import run_liveness_check

    for site in sites:
        site.times.clear()
    began = time.perf_counter()
    report = run_liveness_check()
    wall = time.perf_counter() - began
    gaps = [b - a for site in sites for a, b in zip(site.times, site.times[1:], strict=False)]
    # n requests span n - 1 intervals: the rate a host sees is over the time between its first and last
    per_minute = [(len(t) - 1) / max(t[-1] - t[0], 1e-9) * 60 for t in (site.times for site in sites) if len(t) > 1]
    return wall, report, per_minute, min(gaps) if gaps else 0.0


def _search_times() -> list[float]:
    import random

    from sqlalchemy import select

    from jobagent.postings.matching import rank_postings
    from jobagent.postings.schema import ProfileFacts
    from jobagent.postings.search import find_candidates
    from jobagent.store.models import Posting
    from jobagent.store.session import session_scope
    from jobagent.workflows.job_search import _posting_data

    rng = random.Random(5)
    roles = list(PROFESSIONS)
    out = []
    for i in range(SEARCHES):
        role = roles[i % len(roles)]
        profile = ProfileFacts(name="P", email="p@example.org", location=rng.choice(CITIES),
                               skills=PROFESSIONS[role][:5], suggested_titles=[role])
        began = time.perf_counter()
        with session_scope() as s:
            found = find_candidates(s, role, profile, limit=300)
            rows = s.scalars(select(Posting).where(Posting.id.in_(found.posting_ids))).all()
            postings = [_posting_data(r) for r in rows]
        rank_postings(profile, postings, query=role, location=profile.location, limit=5)
        out.append(time.perf_counter() - began)
    return out


def main() -> None:
    import tempfile

    from sqlalchemy import text

    from jobagent.store.migrate import upgrade
    from jobagent.store.session import get_engine

    started = start_local_servers(redis=False)
    pg_url = os.environ["DATABASE_URL"]
    sites = [Site(host) for host in HOSTS]
    result: dict[str, object] = {"bench": "liveness", "postings": len(HOSTS) * PER_HOST, "hosts": len(HOSTS),
                                 "interval_s": INTERVAL}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            upgrade(pg_url)
            with get_engine(pg_url).begin() as conn:
                conn.execute(text("TRUNCATE postings, posting_sources, sources, user_profiles CASCADE"))
            env = _configure(pg_url, tmp, INTERVAL)
            ids = _seed(sites)
            _configure(pg_url, tmp, 0.0)
            base_wall, base_report, base_rate, base_gap = _pass(sites)
            _reset(ids)
            _configure(pg_url, tmp, INTERVAL)
            wall, report, rate, gap = _pass(sites)
            print(f"unpaced  : {base_report.checked} checked, {base_report.closed} closed in {base_wall:.2f} s; "
                  f"{statistics.mean(base_rate):.0f} requests/host/min, smallest gap {base_gap * 1000:.0f} ms")
            print(f"paced    : {report.checked} checked, {report.closed} closed in {wall:.2f} s; "
                  f"{statistics.mean(rate):.0f} requests/host/min (max {max(rate):.0f}; the interval allows "
                  f"{60 / INTERVAL:.0f}), smallest gap {gap * 1000:.0f} ms (interval {INTERVAL * 1000:.0f} ms) "
                  f"-> {wall / base_wall:.1f}x the unpaced wall time")
            result.update(checked=report.checked, closed=report.closed, wall_s=round(wall, 2),
                          unpaced_wall_s=round(base_wall, 2), requests_per_host_per_min=round(max(rate), 1),
                          smallest_gap_ms=round(gap * 1000, 1), pacing_held=gap >= INTERVAL * 0.95)

            _reset(ids)
            _search_times()  # warm
            idle = _search_times()
            for site in sites:
                site.hang.set()
            worker = subprocess.Popen([sys.executable, "-c", "from jobagent.postings.liveness_check import "
                                       "run_liveness_check; print(run_liveness_check().as_dict())"],
                                      env={**os.environ, **env, "JOBAGENT_HTTP_TIMEOUT": "1",
                                           "JOBAGENT_FETCH_DEADLINE": "1", "JOBAGENT_LIVENESS_BUDGET": "15",
                                           "PYTHONPATH": str(ROOT)},
                                      cwd=ROOT, stdout=subprocess.PIPE, text=True)
            time.sleep(1.0)
            busy = _search_times()
            still_running = worker.poll() is None
            out, _ = worker.communicate(timeout=600)
            ratio = statistics.median(busy) / statistics.median(idle)
            print(f"searches : p50 {statistics.median(idle) * 1000:.0f} ms idle, "
                  f"{statistics.median(busy) * 1000:.0f} ms while a re-check waits on 5 hanging hosts "
                  f"({'still running' if still_running else 'finished early'} at the end) -> {ratio:.2f}x")
            print(f"re-check against hanging hosts: {out.strip()}")
            result.update(search_p50_idle_ms=round(statistics.median(idle) * 1000, 1),
                          search_p50_during_ms=round(statistics.median(busy) * 1000, 1),
                          search_ratio=round(ratio, 2), recheck_overlapped=still_running)
    finally:
        for site in sites:
            site.shutdown()
            site.server_close()
        for server in started:
            server.stop()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
