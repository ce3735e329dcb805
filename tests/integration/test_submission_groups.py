"""Group commit of single submissions (issue 16, aim 3) keeps every promise of a lone submission.

Real PostgreSQL and a Redis per test that the test may stop. The first batch's leader is held at the door
of ``submit_specs`` (the real one runs once it is let go) until every other caller has queued behind it,
so the batches the test counts are the ones group commit must form, not a matter of timing.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from redis import Redis
from sqlalchemy import func, select

from jobagent import submission, submission_groups
from jobagent.config import Settings, get_settings
from jobagent.errors import EnqueueFailed
from jobagent.store.models import Run, WorkflowExecution
from jobagent.store.session import session_scope
from jobagent.submission import SubmissionSpec
from jobagent.submission_groups import group_for, submit_one
from tests.conftest import wait_until
from tests.servers import RedisServer
from tests.submit_servers import own_redis_fixture, setup_fixture  # noqa: F401  (fixtures)

CALLERS = 50


class Door:
    """Holds the first batch inside ``submit_specs`` until the test opens it; records every batch's size."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sizes: list[int] = []
        self.threads: list[int] = []
        self.opened = threading.Event()
        real = submission_groups.submit_specs

        def held(specs: list[SubmissionSpec], settings: Settings) -> Any:
            self.sizes.append(len(specs))
            self.threads.append(threading.get_ident())
            if len(self.sizes) == 1:
                assert self.opened.wait(60)
            return real(specs, settings)

        monkeypatch.setattr(submission_groups, "submit_specs", held)


def _spec(i: int) -> SubmissionSpec:
    queue = "high" if i % 4 == 0 else "default"
    return SubmissionSpec("diagnostic", queue, {"sleep_seconds": 0, "echo": f"caller-{i}"})


def _together(specs: list[SubmissionSpec], settings: Settings, door: Door) -> list[Any]:
    """Each spec submitted by its own thread: the first alone (its batch held at the door), then all the
    others released at once; the door opens when they are all queued. Returns each caller's Submission or
    the exception it raised."""
    outcomes: list[Any] = [None] * len(specs)
    crowd = threading.Barrier(len(specs) - 1)

    def call(i: int) -> None:
        if i:
            crowd.wait()
        try:
            outcomes[i] = submit_one(specs[i], settings)
        except BaseException as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(specs))]
    threads[0].start()
    wait_until(lambda: door.sizes, timeout=60, interval=0.01)
    for thread in threads[1:]:
        thread.start()
    group = group_for(settings)
    wait_until(lambda: group.waiting() == len(specs) - 1, timeout=60, interval=0.01)
    door.opened.set()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def _executions() -> list[WorkflowExecution]:
    with session_scope() as s:
        return list(s.scalars(select(WorkflowExecution)))


def _count(model: Any) -> int:
    with session_scope() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _queued(url: str) -> dict[str, list[str]]:
    conn = Redis.from_url(url, decode_responses=True)
    return {q: [str(i) for i in conn.lrange(f"rq:queue:{q}", 0, -1)] for q in ("high", "default")}


def test_fifty_callers_at_once_share_two_batches_and_each_gets_its_own_submission(
        setup: RedisServer, monkeypatch: pytest.MonkeyPatch) -> None:
    settings, door = get_settings(), Door(monkeypatch)
    specs = [_spec(i) for i in range(CALLERS)]
    subs = _together(specs, settings, door)
    assert door.sizes == [1, CALLERS - 1]  # the first alone, then all the rest in one batch
    group = group_for(settings)
    assert (group.batches, group.submitted, group.largest) == (2, CALLERS, CALLERS - 1)
    assert all(isinstance(sub, submission.Submission) and sub.status == "pending" for sub in subs), subs
    assert len({sub.execution_id for sub in subs}) == len({sub.run_id for sub in subs}) == CALLERS
    rows = {ex.id: ex for ex in _executions()}
    assert len(rows) == _count(Run) == CALLERS
    for i, sub in enumerate(subs):  # each caller got the row of ITS spec, not a neighbour's
        row = rows[sub.execution_id]
        assert row.run_id == sub.run_id and row.queue == sub.queue == specs[i].queue
        assert row.context_snapshot["echo"] == f"caller-{i}" and row.enqueued_at is not None
    queued = _queued(setup.url)
    assert sorted(queued["high"] + queued["default"]) == sorted(rows)
    assert set(queued["high"]) == {sub.execution_id for sub in subs if sub.queue == "high"}


