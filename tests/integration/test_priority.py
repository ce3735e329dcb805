"""Priority without starvation: `high` first on a `high,default` worker, but `default` still moves."""

from __future__ import annotations

from sqlalchemy import select

from jobagent.api import runs
from jobagent.store.models import WorkflowExecution
from jobagent.store.session import session_scope
from tests.conftest import Workers, run_cli, wait_until


def _statuses(subs: list[runs.Submission]) -> list[str]:
    with session_scope() as s:
        rows = dict(s.execute(select(WorkflowExecution.id, WorkflowExecution.status)
                              .where(WorkflowExecution.id.in_([x.execution_id for x in subs]))).all())
    return [rows[x.execution_id] for x in subs]


def test_high_enqueued_last_starts_before_50_default(workers: Workers) -> None:
    lows = [runs.submit_diagnostic(echo=f"low-{i}") for i in range(50)]
    high = runs.submit_diagnostic(echo="high", priority="high")
    workers.start("--burst", "--queues", "high,default")
    wait_until(lambda: set(_statuses([*lows, high])) == {"completed"}, 180)
    with session_scope() as s:
        started = dict(s.execute(select(WorkflowExecution.id, WorkflowExecution.started_at)).all())
    assert all(started[high.execution_id] < started[low.execution_id] for low in lows)


def test_default_progresses_while_high_is_flooded(workers: Workers) -> None:
    highs = [runs.submit_diagnostic(sleep_seconds=0.25, echo=f"high-{i}", priority="high") for i in range(40)]
    lows = [runs.submit_diagnostic(echo=f"low-{i}") for i in range(5)]
    workers.start("--queues", "high,default")
    workers.start("--queues", "default,high")  # the recommended pool keeps one of these
    wait_until(lambda: set(_statuses(lows)) == {"completed"}, 120)
    # All of default is done while high work is still waiting: the flood did not starve it.
    assert _statuses(highs).count("completed") < len(highs)


def test_round_robin_strategy_and_bad_queue_names(workers: Workers) -> None:
    highs = [runs.submit_diagnostic(echo=f"high-{i}", priority="high") for i in range(6)]
    lows = [runs.submit_diagnostic(echo=f"low-{i}") for i in range(6)]
    workers.start("--burst", "--queues", "high,default", "--dequeue-strategy", "round_robin")
    wait_until(lambda: set(_statuses([*highs, *lows])) == {"completed"}, 120)
    with session_scope() as s:
        order = list(s.scalars(select(WorkflowExecution.queue).order_by(WorkflowExecution.started_at)))
    assert "default" in order[:4]  # strict order would run all six high tasks first

    bad = run_cli("worker", "--queues", "high,urgent", environ=workers.environ)
    assert bad.returncode == 3 and "unknown queue 'urgent'" in bad.stderr
    bad = run_cli("worker", "--dequeue-strategy", "fastest", environ=workers.environ)
    assert bad.returncode == 2 and "fastest" in bad.stderr  # a click choice: a usage error
