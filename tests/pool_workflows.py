"""Workflows for the pooled-worker tests (registered through JOBAGENT_WORKFLOW_MODULES next to
tests.workflows_for_tests): one that reports which process ran it, one that ignores RQ's time-limit signal."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from jobagent.workflows.engine import Node, NodeEnv, Workflow


class PidContext(BaseModel):
    pid: int = 0


class PidNode(Node[PidContext]):
    """Records the pid of the process that ran the task: the same pid twice means a reused work-horse."""

    name = "PidNode"

    def run(self, ctx: PidContext, env: NodeEnv) -> None:
        ctx.pid = os.getpid()


class StuckContext(BaseModel):
    sleep_seconds: float = 60.0
    marker_dir: str | None = None


class StuckNode(Node[StuckContext]):
    """Blocks SIGALRM (RQ's time-limit signal) and sleeps: only a SIGKILL from outside can end it."""

    name = "StuckNode"

    def run(self, ctx: StuckContext, env: NodeEnv) -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        if ctx.marker_dir:
            Path(ctx.marker_dir, f"{env.execution_id}.stuck").write_text(str(os.getpid()))
        time.sleep(ctx.sleep_seconds)


def _pid(ctx: PidContext) -> dict[str, Any]:
    return {"pid": ctx.pid}


WORKFLOWS = [
    Workflow(kind="test_pid", context_model=PidContext, nodes=[PidNode()], result=_pid),
    Workflow(kind="test_stuck", context_model=StuckContext, nodes=[StuckNode()]),
]
