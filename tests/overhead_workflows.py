"""Workflows for the forking worker's overhead tests (registered through JOBAGENT_WORKFLOW_MODULES): one whose
work-horse exits on its first attempt before RQ records anything, optionally leaving a forked process alive."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from jobagent.workflows.engine import Node, NodeEnv, Workflow


class ExitContext(BaseModel):
    marker_dir: str
    code: int = 3
    orphan_seconds: float = 0.0  # > 0: first fork a process that lives on (without exec) this long
    pid: int = 0


class ExitOnceNode(Node[ExitContext]):
    """First attempt: the work-horse ends at once with ``code`` (no report, no result); later ones finish."""

    name = "ExitOnceNode"

    def run(self, ctx: ExitContext, env: NodeEnv) -> None:
        marker = Path(ctx.marker_dir, f"{env.execution_id}.exited")
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            if ctx.orphan_seconds > 0 and os.fork() == 0:  # inherits every descriptor the work-horse holds
                Path(ctx.marker_dir, f"{env.execution_id}.orphan").write_text(str(os.getpid()))
                time.sleep(ctx.orphan_seconds)
                os._exit(0)
            os._exit(ctx.code)
        ctx.pid = os.getpid()


def _pid(ctx: ExitContext) -> dict[str, Any]:
    return {"pid": ctx.pid}


WORKFLOWS = [Workflow(kind="test_exit_once", context_model=ExitContext, nodes=[ExitOnceNode()], result=_pid)]
