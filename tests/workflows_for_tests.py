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
    Workflow(type="test_stall", context_model=TestContext, nodes=[StallNode(), DoneNode()],
             result=lambda ctx: {"visits": ctx.visits}),
    Workflow(type="test_fail", context_model=TestContext, nodes=[FailNode(), DoneNode()],
             result=lambda ctx: {"visits": ctx.visits}),
]
