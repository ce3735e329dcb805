"""Workflows that only tests register (through JOBAGENT_WORKFLOW_MODULES): nodes that fail or stall."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pydantic import BaseModel

from jobagent.workflows.engine import Node, NodeEnv, Workflow


class TestContext(BaseModel):
    sleep_seconds: float = 0.0
    marker_dir: str | None = None
    fail_times: int = 0
    message: str = "boom"
    visits: int = 0


class StallNode(Node[TestContext]):
    """Sleeps, leaving a marker per attempt, so a test can kill the worker mid-node."""

    name = "StallNode"

    def run(self, ctx: TestContext, env: NodeEnv) -> None:
        if ctx.marker_dir:
            Path(ctx.marker_dir, f"{env.execution_id}.{os.getpid()}").write_text("started")
        time.sleep(ctx.sleep_seconds)


class FailNode(Node[TestContext]):
    """Fails the first ``fail_times`` visits (counted in a marker file that survives retries)."""

    name = "FailNode"

    def run(self, ctx: TestContext, env: NodeEnv) -> None:
        counter = Path(ctx.marker_dir or ".", f"{env.execution_id}.visits")
        visits = int(counter.read_text()) if counter.exists() else 0
        counter.write_text(str(visits + 1))
        if visits < ctx.fail_times:
            raise RuntimeError(f"{ctx.message} on visit {visits + 1}")


class DoneNode(Node[TestContext]):
    name = "DoneNode"

    def run(self, ctx: TestContext, env: NodeEnv) -> None:
        ctx.visits += 1


WORKFLOWS = [
    Workflow(kind="test_stall", context_model=TestContext, nodes=[StallNode(), DoneNode()],
             result=lambda ctx: {"visits": ctx.visits}),
    Workflow(kind="test_fail", context_model=TestContext, nodes=[FailNode(), DoneNode()],
             result=lambda ctx: {"visits": ctx.visits}),
]


# --- appended for the monitoring/resilience tests (issue 5) ---------------------------------------------------


class RaiseContext(BaseModel):
    kind: str = "permanent"  # permanent | http_timeout | connect | db | redis
    fail_times: int = 1
    marker_dir: str | None = None
    message: str = "boom"


class RaiseNode(Node[RaiseContext]):
    """Raises an error of the given kind on the first ``fail_times`` visits (counted in a marker file)."""

    name = "RaiseNode"

    def run(self, ctx: RaiseContext, env: NodeEnv) -> None:
        counter = Path(ctx.marker_dir or ".", f"{env.execution_id}.visits")
        visits = int(counter.read_text()) if counter.exists() else 0
        counter.write_text(str(visits + 1))
        if visits >= ctx.fail_times:
            return
        if ctx.kind == "permanent":
            from jobagent.errors import InvalidInput

            raise InvalidInput(ctx.message)
        if ctx.kind == "http_timeout":
            import httpx

            raise httpx.ConnectTimeout(ctx.message)
        if ctx.kind == "db":
            from sqlalchemy.exc import OperationalError

            raise OperationalError("SELECT 1", {}, ConnectionRefusedError(ctx.message))
        if ctx.kind == "redis":
            from redis.exceptions import ConnectionError as RedisConnectionError

            raise RedisConnectionError(ctx.message)
        raise RuntimeError(ctx.message)


class StallOnceNode(Node[TestContext]):
    """Sleeps on the first visit only (marker per execution), so a retried attempt after a kill is quick."""

    name = "StallOnceNode"

    def run(self, ctx: TestContext, env: NodeEnv) -> None:
        marker = Path(ctx.marker_dir or ".", f"{env.execution_id}.stalled")
        if marker.exists():
            return
        marker.write_text(str(os.getpid()))
        time.sleep(ctx.sleep_seconds)


WORKFLOWS.append(Workflow(kind="test_raise", context_model=RaiseContext, nodes=[RaiseNode()]))
WORKFLOWS.append(Workflow(kind="test_stall_once", context_model=TestContext, nodes=[StallOnceNode(), DoneNode()],
                          result=lambda ctx: {"visits": ctx.visits}))


# --- appended for the nothing-twice tests (issue 11, h3) ------------------------------------------------------


def _slow_search(kind: str = "test_slow_search", before: str = "DeliveryNode") -> Workflow:  # type: ignore[type-arg]
    """The real job search with a pause before ``before``, so a test can act while a search is running."""
    from jobagent.workflows import job_search

    class SlowSearchContext(job_search.JobSearchContext):
        sleep_seconds: float = 0.0
        marker_dir: str | None = None
        rendezvous: int = 0  # issue 23 §5: wait until this many searches have reached the pause, then go on

    class PauseNode(Node[SlowSearchContext]):
        """Leaves ``<execution>.pause.<pid>`` (holding the pid) per visit, waits for the rendezvous, sleeps."""

        name = "PauseNode"

        def run(self, ctx: SlowSearchContext, env: NodeEnv) -> None:
            if ctx.marker_dir:
                Path(ctx.marker_dir, f"{env.execution_id}.pause.{os.getpid()}").write_text(str(os.getpid()))
                deadline = time.monotonic() + 120
                while len(list(Path(ctx.marker_dir).glob("*.pause.*"))) < ctx.rendezvous \
                        and time.monotonic() < deadline:
                    time.sleep(0.05)
            time.sleep(ctx.sleep_seconds)

    nodes = list(job_search.WORKFLOW.nodes)
    at = [node.name for node in nodes].index(before)
    return Workflow(kind=kind, context_model=SlowSearchContext,
                    nodes=[*nodes[:at], PauseNode(), *nodes[at:]], result=job_search.WORKFLOW.result)


WORKFLOWS.append(_slow_search())
# Issue 23 §4: a profile deleted while its search pauses before writing tailored CVs, letters and reports.
WORKFLOWS.append(_slow_search("test_pause_before_fabrication", before="FabricationNode"))
