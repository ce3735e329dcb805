"""Workflows for the forking worker's overhead tests (registered through JOBAGENT_WORKFLOW_MODULES): one that
reports its process, one whose work-horse exits on its first attempt before RQ records anything."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from jobagent.workflows.engine import Node, NodeEnv, Workflow


class ExitContext(BaseModel):
    marker_dir: str
    code: int = 3
    pid: int = 0


class ExitOnceNode(Node[ExitContext]):
    """First attempt: the work-horse ends at once with ``code`` (no report, no result); later ones finish."""

    name = "ExitOnceNode"

    def run(self, ctx: ExitContext, env: NodeEnv) -> None:
        marker = Path(ctx.marker_dir, f"{env.execution_id}.exited")
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            os._exit(ctx.code)
        ctx.pid = os.getpid()


def _pid(ctx: ExitContext) -> dict[str, Any]:
    return {"pid": ctx.pid}


WORKFLOWS = [Workflow(kind="test_exit_once", context_model=ExitContext, nodes=[ExitOnceNode()], result=_pid)]
