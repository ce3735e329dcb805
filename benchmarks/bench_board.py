"""``board`` for a profile with 20,000 board rows, on PostgreSQL and on SQLite, from a warm start-up.

Run: ``python benchmarks/bench_board.py`` (starts its own PostgreSQL unless DATABASE_URL is set; the SQLite
file goes to a temporary directory). A second profile holds another 20,000 rows, so the query must pick one
profile's rows rather than read the whole table. The baseline, measured in the same run on the same data,
is a plain SELECT of the same rows and columns (what the store costs before any view model is built).
Aims (issue 14): <= 200 ms on PostgreSQL, <= 500 ms on SQLite.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N = int(os.environ.get("BENCH_BOARD_ROWS", "20000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))


def _timed(fn: Callable[[], object]) -> tuple[float, float, float]:
    """Best and median wall time and the best CPU time of this process, in ms, after one warm-up call
    (imports, compiled statements, a pooled connection). The best is the fairest figure on a shared machine."""
    fn()
    walls, cpus = [], []
    for _ in range(REPEAT):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return min(walls) * 1000, statistics.median(walls) * 1000, min(cpus) * 1000


def _measure(url: str, label: str, aim_ms: float) -> None:
    from sqlalchemy import select

    from jobagent.api import board as api
    from jobagent.api.board import _COLUMNS
    from jobagent.config import get_settings
    from jobagent.store.migrate import upgrade
    from jobagent.store.models import BoardEntry, Posting
    from jobagent.store.session import session_scope
    from tests.board_data import make_profile, seed_board

    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    upgrade(url)
    t0 = time.perf_counter()
    profile_id = make_profile()
    seed_board(profile_id, N, twins=N // 50)
    other = make_profile(email="other@example.org")
    seed_board(other, N, seed=3)
    seeded = time.perf_counter() - t0
    if url.startswith("postgresql"):  # planner statistics, as autovacuum keeps them on a live database
        from sqlalchemy import text

        from jobagent.store.session import get_engine

        with get_engine(url).connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    rows = len(api.board(profile_id, record_look=False).rows)
    assert rows == N, rows

    def plain() -> int:
        with session_scope() as s:
            q = (select(*_COLUMNS).join(Posting, Posting.id == BoardEntry.posting_id)
                 .where(BoardEntry.profile_id == profile_id)
                 .order_by(BoardEntry.best_score.desc(), BoardEntry.first_found_at.desc(), BoardEntry.posting_id))
            return len(s.execute(q).all())

    base = _timed(plain)
    full = _timed(lambda: api.board(profile_id))
    new = _timed(lambda: api.board(profile_id, new_only=True))
    filtered = _timed(lambda: api.board(profile_id, statuses=["new", "saved"], since="7d"))
    verdict = "yes" if full[0] <= aim_ms else "NO"
    print(f"{label}: board of {N:,} rows best {full[0]:.0f} ms, median {full[1]:.0f} ms, CPU {full[2]:.0f} ms "
          f"(aim <= {aim_ms:.0f} ms: {verdict}); plain SELECT of the same rows best {base[0]:.0f} ms, "
          f"median {base[1]:.0f} ms, CPU {base[2]:.0f} ms; ratio board/plain {full[0] / base[0]:.2f}x; "
          f"--new {new[0]:.0f} ms; --status new --status saved --since 7d {filtered[0]:.0f} ms "
          f"(seeded 2 x {N:,} rows in {seeded:.0f} s; {REPEAT} runs; load average {os.getloadavg()[0]:.1f})")


def main() -> None:
    from benchmarks.servers import start_local_servers

    servers = start_local_servers(redis=False)
    try:
        _measure(os.environ["DATABASE_URL"], "PostgreSQL", 200)
        with tempfile.TemporaryDirectory() as tmp:
            _measure(f"sqlite:///{tmp}/bench.sqlite3", "SQLite", 500)
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
