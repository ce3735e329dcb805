"""Relevance bench (issue 24 §1): do the right postings come first, for people nobody here wrote?

Run: ``python benchmarks/bench_relevance.py`` (starts a loopback PostgreSQL unless DATABASE_URL is set;
``BENCH_ONLY=sqlite`` or ``postgresql`` runs one backend, ``BENCH_FILLER`` sets the number of unrelated
postings, 3,000 by default). For each persona of ``tests/relevance_corpus.py`` (16 trades, 6 countries'
languages) it builds the profile from the persona's CV, runs its ``--from-profile`` searches and a plain
title + city search, and prints recall@5, nDCG@10, MRR and the decoys ranked above the best right posting,
with their kinds. The last line is one JSON object with both backends' figures; the CI slice of this bench
(tests/integration/test_relevance_bench.py) holds them to the floor in tests/relevance_floor.json.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.servers import start_local_servers  # noqa: E402
from tests.relevance_bench import run_bench  # noqa: E402


def _use(url: str, data_dir: str) -> None:
    from jobagent import submission
    from jobagent.config import get_settings
    from jobagent.store.migrate import upgrade

    os.environ["DATABASE_URL"] = url
    os.environ["JOBAGENT_DATA_DIR"] = data_dir
    os.environ.pop("REDIS_URL", None)  # the embedded path: every run in-process, as a laptop user has it
    get_settings.cache_clear()
    submission._schema_ready.clear()
    upgrade(url)  # a named database is migrated by its operator (`jobagent db upgrade`), as here


def main() -> None:
    only = os.environ.get("BENCH_ONLY", "")
    filler = int(os.environ.get("BENCH_FILLER", "3000"))
    started = start_local_servers(redis=False) if only in ("", "postgresql") else []
    pg_url = os.environ.get("DATABASE_URL", "")
    figures: dict[str, dict[str, object]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            backends = [("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"), ("postgresql", pg_url)]
            for name, url in backends:
                if only and only != name:
                    continue
                work = Path(tmp) / name
                work.mkdir()
                _use(url, str(work / "data"))
                t0 = time.perf_counter()
                summary = run_bench(work, filler=filler, printer=lambda line, n=name: print(f"[{n}] {line}"))
                summary["seconds"] = round(time.perf_counter() - t0, 1)
                figures[name] = summary
                print(json.dumps({"bench": "relevance", "backend": name, **summary}))
    finally:
        for server in started:
            server.stop()
    print(json.dumps({"bench": "relevance", "filler": filler, **figures}))


if __name__ == "__main__":
    main()
