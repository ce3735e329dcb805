"""What the dashboard's hashed CSP and the escaped Markdown report cost (issue 11, items 2 and 3).

Run: ``python benchmarks/bench_dashboard_csp.py`` (starts a loopback Redis and PostgreSQL unless REDIS_URL and
DATABASE_URL are set). Prints the time to serve rq-dashboard's job page through the shim (Flask test client,
real Redis) against the time spent hashing its inline scripts for the CSP, and the Markdown report for 1,000
matches against the same report with escaping switched off. Both ratios should stay small.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.servers import start_local_servers  # noqa: E402

SECRET = "benchmark-proxy-secret-0123456789"


def _best(fn: Callable[[], object], repeat: int = 7, number: int = 50) -> float:
    """Seconds per call: the median of ``repeat`` runs of ``number`` calls."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        runs.append((time.perf_counter() - start) / number)
    return statistics.median(runs)


def bench_csp() -> None:
    from jobagent.config import get_settings
    from jobagent.queue import get_queue
    from jobagent.web import create_app
    from jobagent.web.dashboard import inline_script_hashes

    settings = get_settings().model_copy(update={"dashboard_proxy_secret": SECRET, "api_tokens": "t" * 20})
    job = get_queue("default", settings).enqueue_call("jobagent.tasks.run_execution", args=["bench"],
                                                      description="workflow execution bench")
    client = create_app(settings).test_client()
    headers = {"X-Jobagent-Dashboard-Secret": SECRET}
    url = f"/rq/0/view/job/{job.id}"
    page = client.get(url, headers=headers)
    assert page.status_code == 200 and "'sha256-" in page.headers["Content-Security-Policy"]
    html = page.get_data(as_text=True)
    served = _best(lambda: client.get(url, headers=headers))
    hashing = _best(lambda: inline_script_hashes(html), number=500)
    print(f"dashboard job page ({len(html):,} chars): served in {served * 1e3:.2f} ms, "
          f"CSP hashing {hashing * 1e3:.3f} ms = {hashing / served:.1%} of it")
    job.delete()


def bench_report() -> None:
    from jobagent.postings import reports
    from jobagent.postings.schema import MatchResult, PostingData

    rows = []
    for i in range(1000):
        p = PostingData(source="bench", external_id=str(i), title=f"Senior <b>Backend</b> Engineer [{i}] | Python",
                        company=f"Acme_{i} & Co", url=f"https://jobs.example/{i}?a=1&b=(2)", location="Berlin",
                        salary_min=60000, salary_currency="EUR")
        match = MatchResult(posting=p, score=90, reasons=["matches Python, PostgreSQL", "title fits"])
        rows.append((match, "1 open role at Acme.\n- hiring in Berlin", "Dear Acme team,\n\nI apply.\n"))
    def render_cold() -> str:  # each run starts with an empty URL cache, as one real report does
        reports.markdown_url.cache_clear()
        return reports.render_report(query="backend", location="Berlin", profile_name="Ada", matches=rows)

    escaped = _best(render_cold, number=5)
    saved = reports.escape_markdown, reports.escape_markdown_block, reports.markdown_url
    reports.escape_markdown = lambda t: " ".join((t or "").split())  # type: ignore[assignment]
    reports.escape_markdown_block = lambda t: t.strip()  # type: ignore[assignment]
    reports.markdown_url = lambda u: u  # type: ignore[assignment]
    try:
        plain = _best(lambda: reports.render_report(query="backend", location="Berlin", profile_name="Ada",
                                                     matches=rows), number=5)
    finally:
        reports.escape_markdown, reports.escape_markdown_block, reports.markdown_url = saved
    print(f"Markdown report, 1,000 matches: {escaped * 1e3:.1f} ms escaped vs {plain * 1e3:.1f} ms unescaped "
          f"(ratio {escaped / plain:.2f})")


def main() -> None:
    started = start_local_servers()
    try:
        bench_csp()
        bench_report()
    finally:
        for server in reversed(started):
            server.stop()


if __name__ == "__main__":
    main()
