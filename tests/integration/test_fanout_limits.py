"""Issue 23 §1: one profile's odd title must not stop the daily fan-out for every other profile (PostgreSQL).

"ß" casefolds to "ss", so a 200-character title made a 400-character dedup key, which overflowed the column
and failed the whole batch: 0 runs for everyone.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from jobagent.daily_search import dedup_key
from jobagent.store.models import Run, UserProfile
from jobagent.store.session import session_scope


def _profile(name: str, titles: list[str]) -> str:
    with session_scope() as s:
        p = UserProfile(name=name, email=f"{name}@example.org", location="Berlin", skills=["cooking"],
                        suggested_titles=titles)
        s.add(p)
        s.flush()
        return p.id


def test_long_and_refused_titles_leave_other_profiles_searching(env, clean_pg: str, clean_redis: str,
                                                                cli_main) -> None:
    env(database_url=clean_pg, redis_url=clean_redis, JOBAGENT_SOURCES="")
    sharp = _profile("sharp", ["Baker"])
    code, _, err = cli_main("profile", "edit", sharp, "--add-title", "ß" * 200)
    assert code == 3 and "title is longer than 200 characters" in err, err  # counted after folding
    code, _, err = cli_main("profile", "edit", sharp, "--add-title", "ß" * 100)
    assert code == 0, err
    # Titles a CV could give, which no edit checked: a key longer than the column, a title longer than any query.
    folded = _profile("folded", ["ß" * 150, "ß" * 200, "Nurse"])
    huge = _profile("huge", ["x" * 400, "Welder"])
    plain = _profile("plain", ["Welder"])

    code, out, err = cli_main("schedule", "run-now", "daily-search", "--json")
    assert code == 0, err
    summary = json.loads(out)
    with session_scope() as s:
        runs = s.execute(select(Run.profile_id, Run.query, Run.dedup_key)).all()
    by_profile: dict[str, set[str]] = {}
    for profile_id, query, _ in runs:
        by_profile.setdefault(profile_id, set()).add(query)
    assert by_profile[sharp] == {"Baker", "ß" * 100}
    assert by_profile[folded] == {"ß" * 150, "Nurse"}
    assert by_profile[huge] == {"Welder"} and by_profile[plain] == {"Welder"}
    keys = {(profile_id, query): key for profile_id, query, key in runs}
    assert all(len(key) <= 400 for key in keys.values())
    long_key = dedup_key(folded, "ß" * 200, date.today())  # folded, it would not fit: a hash instead
    assert long_key.startswith(f"daily:{folded}:sha256:") and len(long_key) < 100
    assert keys[plain, "Welder"] == f"daily:{plain}:welder:{summary['day']}"  # the old form, where it fits
    assert summary["searches_refused"] == 2, summary
    assert sorted(line.split(":")[0] for line in summary["errors"]) == sorted([f"profile {folded}", f"profile {huge}"])
    assert all(": query is longer than 300 characters" in line for line in summary["errors"])
    assert summary["runs_created"] == len(runs) == 6

    code, out, err = cli_main("schedule", "run-now", "daily-search", "--json")
    again = json.loads(out)
    assert code == 0 and again["runs_created"] == 0 and again["skipped_already_done"] == 6, again


def test_a_profile_deleted_mid_fan_out_costs_only_its_own_searches(env, clean_pg: str, clean_redis: str,
                                                                   monkeypatch) -> None:
    """The batch insert hits a real foreign-key violation (the profile was deleted after it was read): the
    batch is inserted again profile by profile, and only the deleted one goes without."""
    from jobagent import daily_search

    env(database_url=clean_pg, redis_url=clean_redis, JOBAGENT_SOURCES="")
    kept = [_profile(f"kept{i}", ["Welder", "Baker"]) for i in range(3)]
    gone = _profile("gone", ["Nurse"])
    read_pages = daily_search._eligible_profiles

    def then_delete(batch_size: int, summary: daily_search.FanOutSummary):  # type: ignore[no-untyped-def]
        yield from read_pages(batch_size, summary)
        with session_scope() as s:  # after every profile was read, before the batch is written
            s.delete(s.get(UserProfile, gone))

    monkeypatch.setattr(daily_search, "_eligible_profiles", then_delete)
    summary = daily_search.fan_out_daily_search(batch_size=100)
    with session_scope() as s:
        owners = sorted(s.scalars(select(Run.profile_id)))
    assert owners == sorted(kept * 2)
    assert (summary.runs_created, summary.searches_refused, summary.skipped_already_done) == (6, 1, 0)
    assert summary.errors[0].startswith(f"profile {gone}: the database refused a value"), summary.errors
