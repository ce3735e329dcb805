"""Harvests of several sources that list the same adverts, stored at once into one PostgreSQL (the harvest
runs four sources in parallel threads, and workers harvest side by side): none may fail with a deadlock.

Two transactions inserting and updating overlapping postings in different orders wait on each other's row
and unique-index locks in a cycle, which PostgreSQL breaks by failing one ("deadlock detected"). Found by the
pacing benchmark at 10 sources x 1,000 postings. Each round here stores four sources that share 1,500 adverts,
each in its own order, then again with changed descriptions (the update path).
"""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime

from jobagent.postings.harvest_store import store_harvest
from jobagent.postings.schema import PostingData
from jobagent.store.session import session_scope


def _postings(n: int, version: int) -> list[PostingData]:
    return [PostingData(source="feed:shared", external_id=f"ad-{i}", title=f"Warehouse Operative {i}",
                        company=f"Company {i % 40}", location="Rotterdam", url=f"https://jobs.example/ad-{i}",
                        description=f"Shift work, forklift licence. Version {version}.") for i in range(n)]


def _store_at_once(version: int) -> list[BaseException]:
    """Four sources' harvests of the same 1,500 adverts, each in its own order, started together."""
    postings = _postings(1500, version)
    failures: list[BaseException] = []
    start = threading.Barrier(4)

    def harvest(k: int) -> None:
        mine = postings[:]
        random.Random(f"{version}-{k}").shuffle(mine)
        start.wait()
        try:
            with session_scope() as s:
                store_harvest(s, f"feed:source-{k}", mine, datetime.now(UTC), complete=True, close_after=2)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted by the caller
            failures.append(exc)

    threads = [threading.Thread(target=harvest, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return failures


def test_parallel_harvests_of_overlapping_sources_never_deadlock(env, clean_pg: str) -> None:
    from sqlalchemy import func, select

    from jobagent.store.models import Posting, PostingSource

    env(database_url=clean_pg)
    for version in (1, 2, 3):  # the insert path, then twice the update path
        failures = _store_at_once(version)
        assert not failures, [str(f).splitlines()[0] for f in failures]
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(Posting)) == 1500
        assert s.scalar(select(func.count()).select_from(PostingSource)) == 6000
        assert s.scalar(select(func.count()).select_from(Posting).where(Posting.description.like("%Version 3.")))\
            == 1500
