"""Issue 23 item 8 below the HTTP face: rows made for a profile belong to its owner, on both backends.

The daily fan-out writes its runs with its own bulk paths (PostgreSQL COPY, SQLite upsert), apart from the
single-submit path the HTTP test covers, so the owner must survive those too: a user's token then finds
the daily searches of their profile, and another user's does not.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from jobagent.actors import Actor
from jobagent.api import runs
from jobagent.daily_search import fan_out_daily_search
from jobagent.errors import NotFound
from jobagent.store.models import Run, UserProfile
from jobagent.store.session import session_scope

DAY = date(2020, 1, 2)
ALICE, BOB = Actor("alice"), Actor("bob")


def _profiles() -> tuple[str, str]:
    with session_scope() as s:
        mine = UserProfile(name="A", email="a@example.org", location="Berlin", owner="alice",
                           suggested_titles=["Data Engineer", "Backend Engineer"])
        operators = UserProfile(name="O", email="o@example.org", location="Berlin", suggested_titles=["Chef"])
        s.add_all([mine, operators])
        s.flush()
        return mine.id, operators.id


@pytest.mark.parametrize("backend", ["postgres", "embedded"])
def test_daily_searches_belong_to_the_profiles_owner(backend: str, request: pytest.FixtureRequest, env) -> None:
    if backend == "postgres":
        request.getfixturevalue("live")
    else:
        from jobagent.api import ops

        env()
        ops.ensure_schema()
    mine, operators = _profiles()
    assert fan_out_daily_search(DAY).runs_created == 3
    with session_scope() as s:
        owners = {(pid, owner) for pid, owner in s.execute(select(Run.profile_id, Run.owner))}
        alice_runs = list(s.scalars(select(Run.id).where(Run.profile_id == mine)))
        operator_run = s.scalar(select(Run.id).where(Run.profile_id == operators))
    assert owners == {(mine, "alice"), (operators, None)}
    assert {r.run_id for r in runs.list_runs(actor=ALICE)} == set(alice_runs)
    assert runs.list_runs(actor=BOB) == [] and len(runs.list_runs()) == 3  # the CLI (operator) sees all
    assert runs.get_status(alice_runs[0], actor=ALICE).run_id == alice_runs[0]
    for actor, run_id in ((BOB, alice_runs[0]), (ALICE, operator_run)):
        with pytest.raises(NotFound, match=f"run or execution {run_id} not found"):
            runs.get_status(run_id, actor=actor)
