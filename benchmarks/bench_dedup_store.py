"""Dedup of 10,000 discovered postings against a PostgreSQL store that already holds 10,000.

Run: ``python benchmarks/bench_dedup_store.py`` (starts its own PostgreSQL unless DATABASE_URL is set).
Half of the new postings are re-posts of stored ones (same canonical URL, different tracking parameters).
The baseline is the per-posting lookup the first DiscoveryNode used (two SELECTs per posting), measured
on the same data in the same run.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N = int(os.environ.get("BENCH_POSTINGS", "10000"))


def _posting(i: int, rng: random.Random, tag: str):  # type: ignore[no-untyped-def]
    from jobagent.postings.schema import PostingData

    return PostingData(source="bench", external_id=f"{tag}{i}", url=f"https://jobs.example/{i}?utm_source={tag}",
                       title=f"Engineer {i}", company=f"Company {i % 997}", location=rng.choice(["Berlin", "Remote"]),
                       description="Python and SQL " * 30)


def _naive(session, postings) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from jobagent.postings.dedup import canonical_url, posting_fingerprint
    from jobagent.store.models import Posting

    new = 0
    for p in postings:
        url = canonical_url(p.url)
        row = session.scalar(select(Posting.id).where(Posting.canonical_url == url).limit(1))
        if row is None:
            row = session.scalar(select(Posting.id).where(Posting.fingerprint == posting_fingerprint(p)))
        new += row is None
    return new


def main() -> None:
    from benchmarks.servers import start_local_servers

    servers = start_local_servers(redis=False)
    try:
        from jobagent.postings.harvest_store import store_harvest
        from jobagent.store.migrate import upgrade
        from jobagent.store.models import utcnow
        from jobagent.store.session import session_scope

        upgrade()
        rng = random.Random(7)
        stored = [_posting(i, rng, "old") for i in range(N)]
        with session_scope() as s:
            store_harvest(s, "feed:bench", stored, utcnow(), complete=False, close_after=3)
        fresh = [_posting(i, rng, "new") for i in range(N // 2, N + N // 2)]  # half re-posts of stored ones

        with session_scope() as s:
            t0 = time.perf_counter()
            naive_new = _naive(s, fresh)
            naive = time.perf_counter() - t0
            s.rollback()
        with session_scope() as s:
            t0 = time.perf_counter()
            new = store_harvest(s, "feed:bench", fresh, utcnow(), complete=False, close_after=3).new
            bulk = time.perf_counter() - t0
        assert new == naive_new == N // 2, (new, naive_new)
        print(f"dedup {N} new against {N} stored on PostgreSQL: bulk {bulk:.3f} s (incl. inserting {new} new), "
              f"per-posting lookups {naive:.3f} s (lookups only), ratio {naive / bulk:.1f}x; "
              f"aim < 1 s: {'yes' if bulk < 1 else 'NO'}")
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