@pytest.mark.parametrize("outage", ["lost_after_ping", "away_before_write"])
def test_redis_outage_fails_every_caller_of_the_batch_and_leaves_nothing_pending(
        setup: RedisServer, monkeypatch: pytest.MonkeyPatch, outage: str) -> None:
    settings, door = get_settings(), Door(monkeypatch)
    real_check = submission._check_queue_reachable
    if outage == "lost_after_ping":  # the batch's ping answers, then Redis goes before the MULTI/EXEC
        def ping_then_lose_redis(settings: Any, *, cached: bool = True) -> bool:
            fresh = real_check(settings, cached=False)
            if len(door.sizes) == 2:
                setup.stop()
            return fresh

        monkeypatch.setattr(submission, "_check_queue_reachable", ping_then_lose_redis)
    else:  # Redis stops while the first batch is held: that batch's ping is cached (it writes, then takes its
        # rows back), the second's fails before writing
        monkeypatch.setattr(door.opened, "set", _stop_then(setup, door.opened.set))
    subs = _together([_spec(i) for i in range(CALLERS)], settings, door)
    assert door.sizes == [1, CALLERS - 1]
    failed = [out for out in subs if isinstance(out, EnqueueFailed)]
    reason = "marked failed" if outage == "lost_after_ping" else "nothing was submitted"
    assert len(failed) == (CALLERS - 1 if outage == "lost_after_ping" else CALLERS)
    assert outage != "lost_after_ping" or isinstance(subs[0], submission.Submission)  # it went before the outage
    assert all(str(exc).startswith(("could not enqueue: ConnectionError", "cannot reach Redis")) and reason in str(exc)
               for exc in failed), [str(exc) for exc in failed[:3]]
    assert len({id(exc) for exc in failed}) == len(failed)  # each thread raised its own copy
    rows = _executions()
    assert not [ex for ex in rows if ex.status == "pending" and ex.enqueued_at is None]  # nothing left hanging
    if outage == "lost_after_ping":  # rows committed first, then marked failed with the reason
        assert len(rows) == CALLERS
        failed_rows = [ex for ex in rows if ex.status == "failed"]
        assert len(failed_rows) == CALLERS - 1
        assert all((ex.error_message or "").startswith("could not enqueue: ConnectionError") for ex in failed_rows)
        named = [re.search(r"\(run (\S+) marked failed\)", str(exc)) for exc in failed]  # each its own run
        assert sorted(m.group(1) for m in named if m) == sorted(ex.run_id for ex in failed_rows)
    else:  # Redis was away before the write: the rows were taken back, as if never submitted
        assert rows == [] and _count(Run) == 0


def _stop_then(server: RedisServer, then: Callable[[], None]) -> Callable[[], None]:
    def stop_and_open() -> None:
        submission._pinged_at[server.url] = float("inf")  # the held batch skips its ping (a cached answer)
        server.stop()
        then()

    return stop_and_open


def test_one_callers_bad_value_fails_only_that_caller(setup: RedisServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL refuses a 400-character query (varchar 300): the batch wrote nothing, so it is split."""
    settings, door = get_settings(), Door(monkeypatch)
    specs = [_spec(i) for i in range(20)]
    specs[13] = SubmissionSpec("diagnostic", "default", {"sleep_seconds": 0, "echo": "bad"}, query="q" * 400)
    outcomes = _together(specs, settings, door)
    bad = [i for i, out in enumerate(outcomes) if isinstance(out, BaseException)]
    assert door.sizes == [1, 19] + [1] * 19 and group_for(settings).batches == 21  # refused whole, then split
    assert bad == [13] and isinstance(outcomes[13], psycopg.errors.StringDataRightTruncation)
    good = {out.execution_id for out in outcomes if isinstance(out, submission.Submission)}
    assert len(good) == 19 and {ex.id for ex in _executions()} == good and _count(Run) == 19
    queued = _queued(setup.url)
    assert sorted(queued["high"] + queued["default"]) == sorted(good)


def test_a_lone_caller_submits_at_once_in_its_own_thread(setup: RedisServer, monkeypatch: pytest.MonkeyPatch) -> None:
    settings, door = get_settings(), Door(monkeypatch)
    door.opened.set()  # nothing held: a lone caller never waits for company (no timer)
    subs = [submit_one(_spec(i), settings) for i in range(3)]
    assert door.sizes == [1, 1, 1] and set(door.threads) == {threading.get_ident()}
    assert group_for(settings).waiting() == 0 and len({s.execution_id for s in subs}) == 3
    assert {ex.id for ex in _executions() if ex.enqueued_at is not None} == {s.execution_id for s in subs}


def test_callers_with_other_settings_never_join_the_batch(setup: RedisServer, monkeypatch: pytest.MonkeyPatch) -> None:
    settings, door = get_settings(), Door(monkeypatch)
    other = Settings()  # equal values, another object: another group
    assert group_for(other) is not group_for(settings) and group_for(settings) is group_for(settings)
    held = threading.Thread(target=submit_one, args=(_spec(0), settings))
    held.start()
    wait_until(lambda: door.sizes, timeout=30, interval=0.01)  # settings' batch is in flight, held
    sub = submit_one(_spec(1), other)  # does not queue behind it
    assert door.sizes == [1, 1] and group_for(settings).waiting() == 0
    door.opened.set()
    held.join(30)
    assert {ex.id for ex in _executions()} >= {sub.execution_id} and _count(Run) == 2
