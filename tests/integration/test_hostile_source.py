"""Issue 23 §2: one hostile source must cost only its own excess, never the harvest or the daily fan-out.

Local boards on 127.0.0.1, PostgreSQL and Redis: one board sends a 7 KB ETag and a 200-character
Last-Modified (columns hold 500 and 100), one posting carries 3.6 MB of distinct words (PostgreSQL's tsvector
holds 1 MB), and one configured source has a spec longer than its column, so its harvest cannot be stored.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import func, select, text

from jobagent.cli import error_report
from jobagent.daily_search import fan_out_daily_search
from jobagent.errors import StoreRefused, translate
from jobagent.limits import MAX_POSTING_TEXT_BYTES
from jobagent.retry_policy import is_transient
from jobagent.store.models import Posting, PostingSource, Run, SourceState, UserProfile
from jobagent.store.session import session_scope
from tests.board_server import BoardServer
from tests.posting_corpus import CITIES, PROFESSIONS, generate

DAY = date(2020, 5, 6)
HUGE_WORDS = " ".join(f"w{i:06x}" for i in range(450_000))  # 3.6 MB, every word distinct
TOO_LONG_SPEC = "arbeitnow:" + "x" * 600


def _seed(n: int) -> list[str]:
    roles = list(PROFESSIONS)
    with session_scope() as s:
        rows = [UserProfile(name=f"P{i}", email=f"p{i}@example.org", location=CITIES[i % len(CITIES)],
                            skills=PROFESSIONS[roles[i]][:3], suggested_titles=[roles[i], roles[i + 1]])
                for i in range(n)]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def test_hostile_boards_cost_only_their_excess(env, clean_pg: str, clean_redis: str) -> None:
    with BoardServer() as srv:
        srv.boards["greenhouse:acme"] = generate(20, prefix="gh", seed=1)
        srv.boards["lever:globex"] = generate(30, prefix="lv", seed=2)
        srv.validators["lever:globex"] = {"ETag": '"' + "e" * 7000 + '"', "Last-Modified": "Mon, " + "x" * 200}
        huge = generate(10, prefix="an", seed=3)
        huge[0]["description"] = HUGE_WORDS
        srv.boards["arbeitnow"] = huge
        sources = ["greenhouse:acme", "lever:globex", "arbeitnow", TOO_LONG_SPEC]
        env(database_url=clean_pg, redis_url=clean_redis, JOBAGENT_ALLOW_PRIVATE_URLS="true",
            JOBAGENT_HOST_MIN_INTERVAL="0.01", JOBAGENT_SOURCES=",".join(sources),
            JOBAGENT_SOURCE_BASE_URLS=json.dumps(srv.base_urls()))
        profiles = _seed(4)

        summary = fan_out_daily_search(DAY)

        assert summary.runs_created == 8 and summary.searches_refused == 0, summary  # every profile searches
        lines = dict(line.split(": ", 1) for line in summary.harvests[:3])
        assert all(lines[spec].startswith("ok (") for spec in sources[:3]), summary.harvests
        refused = summary.harvests[3]
        assert refused.startswith(TOO_LONG_SPEC + ": failed") and "the database refused a value" in refused
        with session_scope() as s:
            states = {row.spec: row for row in s.scalars(select(SourceState))}
            members = dict(s.execute(select(PostingSource.source, func.count()).group_by(PostingSource.source)).all())
            stored = s.scalar(select(Posting.description).where(Posting.title == huge[0]["title"],
                                                                Posting.company == huge[0]["company"]))
            owners = set(s.scalars(select(Run.profile_id)))
        seen = {spec: int(re.search(r"; (\d+) seen", lines[spec])[1]) for spec in sources[:3]}  # type: ignore[index]
        assert members == seen and all(seen[spec] >= len(srv.boards[spec]) - 1 for spec in seen), seen  # none lost
        assert (states["lever:globex"].etag, states["lever:globex"].last_modified) == (None, None)  # dropped
        assert states["greenhouse:acme"].etag and states["arbeitnow"].etag
        assert stored is not None and stored.startswith("w000000 w000001")
        assert MAX_POSTING_TEXT_BYTES - 200 < len(stored.encode()) <= MAX_POSTING_TEXT_BYTES
        assert owners == set(profiles)

        before = srv.count()
        again = fan_out_daily_search(DAY)  # the good sources are fresh; the refused one is tried again
        assert again.runs_created == 0 and [line.split(": ")[0] for line in again.harvests] == [TOO_LONG_SPEC]
        assert srv.count() > before


def test_a_tsvector_over_the_limit_is_refused_not_unavailable(env, clean_pg: str) -> None:
    """PostgreSQL files "string is too long for tsvector" under OperationalError; it is no outage."""
    env(database_url=clean_pg)
    with pytest.raises(Exception) as info:  # noqa: PT011 - the driver's own class is what is under test
        with session_scope() as s:
            s.execute(text("SELECT to_tsvector('simple', :t)"), {"t": HUGE_WORDS})
    mapped = translate(info.value)
    assert isinstance(mapped, StoreRefused) and "too long for tsvector" in str(mapped), mapped
    assert not is_transient(info.value)
    message, kind, code = error_report(info.value) or ("", "", 0)
    assert (kind, code) == ("store_refused", 1) and "cannot reach" not in message
